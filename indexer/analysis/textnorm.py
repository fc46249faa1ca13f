"""Length-preserving text folding and normalisation of numbers, article and document numbers.

Everything here runs identically on indexed text and on query text, so that 第三十二条 and 第32条,
or 中发〔2004〕17号 and 中发[2004]17号, become the same token.
"""
from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) maps 1:1 onto ASCII; the ideographic space onto a space.
# Bracket variants used in 文号 are folded to square brackets.  Every mapping is one character to
# one character, so token offsets computed on folded text are valid in the original text.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20
_BRACKETS = {"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]", "（": "(", "）": ")"}
_WIDTH_TABLE.update({ord(k): ord(v) for k, v in _BRACKETS.items()})


def fold_width(text: str) -> str:
    """Fold full-width characters and bracket variants to ASCII, keeping the length."""
    return text.translate(_WIDTH_TABLE)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int | None:
    """Convert a Chinese numeral below 10,000 (三十二, 一百零五, 二〇〇五) to an int."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text) and len(text) > 1:
        # digit-by-digit form such as 二〇〇五
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        else:
            return None
    return total + current


# 第三十二条, 第32条, 第 5 章 ...: articles, chapters, sections, clauses, items.
ARTICLE_RE = re.compile(r"第\s*([0-9]{1,4}|[" + CN_NUMERAL_CHARS + r"]{1,7})\s*([条章节款项编])")


def article_token(number: str, unit: str) -> str | None:
    """Return the normalised token for an article reference, e.g. 第32条."""
    value = cn_to_int(number)
    if value is None:
        return None
    return f"第{value}{unit}"


# The core of a 文号: [2004]17号 with any bracket style (already folded to [] or ()).
DOC_NO_CORE_RE = re.compile(r"[\[(]\s*((?:19|20)\d{2})\s*[\])]\s*第?\s*(\d{1,5})\s*号")
# A whole 文号 with its issuer prefix, for the doc_no metadata field and for query detection.
DOC_NO_RE = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,16})\s*[\[(]\s*((?:19|20)\d{2})\s*[\])]\s*第?\s*(\d{1,5})\s*号")


def doc_no_core_token(year: str, number: str) -> str:
    """Return the normalised core token of a 文号, e.g. [2004]17号."""
    return f"[{year}]{int(number)}号"


def normalize_doc_no(text: str) -> str:
    """Normalise a 文号 so every bracket style and width compares equal: 中发[2004]17号."""
    folded = re.sub(r"\s+", "", fold_width(text or ""))
    match = DOC_NO_RE.fullmatch(folded)
    if match:
        return f"{match.group(1)}[{match.group(2)}]{int(match.group(3))}号"
    return folded
