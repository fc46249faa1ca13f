"""A plan under review: its text split into parts (by headings) and sentences.

Uploaded files go through the office importers (the same size, type and sandbox limits and the
same Chinese messages as an import), which give Markdown: headings of a .docx, numbered lines
(一、 （一） 1.) of a .txt or .pdf.  Short numbered lines that the importers left as paragraphs are
headings here too, so a pasted text splits the same way.  Table rows become one sentence each,
``表头：值``, with the unit of a column such as 学时 added to a bare number in it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..office import ImportLimits, convert_bytes, structure_plain_text
from ..errors import PolicyKBError, QueryError

MAX_PLAN_CHARS = 150_000  # ~100 pages; a plan is 5–30 (and a form field over 500 KB is refused anyway)
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# numbered lines that open a part, with the level they usually have in an official document
_NUMBERED = (
    (re.compile(r"^第[一二三四五六七八九十]+(?:部分|章|阶段)"), 2),
    (re.compile(r"^[一二三四五六七八九十]+、"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 3),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 4),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 5),
)
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_UNIT_HEADER_RE = re.compile(r"(学时|课时|天|周|个月|月)\s*[)）]?\s*$")
_INLINE_MARK_RE = re.compile(r"(\*\*|__|`|~~)")


class PlanTooLong(PolicyKBError):
    status = 413


@dataclass(frozen=True)
class Part:
    """A part of the plan: a heading and the paragraphs under it (before the next heading)."""

    number: int
    heading: str
    path: tuple[str, ...]
    level: int
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def label(self) -> str:
        return " › ".join(self.path) if self.path else "开头部分"


@dataclass(frozen=True)
class Sentence:
    """A sentence of the plan and the part it stands in (a heading is a sentence of its part)."""

    part: int
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Plan:
    name: str
    kind: str
    body: str
    parts: tuple[Part, ...]
    sentences: tuple[Sentence, ...]

    def part_sentences(self, number: int) -> list[Sentence]:
        return [s for s in self.sentences if s.part == number]


def plan_from_file(data: bytes, filename: str, limits: ImportLimits = ImportLimits()) -> Plan:
    """Convert an uploaded .docx/.pdf/.txt/.md and split it.

    :raises ImportRefused: with the importers' Chinese message (empty, too large, disguised,
        broken, encrypted, zip bomb, no text layer, wrong encoding, timeout).
    """
    draft = convert_bytes(data, filename, limits)
    stem = PurePath(filename or "").stem
    return split_plan(draft.body, draft.meta.get("title") or stem or "上传的方案", draft.kind)


def plan_from_text(text: str, name: str = "", markdown: bool | None = None) -> Plan:
    """Split pasted text: Markdown when *markdown* says so or (None) when a line is a # heading."""
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_PLAN_CHARS:
        raise PlanTooLong(f"方案有 {len(text)} 字，超过上限 {MAX_PLAN_CHARS} 字，请分段检查。")
    if not text.strip():
        raise QueryError("没有收到方案的文字：请上传文件或粘贴方案全文。", "text")
    if markdown is None:
        markdown = any(_MD_HEADING_RE.match(line) for line in text.splitlines())
    body = text if markdown else structure_plain_text(text, join_wrapped=False)
    return split_plan(body, name, "md" if markdown else "txt")


def split_plan(body: str, name: str = "", kind: str = "md") -> Plan:
    """Split a Markdown *body* into parts and sentences."""
    if len(body) > MAX_PLAN_CHARS:
        raise PlanTooLong(f"方案有 {len(body)} 字，超过上限 {MAX_PLAN_CHARS} 字，请分段检查。")
    title = ""
    parts: list[Part] = []
    path: list[tuple[int, str]] = []
    heading, level, paragraphs = "", 0, []
    table: list[list[str]] = []

    def close_table():
        if table:
            paragraphs.extend(_table_rows(table))
            table.clear()

    def close_part():
        close_table()
        if paragraphs or heading:
            parts.append(Part(len(parts), heading, tuple(t for _, t in path), level, tuple(paragraphs)))

    for raw in body.splitlines():
        line = _INLINE_MARK_RE.sub("", raw.strip()).lstrip("\\")
        if not line or line.startswith("<!--"):
            close_table()
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table.append(cells)
            continue
        close_table()
        found = _heading(line)
        if found and found[0] == 1 and not title and not parts and not paragraphs and not heading:
            title = found[1]
            continue
        if found:
            close_part()
            level, heading = found
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, heading))
            paragraphs = []
            continue
        paragraphs.append(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line))
    close_part()
    parts = [p for p in parts if p.paragraphs or not _has_child(parts, p)]
    parts = [Part(n, p.heading, p.path, p.level, p.paragraphs) for n, p in enumerate(parts)]
    sentences: list[Sentence] = []
    for part in parts:
        if part.heading:
            sentences.append(Sentence(part.number, part.heading, heading=True))
        for paragraph in part.paragraphs:
            sentences.extend(Sentence(part.number, s.strip()) for s in _SENTENCE_RE.findall(paragraph) if s.strip())
    return Plan(name=(name or title or "方案").strip()[:80], kind=kind, body=body, parts=tuple(parts),
                sentences=tuple(sentences))


def _heading(line: str) -> tuple[int, str] | None:
    match = _MD_HEADING_RE.match(line)
    if match:
        return len(match.group(1)), match.group(2).strip()
    if len(line) <= 40 and not line.endswith(("。", "；", "，", ";", ",")) and "。" not in line:
        for pattern, level in _NUMBERED:
            if pattern.match(line):
                return level, line
    return None


def _has_child(parts: list[Part], part: Part) -> bool:
    """Whether a heading-only part is followed by a part below it (then its heading lives on in the path)."""
    later = parts[part.number + 1:part.number + 2] if part.number + 1 < len(parts) else []
    return bool(later) and later[0].level > part.level


def _table_rows(rows: list[list[str]]) -> list[str]:
    """Return one sentence per data row: 表头：值；… (bare numbers get their column's unit)."""
    header, data = rows[0], rows[1:]
    if not data:
        return ["；".join(c for c in header if c) + "。"]
    units = []
    for cell in header:
        match = _UNIT_HEADER_RE.search(cell)
        units.append(match.group(1) if match else "")
    out = []
    for row in data:
        cells = []
        for n, value in enumerate(row):
            if not value:
                continue
            label = header[n] if n < len(header) else ""
            unit = units[n] if n < len(units) else ""
            if unit and re.fullmatch(r"[\d.０-９．]+", value):
                value += unit
            cells.append(f"{label}：{value}" if label else value)
        if cells:
            out.append("；".join(cells) + "。")
    return out


def read_plan_bytes(path: str, limits: ImportLimits = ImportLimits()) -> bytes:
    """Read a plan file from disk (at most the import size limit) with a Chinese message on failure."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise PolicyKBError(f"找不到方案文件：{path}。请检查路径（含空格的路径请加引号）。")
    except IsADirectoryError:
        raise PolicyKBError(f"{path} 是文件夹，请给出一个方案文件（.docx、.pdf、.txt 或 .md）。")
    except PermissionError:
        raise PolicyKBError(f"没有权限读取方案文件：{path}。")
    except OSError:
        raise PolicyKBError(f"无法读取方案文件：{path}。")
    return data  # too large or empty: convert_bytes refuses it with the importers' message
