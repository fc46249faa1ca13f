"""Numbers in a question against the ranges a rule states.

Rules set thresholds: 累计缴费满一年不足五年的 …, 劳动合同期限一年以上不满三年的 …, 七十周岁以上的 ….
People ask with their own number: 交了六年失业保险, 签了两年的劳动合同, 七十多岁的老人. A sentence
whose range holds the question's number is the rule that applies; one whose ranges all exclude it
is the neighbouring rule. ``range_fit`` tells which, for numbers of the same kind (years and
months, days, ages, hours, amounts of money, people).
"""
from __future__ import annotations

import math
import re

from ..analysis import cn_to_int

_NUM = r"(?:\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千万]+|半)"
# unit -> (kind, factor to the kind's base unit)
_UNITS = {"周年": ("month", 12), "年": ("month", 12), "个月": ("month", 1), "月": ("month", 1),
          "周岁": ("age", 1), "岁": ("age", 1), "日": ("day", 1), "天": ("day", 1), "个工作日": ("day", 1),
          "工作日": ("day", 1), "小时": ("hour", 1), "万元": ("money", 10000), "元": ("money", 1),
          "人": ("people", 1), "名": ("people", 1)}
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_NOT_UNDER = r"(?:不满|不足|未满|未达到|低于|少于)"

_QUESTION_RE = re.compile(rf"(不到|不满|不足|未满|没满|超过)?({_NUM})(多|余|来)?({_UNIT})")
# 满A以上不满B / A以上不足B / 满A不足B  → [A, B)
_BETWEEN_RE = re.compile(rf"满?({_NUM})({_UNIT})?(?:以上)?[，,]?{_NOT_UNDER}({_NUM})({_UNIT})")
# A至B / A到B / A-B  → [A, B]
_SPAN_RE = re.compile(rf"({_NUM})({_UNIT})?(?:至|到|—|-|~)({_NUM})({_UNIT})")
# 不满A → [0, A)
_UNDER_RE = re.compile(rf"{_NOT_UNDER}({_NUM})({_UNIT})")
# A以上 / 满A / 已满A → [A, ∞)    A以下 / A以内 → [0, A]
_OVER_RE = re.compile(rf"(?:已满|年满|满)?({_NUM})({_UNIT})以上")
_FULL_RE = re.compile(rf"(?:已满|年满|满)({_NUM})({_UNIT})(?!以上|以下|以内)")
_BELOW_RE = re.compile(rf"({_NUM})({_UNIT})(?:以下|以内)")


