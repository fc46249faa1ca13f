"""Find the documents a question names: "按劳动合同法……", "监察法里……", "根据督导工作办法……".

People name a document by a short title: without 中华人民共和国, without 《》, without the
(试行)/(2018修正) tail, or by the last words of a long title (督导工作办法 for
示例省保持共产党员先进性教育活动督导工作办法), or by an alias from the alias table. A title is
matched on its normalised form; when several documents share it (versions of one law), the
current and newest comes first and the others are kept as older versions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis import fold_width

_BRACKETS_RE = re.compile(r"[《》〈〉“”\"'‘’「」\s]")
_TAIL_RE = re.compile(r"[（(][^（()）]{1,20}[)）]$")
_PREFIXES = ("中华人民共和国",)
# The words a document title ends in; a question naming only the end of a long title must end
# its mention with one of them (督导工作办法), so 管理 or 教育 alone names nothing.
DOC_TYPE_WORDS = ("实施条例", "实施细则", "实施办法", "实施方案", "暂行条例", "暂行办法", "暂行规定", "条例", "办法",
                  "规定", "细则", "规则", "决定", "意见", "通知", "方案", "讲话", "解释", "规程", "制度", "手册",
                  "纲要", "章程", "准则", "守则", "规划", "批复", "答复", "解答", "法典", "法")
# A mention that ends in a title's last words but matches this many differently titled documents
# names none of them (实施办法, 管理规定).
MAX_SUFFIX_TITLES = 4
MIN_SUFFIX_CHARS = 4
# ... and say this much besides the document-type word (督导工作办法, not 工作办法).
MIN_NAMED_PART = 3
# Words that stand before or after a mention and belong to it as a phrase (按……规定).
_LEAD_RE = re.compile(r"(?:(?:按照|依照|依据|根据|按|依|据|照|看|对照|关于)?(?:(?:19|20)\d\d年?(?:修订|修正|版|颁布)?的?)"
                      r"|按照|依照|依据|根据|按|依|据|照|看|对照|关于)$")
_TRAIL_RE = re.compile(r"^(?:(?:里面|里头|当中|里|中|上)?(?:明确|有)?(?:的规定|的要求|规定的|规定了|规定|要求|说的|说|讲的|讲|写的|写着|写|定的)"
                       r"|里面|里头|当中|里|中|上|第[〇零一二三四五六七八九十百千\d]+条)")


def normalize_title(title: str) -> str:
    """Return the comparable form of a title: width folded, no brackets, quotes or spaces."""
    return _BRACKETS_RE.sub("", fold_width(title or ""))


def short_forms(title: str) -> list[str]:
    """Return the forms people use for *title*: full, without the country prefix, without the tail."""
    full = normalize_title(title)
    forms = [full]
    for form in list(forms):
        for prefix in _PREFIXES:
            if form.startswith(prefix) and len(form) > len(prefix) + 1:
                forms.append(form[len(prefix):])
    for form in list(forms):
        stripped = _TAIL_RE.sub("", form)
        if stripped != form and len(stripped) >= 2:
            forms.append(stripped)
    return list(dict.fromkeys(forms))


# Everyday names of national statutes (general usage): the name people say → the short title.
# An office adds its own in the alias table (交通法: [道路交通安全法]).
NICKNAMES = {
    "交通法": "道路交通安全法", "道交法": "道路交通安全法", "消法": "消费者权益保护法", "消保法": "消费者权益保护法",
    "消费者保护法": "消费者权益保护法", "治安法": "治安管理处罚法", "治安处罚法": "治安管理处罚法",
    "食安法": "食品安全法", "环保法": "环境保护法", "个税法": "个人所得税法", "职业病法": "职业病防治法",
    "未保法": "未成年人保护法", "妇女权益法": "妇女权益保障法", "妇女保障法": "妇女权益保障法",
    "老年人法": "老年人权益保障法", "老人法": "老年人权益保障法", "残疾人法": "残疾人保障法",
    "反家暴法": "反家庭暴力法", "家暴法": "反家庭暴力法", "民诉法": "民事诉讼法", "刑诉法": "刑事诉讼法",
    "行诉法": "行政诉讼法", "土地法": "土地管理法", "征管法": "税收征收管理法", "税收法": "税收征收管理法",
    "网安法": "网络安全法", "个保法": "个人信息保护法", "个人信息法": "个人信息保护法", "数安法": "数据安全法",
    "社保法": "社会保险法", "安全生产条例": "安全生产法", "义教法": "义务教育法", "劳动仲裁法": "劳动争议调解仲裁法",
    "仲裁调解法": "劳动争议调解仲裁法", "公司登记法": "公司法", "合同法": "民法典", "物权法": "民法典",
    "婚姻法": "民法典", "继承法": "民法典", "侵权责任法": "民法典", "担保法": "民法典", "民法通则": "民法典",
    "民法总则": "民法典", "收养法": "民法典",
}


@dataclass(frozen=True)
class NamedDocument:
    """A document a question names: the mention, the documents meant, best first."""

    mention: str          # the words of the question that name it (按劳动合同法规定)
    start: int            # where the mention stands in the folded question
    end: int
    doc_ids: tuple        # best first: current before repealed, newest first
    older: tuple = ()     # other versions of the same title
    exact: bool = True    # the mention is a whole (short) title, not only its last words


class TitleIndex:
    """Short titles and title endings of every indexed document, for naming in questions."""

    def __init__(self, metas: list[dict], aliases: dict[str, tuple[str, ...]] | None = None):
        self._rank = {}
        exact: dict[str, list[str]] = {}
        suffix: dict[str, set[str]] = {}
        self._title_of, self._date_of = {}, {}
        for meta in metas:
            doc_id = meta["id"]
            status = meta.get("status", "现行有效")
            self._rank[doc_id] = (status != "现行有效", _negated_date(meta.get("date", "")))
            self._title_of[doc_id] = normalize_title(meta.get("title", ""))
            self._date_of[doc_id] = meta.get("date", "")
            base = _TAIL_RE.sub("", normalize_title(meta.get("title", "")))
            # Only titles of documents (…法, …条例, …讲话) are names people cite; an encyclopaedia
            # article's title (北京) is a word like any other.
            if base.endswith(DOC_TYPE_WORDS):
                for form in short_forms(meta.get("title", "")):
                    if len(form) >= 2:
                        exact.setdefault(form, []).append(doc_id)
                for i in range(1, len(base) - MIN_SUFFIX_CHARS + 1):
                    suffix.setdefault(base[i:], set()).add(doc_id)
        self._exact = {k: self._order(v) for k, v in exact.items()}
        self._suffix = {}
        for key, ids in suffix.items():
            if key in self._exact:
                continue
            titles = {self._title_of[d] for d in ids}
            if len(titles) <= MAX_SUFFIX_TITLES:
                self._suffix[key] = self._order(ids)
        # Aliases that name a document: 交通法 → 道路交通安全法 (the built-in names first, so an
        # office's alias table can override them).
        named = {k: (v,) for k, v in NICKNAMES.items()}
        named.update(aliases or {})
        for alias, names in named.items():
            key = normalize_title(alias)
            if key in self._exact or len(key) < 2:
                continue
            for name in names:
                found = self._exact.get(normalize_title(name)) or self._suffix.get(normalize_title(name))
                if found:
                    self._exact[key] = found
                    break
        self._max_len = max((len(k) for k in list(self._exact) + list(self._suffix)), default=0)

    def _order(self, ids) -> tuple:
        return tuple(sorted(set(ids), key=lambda d: self._rank[d] + (d,)))

    def _meant(self, ids: tuple) -> tuple[tuple, tuple]:
        """Split the documents of one name into those meant and older versions.

        Documents with the same title and date are parts of one text (the books of the civil
        code); the same title with an older date is an older version. Several different titles
        (刑法修正案 and its numbered amendments) are all meant, up to MAX_SUFFIX_TITLES of them.
        """
        meant, older, newest = [], [], {}
        for doc_id in ids:   # best first
            title = self._title_of[doc_id]
            if title not in newest:
                newest[title] = self._date_of[doc_id]
            (meant if self._date_of[doc_id] == newest[title] else older).append(doc_id)
        if len(newest) > MAX_SUFFIX_TITLES:
            return (), ()
        return tuple(meant), tuple(older)

    def find(self, text: str) -> list[NamedDocument]:
        """Return the documents *text* names, leftmost first; overlapping mentions keep the longest."""
        folded = normalize_title(text)
        if not self._max_len:
            return []
        found = []
        i = 0
        while i < len(folded):
            best = None
            for j in range(min(len(folded), i + self._max_len), i + 1, -1):
                piece = folded[i:j]
                ids = self._exact.get(piece)
                exact = True
                if ids is None and j - i >= MIN_SUFFIX_CHARS and _named_part(piece) >= MIN_NAMED_PART:
                    ids, exact = self._suffix.get(piece), False
                if ids:
                    best = (j, ids, exact)
                    break
            if best is None or not _stands_alone(folded, i, best[0]):
                i += 1
                continue
            j, ids, exact = best
            meant, older = self._meant(ids)
            if not meant:
                i += 1
                continue
            start, end = i, j
            lead = _LEAD_RE.search(folded[:start])
            if lead:
                start = lead.start()
            trail = _TRAIL_RE.match(folded[end:])
            if trail and not trail.group(0).startswith("第"):
                end += trail.end()
            found.append(NamedDocument(folded[start:end], start, end, meant, older, exact))
            i = j
        return found


def _named_part(piece: str) -> int:
    """Return how many characters *piece* has before its document-type word (0: it has none)."""
    for word in DOC_TYPE_WORDS:
        if piece.endswith(word):
            return len(piece) - len(word)
    return 0


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Tell whether ``text[start:end]`` is a name, not the tail of a longer word (宪法 in 违宪法)."""
    piece = text[start:end]
    # A two-character title (刑法, 宪法) must not continue into a longer title-like word.
    if len(piece) <= 2 and end < len(text) and text[end] in "修典实":
        return False
    return True


