"""Guess front-matter fields from a document's text, and give plain text a Markdown structure."""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import PurePath

from ...analysis import DOC_NO_RE, cn_to_int, fold_width

_CN_DIGIT = "〇零○一二三四五六七八九"
_CN_YEAR_DIGITS = {c: max(0, n - 2) for n, c in enumerate(_CN_DIGIT)}  # three zero glyphs first
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE_RE = re.compile(rf"([{_CN_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日")
_NAME_DATE_RE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_CONGRESS_RE = re.compile(r"(?:第[一二三四五六七八九十]+届)?((?:全国|[\u4e00-\u9fff]{2,8}?省|[\u4e00-\u9fff]{2,8}?市)?人民代表大会(?:常务委员会)?)第[一二三四五六七八九十]+次(?:全体)?会议")
_ORG_SUFFIX = ("委员会", "党委", "党组", "市委", "省委", "县委", "区委", "中央", "国务院", "办公厅", "办公室",
               "领导小组", "政府", "人民法院", "人民检察院", "部", "厅", "局", "委", "总公司", "集团", "公司")
DOC_TYPES = ("实施方案", "实施意见", "实施细则", "典型案例", "工作方案", "修正案", "通知", "意见", "办法",
             "规定", "决定", "方案", "讲话", "通报", "报告", "条例", "规则", "细则", "批复", "纪要",
             "决议", "公告", "解释", "答复", "问答", "指引", "制度", "规程", "手册", "简报", "安排",
             "要点", "计划", "总结", "函", "法")
_PAGE_NO_RE = re.compile(r"^[\s\-—－–·•]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4})[\s\-—－–·•]*$")
_SECTION_RE = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+[章编节]|[一二三四五六七八九十]+、)")
_PARA_START_RE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章编节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①-⑳]|附件|抄送|主题词)")
_SENTENCE_END = "。！？；：”」』）)!?;:"


def _date_from(match: re.Match, chinese: bool) -> str:
    year, month, day = match.groups()
    if chinese:
        year = "".join(str(_CN_YEAR_DIGITS[c]) for c in year)
        month, day = cn_to_int(month), cn_to_int(day)
    try:
        year, month, day = int(year), int(month), int(day)
    except (TypeError, ValueError):
        return ""
    try:
        return _dt.date(year, month, day).isoformat()  # 2005年2月30日 is a typo, not a date
    except ValueError:
        return ""


def find_dates(text: str) -> list[tuple[int, str]]:
    """Return (offset, YYYY-MM-DD) for every 年月日 date, Arabic or Chinese numerals."""
    found = [(m.start(), _date_from(m, False)) for m in _DATE_RE.finditer(text)]
    found += [(m.start(), _date_from(m, True)) for m in _CN_DATE_RE.finditer(text)]
    return sorted((pos, d) for pos, d in found if d)


def guess_meta(body: str, filename: str = "") -> tuple[dict, list[str]]:
    """Guess title, doc_no, date, issuer and doc_type from a Markdown *body*; return notes too."""
    meta: dict = {}
    notes: list[str] = []
    lines = [l.strip() for l in body.splitlines() if l.strip() and not l.strip().startswith("<!--")]
    stem = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", PurePath(filename).stem).strip() if filename else ""
    title = ""
    for line in lines[:10]:
        heading = _HEADING_RE.match(line)
        if heading:
            title = heading.group(1).strip()
            break
    if not title and lines and len(lines[0]) <= 80:
        title = lines[0].lstrip("#").strip()
    if not title and stem:
        title = stem
        notes.append("标题取自文件名。")
    if title:
        meta["title"] = _strip_markup(title)

    head = "\n".join(lines[:15])
    folded = fold_width(head)
    match = DOC_NO_RE.search(folded)
    if match:
        meta["doc_no"] = head[match.start():match.end()].strip()

    in_name = _NAME_DATE_RE.search(PurePath(filename).name) if filename else None
    if in_name:
        meta["date"] = in_name.group(1)
    else:
        top = find_dates("\n".join(lines[:8]))
        tail_lines = lines[-8:] if len(lines) > 8 else []
        tail = find_dates("\n".join(tail_lines))
        if tail:
            meta["date"] = tail[-1][1]  # the signing date closes the document
        elif top:
            meta["date"] = top[0][1]

    issuer = _guess_issuer(lines)
    if issuer:
        meta["issuer"] = issuer
    doc_type = guess_doc_type(meta.get("title", ""))
    if doc_type:
        meta["doc_type"] = doc_type
    guessed = [label for key, label in (("doc_no", "文号"), ("date", "日期"), ("issuer", "发文机关"),
                                         ("doc_type", "文种")) if key in meta]
    if guessed:
        notes.append("以下字段是从正文推测的，请核对：" + "、".join(guessed) + "。")
    return meta, notes


def guess_doc_type(title: str) -> str:
    """Return the document genre named at the end of a title (通知, 意见, 法律 …), or ''."""
    title = re.sub(r"[（(][^）)]*[）)]$", "", title.strip())
    for genre in DOC_TYPES:
        if title.endswith(genre):
            return "法律" if genre == "法" else genre
    return ""


def _guess_issuer(lines: list[str]) -> str:
    for line in lines[:6]:
        congress = _CONGRESS_RE.search(line)
        if congress:
            return congress.group(1)
    # An official document ends with the issuer's name on the line above the signing date.
    for n in range(len(lines) - 1, max(len(lines) - 6, 0), -1):
        if find_dates(lines[n]) and len(lines[n]) <= 20:
            candidate = lines[n - 1].strip("（）() ")
            if len(candidate) <= 30 and candidate.endswith(_ORG_SUFFIX) and "。" not in candidate:
                return candidate
    return ""


def _strip_markup(text: str) -> str:
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def structure_plain_text(text: str, join_wrapped: bool) -> str:
    """Turn plain text into the corpus's Markdown: title as ``#``, one paragraph per line.

    :param join_wrapped: join lines that a PDF broke at the page width (a line that does not end
        a sentence, followed by one that does not start a new paragraph).
    """
    raw = [line.replace("\u3000", " ").strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raw = [line for line in raw if not _PAGE_NO_RE.match(line) or not line]
    paragraphs: list[str] = []
    for line in raw:
        if not line:
            if paragraphs and paragraphs[-1] != "":
                paragraphs.append("")
            continue
        previous = paragraphs[-1] if paragraphs else ""
        if (join_wrapped and previous and not previous.endswith(tuple(_SENTENCE_END))
                and not _PARA_START_RE.match(line) and len(previous) >= 15 and len(paragraphs) > 1):
            sep = " " if previous[-1:].isascii() and line[:1].isascii() else ""
            paragraphs[-1] = previous + sep + line
        else:
            paragraphs.append(line)
    lines = [p for p in paragraphs if p]
    out: list[str] = []
    for n, line in enumerate(lines):
        if n == 0 and len(line) <= 80 and not line.endswith(("。", "；")):
            out.append("# " + _escape(line))
        elif _SECTION_RE.match(line) and len(line) <= 30 and "。" not in line:
            out.append("## " + _escape(line))
        else:
            out.append(_escape(line))
    return "\n\n".join(out) + "\n"


def _escape(line: str) -> str:
    """Keep a text line from turning into Markdown markup it never was."""
    if re.match(r"^(#|>|=+$|-{3,}$|\*{3,}$)", line):
        return "\\" + line
    return line