def cn_number(text: str) -> float | None:
    """Return the value of *text* (12, 1.5, 十八, 二百, 一万五千, 半), or None."""
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    if text == "半":
        return 0.5
    if "万" in text:   # textnorm's numerals stop below ten thousand
        high, _, low = text.partition("万")
        high_value = cn_to_int(high) if high else 1
        low_value = cn_to_int(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return float(high_value * 10000 + low_value)
    value = cn_to_int(text)
    return None if value is None else float(value)


def _value(number: str, unit: str) -> tuple[str, float] | None:
    kind = _UNITS.get(unit)
    value = cn_number(number)
    if kind is None or value is None:
        return None
    return kind[0], value * kind[1]


def question_values(text: str) -> list[tuple[str, float]]:
    """The numbers with a unit a question states (六年 → months 72; 七十多岁 → age just over 70)."""
    out = []
    for match in _QUESTION_RE.finditer(text):
        found = _value(match.group(2), match.group(4))
        if found is None:
            continue
        kind, value = found
        if match.group(3) or match.group(1) == "超过":   # 七十多岁, 超过三年: a little more
            value *= 1.05
        elif match.group(1):                           # 不到半年: a little less
            value *= 0.9
        out.append((kind, value))
    return out


def _ranges(text: str) -> list[tuple[str, float, float]]:
    found = []
    taken: list[tuple[int, int]] = []

    def add(match, low, high, kind):
        if any(s < match.end() and match.start() < e for s, e in taken):
            return
        taken.append((match.start(), match.end()))
        found.append((kind, low, high))

    for pattern in (_BETWEEN_RE, _SPAN_RE):
        for match in pattern.finditer(text):
            high = _value(match.group(3), match.group(4))
            if high is None:
                continue
            low = _value(match.group(1), match.group(2) or match.group(4))
            if low is None or low[0] != high[0]:
                continue
            upper = high[1] - (1e-9 if pattern is _BETWEEN_RE else 0.0)
            add(match, low[1], upper, high[0])
    for match in _UNDER_RE.finditer(text):
        high = _value(match.group(1), match.group(2))
        if high:
            add(match, -math.inf, high[1] - 1e-9, high[0])
    for pattern in (_OVER_RE, _FULL_RE):
        for match in pattern.finditer(text):
            low = _value(match.group(1), match.group(2))
            if low:
                add(match, low[1], math.inf, low[0])
    for match in _BELOW_RE.finditer(text):
        high = _value(match.group(1), match.group(2))
        if high:
            add(match, -math.inf, high[1], high[0])
    return found


def range_fit(values: list[tuple[str, float]], text: str) -> int:
    """1 when a range in *text* holds one of the question's *values*, -1 when ranges of that kind
    are stated and none holds it, 0 when *text* states no range of the kinds asked about."""
    if not values:
        return 0
    ranges = _ranges(text)
    fit = 0
    for kind, value in values:
        same = [(low, high) for k, low, high in ranges if k == kind]
        if not same:
            continue
        if any(low <= value <= high for low, high in same):
            return 1
        fit = -1
    return fit


_VALUE_TOKEN_RE = re.compile(rf"^(?:不到|不满|不足|未满|没满|超过)?{_NUM}(?:多|余|来)?(?:{_UNIT})$")


def is_value_group(group) -> bool:
    """Tell whether a question's key-word group is one of its numbers with a unit (十七岁, 六年)."""
    return any(len(alt) == 1 and _VALUE_TOKEN_RE.match(alt[0]) for alt in group)


# A quota per period: 一个月最多加多少小时 asks for the monthly cap (每月不得超过三十六小时), not the
# daily one of the same article (每日不得超过一小时).
_QUESTION_PERIODS = (("day", r"每天|每日|一天|一日|天天"), ("week", r"每周|一周|每星期|一个星期|每个星期"),
                     ("month", r"每月|每个月|一个月|月均"), ("year", r"每年|一年|全年|年度|每个年度"))
_TEXT_PERIODS = (("day", r"每日|每天|日均"), ("week", r"每周|每星期"), ("month", r"每月|月均|每个月"),
                 ("year", r"每年|年度|全年"))


def question_periods(text: str) -> set[str]:
    """The periods a question counts per (一个月 → month), when it asks how much in one."""
    return {name for name, pattern in _QUESTION_PERIODS if re.search(pattern, text)}


def period_fit(periods: set[str], text: str) -> int:
    """1 when *text* states a quota per one of *periods*, -1 when it states quotas only per others."""
    if not periods:
        return 0
    stated = {name for name, pattern in _TEXT_PERIODS if re.search(pattern, text)}
    if not stated:
        return 0
    return 1 if stated & periods else -1


def spans_for_period(periods: set[str], text: str, spans: list[tuple[int, int]], reach: int = 12) -> list[tuple[int, int]]:
    """The answer spans of *text* stated per one of *periods* (每月不得超过三十六小时), or all of them."""
    if not periods:
        return spans
    patterns = [pattern for name, pattern in _TEXT_PERIODS if name in periods]
    kept = [(s, e) for s, e in spans
            if any(re.search(pattern, text[max(0, s - reach):s]) and not _other_period_between(periods, text[max(0, s - reach):s])
                   for pattern in patterns)]
    return kept or spans


def _other_period_between(periods: set[str], before: str) -> bool:
    # 每月……每日不得超过三小时: the nearest period word before the number is the one that counts
    last, name_at = -1, None
    for name, pattern in _TEXT_PERIODS:
        for match in re.finditer(pattern, before):
            if match.start() > last:
                last, name_at = match.start(), name
    return name_at is not None and name_at not in periods
