"""Quantities in plan text: 40学时, 四十学时, ４０学时, 3个月, 三个半月, 12周, 90天.

A quantity is a number (Arabic, full-width or Chinese numerals) followed by a unit of time the
checklists speak of.  Units of one kind convert into each other (a week is 7 days, a month 30
days); 学时 is its own kind.  A bare 月 after a number counts as a month only when it is not a
date (2005年7月, 7月10日, 7月底 are dates).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis import cn_to_int, fold_width

# unit as written -> (canonical unit, kind, how many days or 学时 one of it is)
UNITS = {
    "学时": ("学时", "hours", 1.0), "课时": ("学时", "hours", 1.0), "个学时": ("学时", "hours", 1.0),
    "个月": ("个月", "days", 30.0), "月": ("个月", "days", 30.0),
    "周": ("周", "days", 7.0), "星期": ("周", "days", 7.0), "个星期": ("周", "days", 7.0),
    "天": ("天", "days", 1.0), "日": ("天", "days", 1.0), "个工作日": ("天", "days", 1.0),
    "工作日": ("天", "days", 1.0),
}
# The names a checklist may give as its unit (the canonical ones and their spellings).
CHECKLIST_UNITS = tuple(UNITS)

_CN = "零〇一二两三四五六七八九十百千"
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{_CN}]+)"
_UNIT_RE = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_QUANTITY_RE = re.compile(rf"(?P<half0>半)?(?P<number>{_NUMBER})?(?P<half>个半|半)?(?P<unit>{_UNIT_RE})")
# after a bare 月 these make it a date (7月10日, 7月底, 7月份, 7月上旬); before it 年 does (2005年7月)
_DATE_AFTER_MONTH = re.compile(r"^\s*(?:\d|[一二三四五六七八九十]|底|初|份|中旬|上旬|下旬|末|中|号)")
# a number after these is an ordinal or a date, not an amount (第3周, 2005年7月, 7月10日)
_ORDINAL_BEFORE = ("第", "年", "月")


@dataclass(frozen=True)
class Quantity:
    """A number with a unit found in text; ``start``/``end`` are offsets in that text."""

    value: float
    unit: str          # canonical: 学时, 个月, 周, 天
    start: int
    end: int
    text: str

    @property
    def kind(self) -> str:
        return UNITS[self.unit][1]

    def in_unit(self, unit: str) -> float | None:
        """Return this quantity expressed in *unit*, or None when the kinds differ (学时 vs 天)."""
        canonical, kind, size = UNITS[unit]
        if kind != self.kind:
            return None
        return self.value * UNITS[self.unit][2] / size


def parse_number(text: str) -> float | None:
    """Return the value of an Arabic, full-width or Chinese numeral: 四十, 40, ４０ → 40."""
    text = fold_width(text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text == "两":
        return 2.0
    value = cn_to_int(text.replace("两", "二"))
    return float(value) if value is not None else None


def canonical_unit(unit: str) -> str | None:
    """Return the canonical spelling of a unit (月 → 个月), or None when it is not known."""
    entry = UNITS.get(str(unit or "").strip())
    return entry[0] if entry else None


def find_quantities(text: str) -> list[Quantity]:
    """Return every quantity in *text*, in order (offsets refer to *text*)."""
    folded = fold_width(text)
    found = []
    for match in _QUANTITY_RE.finditer(folded):
        number, unit = match.group("number"), match.group("unit")
        half = match.group("half") or match.group("half0")
        if number is None and not half:
            continue
        if number is None:  # 半个月, 半天
            value = 0.5
        else:
            value = parse_number(number)
            if value is None:
                continue
            if match.group("half"):
                value += 0.5
        before = folded[:match.start()].rstrip()
        if before.endswith(_ORDINAL_BEFORE) and not match.group("half0"):
            continue
        if unit == "月" and (_DATE_AFTER_MONTH.match(folded[match.end():]) or before.endswith("年")
                            or not match.group("half") and value > 12):
            continue  # a date, not a duration
        if unit == "日" and before.endswith("月"):
            continue
        found.append(Quantity(value, UNITS[unit][0], match.start(), match.end(), text[match.start():match.end()]))
    return found


def format_value(value: float) -> str:
    """Return 40 for 40.0 and 1.5 for 1.5."""
    return f"{value:g}"
