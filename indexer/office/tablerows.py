"""The word tables' rows: each table's spec, reading a file into rows, rendering and checking one row.

A row is one top-level entry of the file (a ``key:`` mapping entry, a ``- `` list item, or a line of
``userdict.txt``); comments and blank lines between rows are kept as they are.  The table store that
saves them with history is :mod:`indexer.office.wordtables`.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..corpus import Corpus, load_yaml
from ..errors import CorpusError, PolicyKBError

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
