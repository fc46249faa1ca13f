"""Sentences, clauses and what an answer of each question type looks like."""
from __future__ import annotations

import re

# A sentence ends at 。！？; ; or a line break, keeping closing quotes and brackets with it.
_SENTENCE_END_RE = re.compile(r"[。！？!?；;]+[”’」』）)】]*|\n+")
_CLAUSE_END_RE = re.compile(r"[，,、：:]")

_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿半几数]+)"
_UNITS = (r"(?:个工作日|工作日|学时|课时|小时|分钟|个月|个百分点|周年|周岁|万元|亿元|平方公里|平方米|公里|千米|公斤|千克"
          r"|[天日周月年岁人名次件个项条字元%％倍米吨票家所批届期位户页篇册部座场轮级种类层成分秒点只头本首])")
_PERIOD_UNITS = r"(?:个工作日|工作日|小时|分钟|个月|周|天|日|年|月)"

ANSWER_PATTERNS: dict[str, re.Pattern] = {
    "quantity": re.compile(
        # proportions first: 百分之一 is not 百 + 分
        rf"百分之{_NUM}|{_NUM}分之{_NUM}|\d+(?:\.\d+)?\s*[%％]|{_NUM}\s*{_UNITS}|[\d]{{2,}}"),
    "time": re.compile(
        rf"\d{{2,4}}\s*年(?:\s*\d{{1,2}}\s*月)?(?:\s*\d{{1,2}}\s*[日号])?|[\d一二三四五六七八九十]{{1,3}}\s*月(?:上旬|中旬|下旬|底|初|份)?"
        rf"|\d{{1,2}}\s*[日号]|[上中下]旬|世纪|年代|{_NUM}\s*{_PERIOD_UNITS}(?:内|以内|之内|前|后|以上)?"
        r"|以来|之前|之后|以前|以后|期间|之际|当天|当年|次年|同年|早期|晚期|初期|末期|时期|朝|时[，,]|后[，,]|前[，,]"
        r"|结束[时后前]|开始[时后前]|完成后|每周|每月|每年|每季度"),
    "actor": re.compile(
        r"由[^，。；,]{1,20}|党委|党组|委员会|政府|部门|办公室|领导小组|督导组|组长|书记|主任|负责人|责任人|单位|组织"
        r"|中央|[省市区县]委|公司|集团|协会|学会|大学|学院|研究所|机构|总统|主席|国王|皇帝|将军|教授|导演|作者|演员|歌手"
        r"|创始人|董事长|总经理|经理|校长|队长|成员|担任|出任|任命|扮演|饰演|配音|创办|创立|发明|率领"),
    "location": re.compile(
        r"位于|坐落|地处|[省市县区州国岛山河江湖海城村镇洲路街港湾]|地区|北部|南部|东部|西部|中部|境内|沿岸|所在地|当地"),
    "permission": re.compile(
        r"不得|不宜|不应|不能|不准|不要|不允许|不参加|不计入|不作为|不属于|严禁|禁止|必须|应当|应该|可以|允许|须|一律|只能|方可|才能"
        # legal determinations answer 要不要/算不算 too: an exemption, a right, a deeming
        r"|免征|免予|免于|免收|免除|不收费|不收取|不需要|无需|不必|有权|无权|不予|视为|不适用|不执行|不受"),
    "list": re.compile(r"一是|二是|三是|[（(][一二三四五六七八九十\d]+[）)]|第一|首先|其次|包括|分为|分别|以及|[^，。；]+、[^，。；]+"),
    "method": re.compile(r"要|应|须|由|通过|采取|采用|按照|依照|实行|进行|予以|给予|组织|做到|坚持|可以"),
    "definition": re.compile(r"是|指|即|称为|叫做|又称|简称|作用|关键|在于|目的|目标|为了|意味|属于"),
    "reason": re.compile(r"因为|由于|因此|所以|导致|造成|原因|为了|因|致使|以致|死于|病逝|去世|身亡|遇刺|被杀|阵亡"),
}
# How much a type match adds; a weak pattern (method, definition) says little about an answer.
TYPE_WEIGHT = {"quantity": 1.0, "time": 1.0, "actor": 0.6, "location": 0.5, "permission": 0.9,
               "list": 0.6, "method": 0.35, "definition": 0.35, "reason": 0.8, "other": 0.0}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences of *text*, blanks trimmed.

    An end mark inside a title 《…》 or brackets （…） does not end the sentence.
    """
    spans = []
    cursor = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if match.group(0)[0] != "\n" and _inside_brackets(text, cursor, match.start()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < len(text):
        spans.append((cursor, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


_OPEN, _CLOSE = "《（(「『", "》）)」』"


def _inside_brackets(text: str, start: int, pos: int) -> bool:
    depth = 0
    for char in text[start:pos]:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
    # an unclosed bracket longer than a title is more likely a typo than a title
    return depth > 0 and pos - start < 200 and any(c in _CLOSE for c in text[pos:pos + 40])


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the clause spans (split at ，、：) of ``text[start:end]``."""
    spans = []
    cursor = start
    for match in _CLAUSE_END_RE.finditer(text, start, end):
        spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return [(s, e) for s, e in spans if e > s]


# A sentence opening with a consequence connective states an effect; its cause precedes it.
CONSEQUENCE_RE = re.compile(r"^[\s“”]*(?:因此|所以|故而|故此|于是|由此|因而|从而|遂|这使|这导致|结果)")


def type_matches(qtype: str, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the spans in ``text[start:end]`` that look like an answer of *qtype*."""
    pattern = ANSWER_PATTERNS.get(qtype)
    if pattern is None:
        return []
    spans = [(m.start(), m.end()) for m in pattern.finditer(text, start, end) if m.end() > m.start()]
    return spans
