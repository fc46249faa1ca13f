"""Edit the word tables row by row: aliases, wording, glossary, reading lists, user dictionary.

Each table is a side file of the corpus.  A row is one top-level entry of the file (a ``key:``
mapping entry, a ``- `` list item, or a line of ``userdict.txt``); comments and blank lines
between rows are kept as they are, so editing one row never rewrites the rest of the file.
Every save renders the new file, validates it with the corpus reader's own parser, writes it
atomically, records the version in the history (``<instance>/table-history/<table>/``), and
then brings the index up to date when the table feeds the segmentation dictionary.
"""
from __future__ import annotations

import logging
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import fileio as filelock
from . import crashrepair
from ..corpus.reader import Corpus, atomic_write, content_hash, decode_bytes
from .form import unified_diff
from .textdiff import VersionDiff, version_diff
from ..errors import CorpusError, PolicyKBError
from .history import History, Pending, VersionInfo
from ..corpus.yamlread import load_yaml

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0
MAX_WORD_CHARS = 20
MAX_TEXT_CHARS = 2000
WORD_SPLIT_RE = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text, words (a list typed with 、 or commas), lines (one item per line), number
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One editable table: its file, how its rows look, and whether it feeds the dictionary."""

    name: str
    file: str
    label: str
    shape: str  # mapping, list, lines
    fields: tuple[FieldSpec, ...]
    dictionary: bool  # its words enter the segmentation dictionary: the index is rebuilt on save
    help: str = ""


TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("aliases", "aliases.yml", "简称表", "mapping", (
        FieldSpec("alias", "简称或旧称", required=True),
        FieldSpec("full", "全称", "words", True, "一个或多个，用顿号或逗号隔开"),
    ), True, "检索和问答时把简称展开为全称（如 保先办 → 先进性教育活动领导小组办公室）。"),
    TableSpec("wording", "wording.yml", "日常说法对照表", "list", (
        FieldSpec("everyday", "日常说法", "words", True, "一个或多个，用顿号或逗号隔开"),
        FieldSpec("official", "规范用语", "words", True, "规定原文的用语，一个或多个"),
        FieldSpec("note", "备注"),
    ), False, "问答时问题里的日常说法也按规范用语查找（分量是原词的 0.7）。"),
    TableSpec("glossary", "glossary.yml", "术语表", "mapping", (
        FieldSpec("term", "术语", required=True),
        FieldSpec("definition", "释义", required=True),
        FieldSpec("source", "出处文档编号"),
        FieldSpec("anchor", "出处段落（标题）"),
    ), True, "术语页的术语和释义；术语同时加入分词词典。"),
    TableSpec("reading_lists", "reading_lists.yml", "学习路径", "list", (
        FieldSpec("id", "编号", required=True, help="字母、数字和 -"),
        FieldSpec("title", "名称", required=True),
        FieldSpec("description", "说明"),
        FieldSpec("items", "文档", "lines", True, "每行一篇：文档编号 | 推荐理由"),
    ), False, "按顺序阅读的文档和推荐理由。"),
    TableSpec("userdict", "userdict.txt", "用户词典", "lines", (
        FieldSpec("word", "词语", required=True),
        FieldSpec("freq", "词频", "number", help="缺省 10000；越大越倾向于切成这个词"),
        FieldSpec("tag", "词性", help="缺省 n（名词）"),
    ), True, "分词词典的补充词语（保存后重建索引）。"),
)}


class TableError(PolicyKBError):
    """A row or the whole table is invalid; ``field`` names the form field when known."""

    status = 400

    def __init__(self, message: str, field: str = "", row: int = 0):
        super().__init__(message)
        self.field = field
        self.row = row


class TableConflict(PolicyKBError):
    """The table changed since the editor opened it; nothing was saved."""

    status = 409


class TableBusy(PolicyKBError):
    status = 503


class UnknownTable(PolicyKBError):
    status = 404


@dataclass(frozen=True)
class Row:
    number: int          # 1-based among the rows of the file
    key: str             # what the row is called in messages (the alias, the term, the first word)
    values: dict         # field name → form text
    text: str            # the row's lines in the file


@dataclass
class Parsed:
    pieces: list = field(default_factory=list)  # str (kept as is) or Row, in file order

    @property
    def rows(self) -> list[Row]:
        return [p for p in self.pieces if isinstance(p, Row)]

    def text(self) -> str:
        return "".join(p.text if isinstance(p, Row) else p for p in self.pieces)


@dataclass(frozen=True)
class SaveOutcome:
    table: str
    version: int
    summary: str
    notice: str = ""


@dataclass(frozen=True)
class TableVersion:
    info: VersionInfo
    diff: str
    current: bool
    view: VersionDiff | None = None


def spec_of(name: str) -> TableSpec:
    spec = TABLES.get(name)
    if spec is None:
        raise UnknownTable(f"没有名为“{str(name)[:30]}”的对照表。")
    return spec


# -- reading a file into rows -----------------------------------------------------------------
def _blocks(text: str, shape: str) -> list[tuple[bool, str]]:
    """Split *text* into (is_row, text) pieces: rows start at column 0, continue indented."""
    pieces: list[tuple[bool, str]] = []
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        starts = bool(bare) and not bare.startswith("#") and not line[0].isspace() and bare not in ("---", "...")
        if shape == "list":
            starts = starts and line.startswith("-")
        continues = bool(bare) and line[0].isspace() and pieces and pieces[-1][0]
        if shape == "lines":
            starts, continues = bool(bare) and not bare.startswith("#"), False
        if starts:
            pieces.append((True, line))
        elif continues:
            pieces[-1] = (True, pieces[-1][1] + line)
        elif pieces and not pieces[-1][0]:
            pieces[-1] = (False, pieces[-1][1] + line)
        else:
            pieces.append((False, line))
    return pieces


def _words_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def _row_values(spec: TableSpec, data) -> tuple[str, dict]:
    if spec.name == "aliases":
        (alias, full), = data.items()
        return str(alias), {"alias": str(alias), "full": _words_text(full)}
    if spec.name == "glossary":
        (term, entry), = data.items()
        entry = entry if isinstance(entry, dict) else {"definition": entry}
        return str(term), {"term": str(term), **{k: "" if entry.get(k) is None else str(entry.get(k))
                                                 for k in ("definition", "source", "anchor")}}
    if spec.name == "wording":
        entry = data[0] if isinstance(data[0], dict) else {}
        everyday = entry.get("everyday") or []
        values = {"everyday": _words_text(everyday), "official": _words_text(entry.get("official")),
                  "note": "" if entry.get("note") is None else str(entry.get("note"))}
        return values["everyday"].split("、")[0], values
    if spec.name == "reading_lists":
        entry = data[0] if isinstance(data[0], dict) else {}
        lines = []
        for item in entry.get("items") or []:
            if isinstance(item, dict):
                doc, reason = str(item.get("doc") or ""), str(item.get("reason") or "")
                lines.append(f"{doc} | {reason}" if reason else doc)
            else:
                lines.append(str(item))
        values = {"id": str(entry.get("id") or ""), "title": str(entry.get("title") or ""),
                  "description": str(entry.get("description") or ""), "items": "\n".join(lines)}
        return values["id"], values
    parts = data.split()
    return parts[0], {"word": parts[0],
                      "freq": parts[1] if len(parts) > 1 and parts[1].isdigit() else "",
                      "tag": parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else "")}


def parse_table(spec: TableSpec, text: str) -> Parsed:
    """Return the rows and kept pieces of a table file.

    :raises TableError: when the file is not written one entry per top-level row (fix it by hand).
    """
    parsed = Parsed()
    number = 0
    for is_row, piece in _blocks(text, spec.shape):
        if not is_row:
            parsed.pieces.append(piece)
            continue
        number += 1
        if spec.shape == "lines":
            data = piece.strip()
        else:
            try:
                data = load_yaml(piece, spec.file)
            except CorpusError as exc:
                raise TableError(f"{spec.file} 第 {number} 项无法读取（{exc.reason}），请先在服务器上修正这个文件。", row=number)
            expected = dict if spec.shape == "mapping" else list
            if not isinstance(data, expected) or len(data) != 1:
                raise TableError(f"{spec.file} 不是逐项书写的（第 {number} 项），无法在网页上逐项编辑；"
                                 "请在服务器上修正这个文件。", row=number)
        key, values = _row_values(spec, data)
        if not piece.endswith("\n"):
            piece += "\n"
        parsed.pieces.append(Row(number, key, values, piece))
    return parsed


# -- writing one row ----------------------------------------------------------------------------
def _split_words(text: str) -> list[str]:
    return [w for w in WORD_SPLIT_RE.split(text or "") if w]


def _dump(value, flow) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=10 ** 6)


def render_row(spec: TableSpec, values: dict, number: int) -> str:
    """Return the file text of one row from form *values*.

    :raises TableError: naming the row and the field.
    """
    where = f"第 {number} 项" if number else "新的一项"
    clean = {f.name: str(values.get(f.name) or "").replace("\x00", "").strip() for f in spec.fields}
    for f in spec.fields:
        if f.required and not clean[f.name]:
            raise TableError(f"{where}：{f.label}不能为空。", f.name, number)
        if len(clean[f.name]) > MAX_TEXT_CHARS:
            raise TableError(f"{where}：{f.label}太长（超过 {MAX_TEXT_CHARS} 字）。", f.name, number)
    for f in spec.fields:
        if f.kind == "words" or f.name in ("alias", "term", "word"):
            for word in (_split_words(clean[f.name]) if f.kind == "words" else [clean[f.name]]):
                if len(word) > MAX_WORD_CHARS * (3 if spec.name == "aliases" and f.name == "full" else 1) \
                        or (f.kind != "words" and any(c.isspace() for c in word)):
                    raise TableError(f"{where}：{f.label}中的“{word[:MAX_WORD_CHARS]}”过长或含空格。", f.name, number)
    if spec.name == "aliases":
        return _dump({clean["alias"]: _split_words(clean["full"])}, None)
    if spec.name == "wording":
        entry = {"everyday": _split_words(clean["everyday"]), "official": _split_words(clean["official"])}
        if clean["note"]:
            entry["note"] = clean["note"]
        return _dump([entry], None)
    if spec.name == "glossary":
        entry = {"definition": clean["definition"]}
        entry.update({k: clean[k] for k in ("source", "anchor") if clean[k]})
        return _dump({clean["term"]: entry}, False)
    if spec.name == "reading_lists":
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,79}", clean["id"]):
            raise TableError(f"{where}：编号只能用字母、数字、-、_，以字母或数字开头。", "id", number)
        items = []
        for line in clean["items"].splitlines():
            doc, _, reason = line.partition("|")
            if doc.strip():
                item = {"doc": doc.strip()}
                if reason.strip():
                    item["reason"] = reason.strip()
                items.append(item)
        if not items:
            raise TableError(f"{where}：文档至少要有一篇。", "items", number)
        entry = {"id": clean["id"], "title": clean["title"]}
        if clean["description"]:
            entry["description"] = clean["description"]
        entry["items"] = items
        return _dump([entry], False)
    freq, tag = clean["freq"], clean["tag"]
    if freq and not freq.isdigit():
        raise TableError(f"{where}：词频应为正整数，收到“{freq[:20]}”。", "freq", number)
    if tag and not re.fullmatch(r"[A-Za-z]{1,5}", tag):
        raise TableError(f"{where}：词性应为 1–5 个英文字母（如 n、v、nz），收到“{tag[:20]}”。", "tag", number)
    return " ".join(p for p in (clean["word"], freq or "10000", tag or "n")) + "\n"


def check_table(spec: TableSpec, text: str, parsed: Parsed | None = None) -> None:
    """Validate the whole file text with the corpus reader's parser.

    :raises TableError: naming the row (and the field when the reader names one).
    """
    parsed = parsed or parse_table(spec, text)
    seen: dict[str, int] = {}
    for row in parsed.rows:
        if spec.shape != "list" or spec.name == "reading_lists":
            if row.key in seen:
                raise TableError(f"第 {row.number} 项：“{row.key}”已在第 {seen[row.key]} 项中出现。",
                                 spec.fields[0].name, row.number)
            seen[row.key] = row.number
    if spec.shape == "lines":
        for row in parsed.rows:
            parts = row.text.split()
            if len(parts) > 3:
                raise TableError(f"第 {row.number} 项：一行只能有“词语 词频 词性”三栏，词语中不能有空格。", "word", row.number)
        return
    with tempfile.TemporaryDirectory(prefix="policykb-table-") as tmp:
        Path(tmp, spec.file).write_text(text, encoding="utf-8")
        corpus = Corpus(tmp)
        reader = {"aliases": corpus.aliases, "wording": corpus.wording, "glossary": corpus.glossary,
                  "reading_lists": corpus.reading_lists}[spec.name]
        try:
            reader()
        except CorpusError as exc:
            match = re.search(r"第 (\d+) 项", exc.field or "")
            number = int(match.group(1)) if match else next(
                (r.number for r in parsed.rows if r.key == exc.field), 0)
            where = f"第 {number} 项" if number else (exc.field or spec.file)
            raise TableError(f"{where}：{exc.reason}", "", number) from None


# -- the table store: history, locking, undo -------------------------------------------------------
class WordTables:
    """Row edits of the corpus's word tables, with history and undo, for one knowledge base.

    :param kb: the :class:`~indexer.kb.KnowledgeBase` whose side files are edited.
    :param instance_dir: where the table history and the lock live (not inside corpus/).
    """

    def __init__(self, kb, instance_dir):
        self.kb = kb
        self.instance_dir = Path(instance_dir)
        self.history_store = History(self.instance_dir / "table-history")
        self.pending = Pending(self.instance_dir / "table-pending")

    def path(self, spec: TableSpec) -> Path:
        return self.kb.corpus.root / spec.file

    def read(self, name: str) -> tuple[TableSpec, str, str]:
        """Return (spec, file text, version token) of table *name* ('' when the file is missing)."""
        spec = spec_of(name)
        try:
            data = self.path(spec).read_bytes()
        except FileNotFoundError:
            data = b""
        return spec, decode_bytes(data, spec.file), content_hash(data)

    def rows(self, name: str) -> tuple[TableSpec, list[Row], str]:
        spec, text, version = self.read(name)
        return spec, parse_table(spec, text).rows, version

    def proposed(self, name: str, number: int | None, values: dict | None, base_version: str) -> tuple[TableSpec, str, str]:
        """Return (spec, new file text, summary) for adding (number None), editing or deleting (values None)."""
        spec, text, version = self.read(name)
        if base_version and base_version != version:
            raise TableConflict(f"{spec.label}在您编辑期间已被他人修改，您的修改没有保存。请重新打开后再改。")
        parsed = parse_table(spec, text)
        rows = parsed.rows
        if number is not None and not 1 <= number <= len(rows):
            raise TableError(f"{spec.label}没有第 {number} 项（共 {len(rows)} 项）。", "", number or 0)
        if values is None:
            row = rows[number - 1]
            parsed.pieces.remove(row)
            summary = f"删除第 {number} 项“{row.key}”"
        else:
            new_text = render_row(spec, values, number or len(rows) + 1)
            if number is None:
                if parsed.pieces and isinstance(parsed.pieces[-1], str) and not parsed.pieces[-1].endswith("\n"):
                    parsed.pieces[-1] += "\n"
                parsed.pieces.append(Row(len(rows) + 1, "", {}, new_text))
                summary = f"新增第 {len(rows) + 1} 项“{parse_table(spec, new_text).rows[0].key}”"
            else:
                old = rows[number - 1]
                parsed.pieces[parsed.pieces.index(old)] = Row(number, old.key, {}, new_text)
                summary = f"修改第 {number} 项“{old.key}”"
        result = parsed.text()
        check_table(spec, result)
        return spec, result, summary

    @contextmanager
    def _locked(self):
        try:
            with filelock.exclusive(self.instance_dir / ".tables.lock", timeout=LOCK_TIMEOUT):
                yield
        except filelock.LockTimeout as exc:
            raise TableBusy(f"另一个保存操作（{filelock.describe(exc.holder)}）一直没有结束，您的修改没有保存。请稍后再试。") from None

    def save_row(self, name: str, number: int | None, values: dict | None, author: str,
                 base_version: str) -> SaveOutcome:
        """Add (number None), edit, or delete (values None) one row, atomically and with history.

        :raises TableError: invalid row (naming row and field); :raises TableConflict: changed meanwhile.
        """
        with self._locked():
            spec, text, summary = self.proposed(name, number, values, base_version)
            return self._write(spec, text.encode("utf-8"), author, "edit", summary)

    def restore(self, name: str, number: int, author: str) -> SaveOutcome:
        """Make version *number* of the table current again (recorded as a new version)."""
        spec = spec_of(name)
        try:
            data = self.history_store.read(spec.name, int(number))
        except (OSError, ValueError):
            raise TableError(f"{spec.label}没有第 {number} 版。")
        with self._locked():
            check_table(spec, decode_bytes(data, spec.file))
            return self._write(spec, data, author, "restore", f"恢复为第 {int(number)} 版")

    def _write(self, spec: TableSpec, data: bytes, author: str, action: str, summary: str) -> SaveOutcome:
        path = self.path(spec)
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        if old == data:
            return SaveOutcome(spec.name, 0, summary, "没有改动。")
        versions = self.history_store.versions(spec.name)
        if crashrepair.record_interrupted_save(self.history_store, self.pending, spec.name, old):
            pass  # the file is what a save interrupted by a crash wrote: recorded as that save
        elif not versions or versions[-1].hash != content_hash(old):
            self.history_store.append(spec.name, old, author="（系统外）", action="baseline",
                                      summary="保存前的原有内容（在本系统之外创建或修改）", path=spec.file)
        # pending record → file → version → end: a crash between any two steps is repaired at start-up
        self.pending.begin(spec.name, data, author=author, action=action, summary=summary, path=spec.file)
        atomic_write(path, data)
        info = self.history_store.append(spec.name, data, author=author, action=action, summary=summary,
                                         path=spec.file)
        self.pending.end(spec.name)
        return SaveOutcome(spec.name, info.number, summary, self._refresh(spec))

    def recover(self) -> list[str]:
        """Repair what a crash in the middle of a table save left (see :mod:`indexer.office.crashrepair`)."""
        with self._locked():
            return crashrepair.repair_tables(self.kb.corpus.root, self.history_store, self.pending,
                                             {name: spec.label for name, spec in TABLES.items()})

    def _refresh(self, spec: TableSpec) -> str:
        """Bring the index up to date with a changed dictionary; return a notice when it could not."""
        if not spec.dictionary:
            return ""
        try:
            self.kb.index()
        except Exception as exc:  # the table is saved: say so and let start-up rebuild
            if not isinstance(exc, PolicyKBError):
                log.exception("rebuilding the index after %s changed failed", spec.file)
            return f"已保存，但索引暂未按新词典重建（{exc}）；下次启动或运行 policykb index 时自动重建。"
        return ""

    def history(self, name: str) -> list[TableVersion]:
        """Return every recorded version of table *name*, newest first, with diffs."""
        spec, _text, version = self.read(name)
        entries, previous = [], ""
        for info in self.history_store.versions(spec.name):
            text = decode_bytes(self.history_store.read(spec.name, info.number), spec.file)
            entries.append(TableVersion(info, unified_diff(previous, text, f"第 {info.number - 1} 版" if previous
                                                           else "（无）", f"第 {info.number} 版"),
                                        info.hash == version, version_diff(previous, text, front_matter=False)))
            previous = text
        return entries[::-1]
