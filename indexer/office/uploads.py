"""Several uploaded files at once: convert each, keep the drafts for review, save them together.

The office chooses files on the upload page; each one is converted with the importers under the
same limits as a single upload (one worker process for the batch).  A file that is refused, broken
or hostile gets its own Chinese sentence and never stops the others.  The drafts wait in the
instance directory (``<instance>/upload-batches/<batch>.json``, never in corpus/) until the office
confirms the review list; then every chosen file is checked first and, only when all pass, each is
saved through :meth:`Workspace.create_document` (file, history, index) — a problem in one row saves
nothing, so fixing it and saving again never makes a duplicate.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..corpus import atomic_write, content_hash
from ..errors import PolicyKBError
from ..models import LEVELS
from .form import FIELD_LABELS, MAX_BODY_CHARS, FieldError
from .importers import ImportLimits, ImportRefused, WorkerSession, convert_bytes

log = logging.getLogger(__name__)

REVIEW_FIELDS = ("title", "level", "doc_type", "doc_no", "date")  # editable in the review list
BATCH_RE = re.compile(r"^[0-9a-f]{20}$")
BATCH_HOURS = 24  # a review list left unconfirmed this long is discarded


@dataclass
class ReviewItem:
    """One uploaded file in the review list: the guessed fields, or why it cannot be imported."""

    number: int  # 1-based position in the upload
    source_name: str
    meta: dict = field(default_factory=dict)
    body: str = ""
    notes: list[str] = field(default_factory=list)
    error: str = ""
    source_hash: str = ""

    @property
    def importable(self) -> bool:
        return not self.error


class BatchInvalid(PolicyKBError):
    """Some chosen rows cannot be saved; nothing was saved.  ``problems`` maps row number → sentence."""

    status = 422

    def __init__(self, problems: dict[int, str], duplicates: dict[int, str]):
        count = len(problems) + len(duplicates)
        super().__init__(f"有 {count} 个文件需要先处理（见各行说明），没有保存任何文件。")
        self.problems = problems
        self.duplicates = duplicates


def review_meta(meta: dict, level: str = "") -> tuple[dict, list[str]]:
    """Return the fields a review starts from (chosen level applied, 典型案例 filled in) and notes."""
    meta = dict(meta)
    meta.pop("id", None)
    notes: list[str] = []
    if level in LEVELS and level != "unclassified":
        meta["level"] = level
    if meta.get("level") == "case" and not meta.get("doc_type"):
        # A case's title rarely ends in a genre (…的案例, …问题): its 文种 is the level's own.
        meta["doc_type"] = "典型案例"
        notes.append("文种按级别填为“典型案例”，请核对。")
    return meta, notes


def convert_uploads(files: list[tuple[str, bytes]], limits: ImportLimits, level: str = "",
                    encoding: str | None = None) -> list[ReviewItem]:
    """Convert every (name, bytes) of an upload; a failing file becomes a row with its error."""
    items: list[ReviewItem] = []
    seen: dict[str, int] = {}
    with WorkerSession(limits) as worker:
        for number, (name, data) in enumerate(files, 1):
            name = Path(name or "").name or f"文件{number}"
            item = ReviewItem(number, name[:200], source_hash=content_hash(data))
            items.append(item)
            if item.source_hash in seen:
                item.error = f"{item.source_name}：与第 {seen[item.source_hash]} 个文件内容完全相同，已略过。"
                continue
            seen[item.source_hash] = number
            try:
                draft = convert_bytes(data, name, limits, encoding, worker)
            except ImportRefused as exc:
                item.error = str(exc)
                continue
            except Exception as exc:  # one file must never stop the others
                log.exception("converting upload %s failed", name)
                item.error = (f"{item.source_name}：转换时出现意外的内部错误（{type(exc).__name__}），"
                              "其他文件不受影响；请把这个文件交给管理员检查。")
                continue
            if len(draft.body) > MAX_BODY_CHARS:
                item.error = (f"{item.source_name}：正文约 {len(draft.body) // 10000} 万字，超过单篇文档上限 "
                              f"{MAX_BODY_CHARS // 10000} 万字。请把文件拆分成几篇后分别上传。")
                continue
            item.meta, notes = review_meta(draft.meta, level)
            item.body = draft.body
            item.notes = list(draft.notes) + notes
    return items


class UploadBatches:
    """Review lists waiting for the office's confirmation, one JSON file each, owned by one user."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _file(self, batch_id: str) -> Path:
        if not BATCH_RE.match(batch_id or ""):
            raise KeyError(batch_id)
        return self.root / f"{batch_id}.json"

    def put(self, owner: str, items: list[ReviewItem]) -> str:
        self.prune()
        batch_id = uuid.uuid4().hex[:20]
        record = {"owner": owner, "time": time.time(), "items": [asdict(item) for item in items]}
        atomic_write(self._file(batch_id), json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return batch_id

    def get(self, batch_id: str, owner: str) -> list[ReviewItem] | None:
        """Return the items of *batch_id* if *owner* uploaded it and it has not expired."""
        try:
            record = json.loads(self._file(batch_id).read_text(encoding="utf-8"))
            if record.get("owner") != owner or time.time() - float(record["time"]) > BATCH_HOURS * 3600:
                return None
            return [ReviewItem(**item) for item in record["items"]]
        except (KeyError, OSError, ValueError, TypeError):
            return None

    def claim(self, batch_id: str, owner: str) -> list[ReviewItem] | None:
        """Take *batch_id* for one save: return its items, or None when it is gone or already taken.

        The file is renamed aside (atomic), so a second submit of the same list (a double click,
        two tabs) finds nothing instead of saving every document twice.  After the save the list is
        discarded, kept with the rows not yet saved, or released for another try.
        """
        items = self.get(batch_id, owner)
        if items is None:
            return None
        try:
            os.replace(self._file(batch_id), self._file(batch_id).with_suffix(".saving"))
        except OSError:
            return None  # another request took it first
        return items

    def being_saved(self, batch_id: str, owner: str) -> bool:
        """Tell whether *owner*'s list *batch_id* is claimed by a save in progress."""
        try:
            record = json.loads(self._file(batch_id).with_suffix(".saving").read_text(encoding="utf-8"))
            return record.get("owner") == owner
        except (KeyError, OSError, ValueError, AttributeError):
            return False

    def release(self, batch_id: str) -> None:
        """Put a claimed list back (its save was refused; the office corrects it and saves again)."""
        try:
            os.replace(self._file(batch_id).with_suffix(".saving"), self._file(batch_id))
        except (KeyError, OSError):
            pass

    def keep(self, batch_id: str, owner: str, items: list[ReviewItem]) -> None:
        """Replace the items of *batch_id* (after some of them were saved)."""
        record = {"owner": owner, "time": time.time(), "items": [asdict(item) for item in items]}
        atomic_write(self._file(batch_id), json.dumps(record, ensure_ascii=False).encode("utf-8"))
        self._file(batch_id).with_suffix(".saving").unlink(missing_ok=True)

    def discard(self, batch_id: str) -> None:
        for path in (self._file(batch_id), self._file(batch_id).with_suffix(".saving")):
            try:
                path.unlink()
            except OSError:
                pass

    def prune(self) -> None:
        """Remove review lists older than :data:`BATCH_HOURS` (uploaded and never confirmed)."""
        if not self.root.is_dir():
            return
        limit = time.time() - BATCH_HOURS * 3600
        for path in [*self.root.glob("*.json"), *self.root.glob("*.saving")]:
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue


def _field_message(exc: FieldError) -> str:
    label = FIELD_LABELS.get(exc.field or "", "")
    text = str(exc)
    return f"{label}：{text}" if label and not text.startswith(label) else text


def save_batch(workspace, items: list[ReviewItem], chosen: dict[int, dict], author: str,
               forced: set[int] = frozenset()) -> list:
    """Save the rows in *chosen* (row number → edited review fields); return their SaveResults.

    Every chosen row is validated and checked for duplicates (against the library and the rows
    before it) first; a problem in any row raises :class:`BatchInvalid` and saves nothing.

    :param forced: rows whose likely duplicate the office confirmed is not one.
    :raises BatchInvalid: naming each row's problem.
    """
    by_number = {item.number: item for item in items if item.importable}
    catalog = [dict(m) for m in workspace.catalog()]
    known = list(catalog)
    planned: list[tuple[ReviewItem, dict]] = []
    problems: dict[int, str] = {}
    duplicates: dict[int, str] = {}
    for number in sorted(chosen):
        item = by_number.get(number)
        if item is None:
            continue
        meta = dict(item.meta)
        for name in REVIEW_FIELDS:
            value = str(chosen[number].get(name, "")).strip()[:500]
            if value:
                meta[name] = value
            else:
                meta.pop(name, None)
        try:
            level = str(meta.get("level") or "")
            if level not in LEVELS or level == "unclassified":
                raise FieldError("level", "请选择级别。")
            meta = review_meta(meta)[0]  # a row turned into a case in the list gets 典型案例 too
            meta["id"] = workspace.new_id(level, str(meta.get("date") or ""))
            workspace.validate(meta, item.body, f"documents/{level}/{meta['id']}.md")
        except FieldError as exc:
            problems[number] = _field_message(exc)
            continue
        found = workspace.find_duplicates(meta, known=known)
        if found and number not in forced:
            first = found[0]
            where = "本次上传的另一个文件" if first.id not in {d["id"] for d in catalog} else first.id
            duplicates[number] = f"可能与《{first.title}》（{where}）重复：{first.reason}。"
        known.append({"id": meta["id"], "title": meta.get("title", ""), "date": str(meta.get("date") or ""),
                      "doc_no": meta.get("doc_no", "")})
        planned.append((item, meta))
    if problems or duplicates:
        raise BatchInvalid(problems, duplicates)
    results = []
    for item, meta in planned:
        try:
            results.append(workspace.create_document(meta, item.body, author, force=True, known=catalog,
                                                     summary=f"从文件“{item.source_name}”导入（批量上传）"))
        except (PolicyKBError, OSError) as exc:  # checked above, so only the disk or a lock gets here
            raise BatchInterrupted(results, item, exc) from exc
    return results


class BatchInterrupted(PolicyKBError):
    """A save failed after the rows before it were saved (each of those is complete)."""

    status = 500

    def __init__(self, results: list, item: ReviewItem, cause: BaseException):
        reason = cause if isinstance(cause, PolicyKBError) else f"无法写入文件：{getattr(cause, 'strerror', cause)}"
        super().__init__(f"已保存前 {len(results)} 个文件；“{item.source_name}”保存失败（{reason}），"
                         "它和之后的文件都没有保存，请稍后在审核列表中再次保存。")
        self.results = results
        self.item = item