def _negated_date(date: str) -> str:
    """Sort key putting newer dates first (dates are YYYY[-MM[-DD]] strings)."""
    digits = re.sub(r"\D", "", date or "").ljust(8, "0")[:8]
    return "".join(chr(ord("9") - ord(c) + ord("0")) for c in digits) if digits.strip("0") else "99999999"


def strip_mentions(text: str, named: list[NamedDocument]) -> str:
    """Return the folded *text* with the mentions replaced by spaces."""
    folded = normalize_title(text)
    out, cursor = [], 0
    for item in named:
        out.append(folded[cursor:item.start])
        out.append(" ")
        cursor = item.end
    out.append(folded[cursor:])
    return "".join(out)


# How much a document that is not classified (no level) counts by the kind of document its title
# names, for a question that names no document: a law before the regulation that implements it,
# the rules of ministries and the courts' interpretations, and writings that are not rules at all.
# A court's interpretation restates its law article by article at greater length, so it matches a
# plain question's words more often than the law does; asked in plain words, people mean the law.
# Writings that are not rules keep 0.85: in an encyclopedia corpus nearly every title is one, and a
# lower factor only lifts the few titles that happen to end in 法.
# (Development half of bench/qa_sets/law_natural.jsonl, with LOCAL_FACTOR 0.5: right statute
# 92 -> 96 of 115 against 1/0.95/0.9/0.9/0.85, answers 58 -> 60; CMRC and CJRC unchanged.)
AUTHORITY = (("law", 1.0), ("regulation", 0.9), ("rules", 0.8), ("interpretation", 0.6), ("other", 0.85))
_INTERPRETATION_RE = re.compile(r"^(?:最高人民法院|最高人民检察院)")
_LAW_RE = re.compile(r"(?:法|法典)$")
_REGULATION_RE = re.compile(r"条例$")
_RULES_RE = re.compile(r"(?:规定|办法|细则|规则|决定|标准|规程|准则)$")


def document_kind(title: str) -> str:
    """Return law, regulation, rules, interpretation or other for a document title."""
    name = normalize_title(title)
    name = re.sub(r"[（(][^）)]*[）)]$", "", name)
    if _INTERPRETATION_RE.match(name):
        return "interpretation"
    if _LAW_RE.search(name):
        return "law"
    if _REGULATION_RE.search(name):
        return "regulation"
    if _RULES_RE.search(name):
        return "rules"
    return "other"


def authority(meta: dict) -> float:
    """The factor for an unclassified document (see ``AUTHORITY``); 1 for a classified one."""
    if meta.get("level", "unclassified") not in ("", "unclassified"):
        return 1.0
    return dict(AUTHORITY)[document_kind(meta.get("title", ""))]
