"""Convert a .docx to Markdown: headings by outline level or style, numbering, tables.

Runs inside the import worker process (see ``worker.py``); imports python-docx lazily.
"""
from __future__ import annotations

import io
import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_NAME_RE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_CN = "零一二三四五六七八九"
TITLE = -1  # the "Title" style: the document title above any Heading 1


def int_to_cn(n: int) -> str:
    """Return the Chinese numeral of 0 < n < 10000 (一, 十二, 二十, 一百零五)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 20 and n >= 10:
        return "十" + (_CN[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += _CN[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographTraditional", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return int_to_cn(n)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)


class Numbering:
    """Number list paragraphs the way Word displays them (from numbering.xml)."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = _val(lvl.find(f"{W}numFmt")) or "decimal"
                text = _val(lvl.find(f"{W}lvlText"))
                start = int(_val(lvl.find(f"{W}start")) or "1")
                levels[ilvl] = (fmt, text if text is not None else f"%{ilvl + 1}.", start)
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            ref = _val(num.find(f"{W}abstractNumId"))
            if ref in abstract:
                self.levels[num.get(f"{W}numId")] = abstract[ref]

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the displayed label, e.g. 第3条."""
        levels = self.levels.get(num_id)
        if not levels or num_id == "0":
            return ""
        fmt, text, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return text or ""

        def repl(match):
            level = int(match.group(1)) - 1
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            return format_number(counters.get(level, lstart), lfmt)
        return re.sub(r"%([1-9])", repl, text)


def _val(node):
    return None if node is None else node.get(f"{W}val")


def _style_chain(style):
    seen = 0
    while style is not None and seen < 10:
        yield style
        style = style.base_style
        seen += 1


def _outline_level(ppr) -> int | None:
    """Return 1-6 from a ``w:outlineLvl`` (0 for body-text levels), or None when absent."""
    if ppr is None:
        return None
    outline = ppr.find(f"{W}outlineLvl")
    if outline is None:
        return None
    level = int(outline.get(f"{W}val", "9"))
    return level + 1 if level < 6 else 0


def paragraph_style(paragraph, styles: dict | None = None):
    """Return the paragraph's style (None when it cannot be read), looked up once per style id.

    python-docx finds the default paragraph style by scanning every style of the document, for
    each paragraph that names none; *styles* keeps what was found (a 2,000-paragraph plan: 2.4 s → 0.1 s).
    """
    key = paragraph._p.style
    if styles is not None and key in styles:
        return styles[key]
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        style = None
    if styles is not None:
        styles[key] = style
    return style


def heading_level(paragraph, styles: dict | None = None) -> int:
    """Return 1-6 for a heading paragraph (outline level or heading style), else 0."""
    level = _outline_level(paragraph._p.pPr)
    if level is not None:
        return level
    for st in _style_chain(paragraph_style(paragraph, styles)):
        level = _outline_level(st.element.pPr)
        if level is not None:
            return level
        name = (st.name or "").strip()
        match = _HEADING_NAME_RE.match(name)
        if match:
            return min(int(match.group(1)), 6)
        if name.lower() == "title" or name == "标题":
            return TITLE
    return 0


def numbering_of(paragraph, styles: dict | None = None) -> tuple[str, int] | None:
    """Return (numId, ilvl) from the paragraph or its style, or None when not numbered."""
    candidates = [paragraph._p.pPr]
    candidates += [st.element.pPr for st in _style_chain(paragraph_style(paragraph, styles))]
    for ppr in candidates:
        if ppr is None:
            continue
        numpr = ppr.find(f"{W}numPr")
        if numpr is not None:
            num_id = _val(numpr.find(f"{W}numId"))
            ilvl = int(_val(numpr.find(f"{W}ilvl")) or "0")
            if num_id:
                return num_id, ilvl
    return None


def _cell_text(cell) -> str:
    text = "<br>".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
    return text.replace("|", "\\|").replace("\n", " ")


def table_to_markdown(table) -> str:
    """Return a Markdown table; the first row is the header, merged cells repeat their text."""
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            # a horizontally merged cell appears once per grid column: keep it once
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(_cell_text(cell))
        rows.append(cells)
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _escape(text: str) -> str:
    if re.match(r"^(#|>|=+$|-{3,}$|\*{3,}$|[-*+]\s)", text):
        return "\\" + text
    return text


def docx_to_markdown(data: bytes) -> str:
    """Convert .docx bytes to the corpus's Markdown (one paragraph per line, blank-line separated)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    numbering = Numbering(document)
    blocks: list[str] = []
    styles: dict = {}
    body = document.element.body
    has_title = False
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            paragraph = Paragraph(child, document)
            text = re.sub(r"[ \t]+", " ", paragraph.text.replace("\u3000", " ")).strip()
            if not text:
                continue
            level = heading_level(paragraph, styles)
            if level == TITLE:
                level, has_title = 1, True
            elif level and has_title:
                level = min(level + 1, 6)  # Heading 1 sits below the Title
            numbered = numbering_of(paragraph, styles)
            label = numbering.label(*numbered) if numbered else ""
            if label == "-":
                text = "- " + text
            elif label:
                text = label + ("" if label.endswith(("、", "）", ")", "．")) else " ") + text
            if level:
                blocks.append("#" * level + " " + text.replace("\n", " "))
            else:
                blocks.append(_escape(text) if not label else text)
        elif child.tag == f"{W}tbl":
            markdown = table_to_markdown(Table(child, document))
            if markdown:
                blocks.append(markdown)
    return "\n\n".join(blocks) + "\n"
