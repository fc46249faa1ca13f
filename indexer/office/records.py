"""What the office workspace hands back and raises, and what it is handed (:class:`OfficeLinks`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..corpus import Corpus
from ..errors import PolicyKBError
from ..models import PolicyDoc
from .form import lenient_meta, render_document, unified_diff
from .history import VersionInfo
from .tablepreview import TableProbe
from .textdiff import VersionDiff


@dataclass(frozen=True)
class OfficeLinks:
    """The office's collaborators, handed in by ``KnowledgeBase.workspace`` (the only place that
    builds a workspace): the corpus, and the few things the office does with the index."""

    corpus: Corpus
    store: Callable[[], Any]  # the index store in use now (a changed dictionary means a new store)
    build_index: Callable[[], object]  # bring the whole index up to date with the corpus
    stored_fields: Callable[[str], dict | None]  # a document's stored fields in the index, by id
    documents: Callable[[], list[dict]]  # the metadata of every indexed document
    table_probe: TableProbe | None = None  # what word-table previews ask (search, answer, segment)


class EditBusy(PolicyKBError):
    """Another process kept the edit lock too long; nothing was saved."""

    status = 503

    def __init__(self, holder: str, waited: float):
        super().__init__(f"另一个保存操作（{holder}）等待 {waited:.0f} 秒后仍未结束，您的修改没有保存。"
                         "请稍后重新提交；如果一直如此，请管理员检查服务器上的该进程。")


class EditConflict(PolicyKBError):
    """The document changed since the editor loaded it; nothing was saved."""

    status = 409

    def __init__(self, current: "EditableDocument", meta: dict, body: str):
        super().__init__(f"文档“{current.id}”在您编辑期间已被他人修改（{current.saved_by or '未知'}，"
                         f"{current.saved_at or '时间不详'}）。您的修改没有保存，请对照两个版本后重新提交。")
        self.current = current
        self.yours_meta = meta
        self.yours_body = body
        self.diff = unified_diff(current.text, render_document(lenient_meta(meta, current.id), body),
                                 "他人保存的版本", "您的版本")


class DuplicateDocument(PolicyKBError):
    """Documents with the same 文号, or the same title and date, already exist."""

    status = 409

    def __init__(self, duplicates: list["Duplicate"]):
        listing = "；".join(f"《{d.title}》（{d.id}，{d.reason}）" for d in duplicates[:5])
        super().__init__(f"可能与已有文档重复：{listing}。确认不是重复后可仍然保存。")
        self.duplicates = duplicates


class UnsafePath(PolicyKBError):
    """An id or path would leave the corpus directory."""

    status = 400


@dataclass(frozen=True)
class Duplicate:
    id: str
    title: str
    date: str
    doc_no: str
    reason: str


@dataclass(frozen=True)
class EditableDocument:
    """A document as the edit form needs it; ``version`` goes back as ``base_version``."""

    id: str
    meta: dict
    body: str
    version: str
    path: str
    text: str = ""
    saved_by: str = ""
    saved_at: str = ""


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the new version token, warnings, and whether the index has it yet."""

    id: str
    version: str
    number: int
    path: str
    indexed: bool
    warnings: tuple[str, ...] = ()
    notice: str = ""


@dataclass(frozen=True)
class Preview:
    """A validated, unsaved document for the review step, with warnings and duplicates."""

    doc: PolicyDoc
    text: str
    warnings: tuple[str, ...]
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One version with the readable diff against the version before it."""

    version: VersionInfo
    diff: str
    current: bool = False
    changes: tuple[str, ...] = field(default=())
    view: VersionDiff | None = None  # the same difference, readable: fields changed, body side by side
