"""Readable differences between two versions: the body side by side, the metadata field by field.

This module chooses what changed (rows, changed stretches inside a line, changed fields); the
templates format it.  Unchanged runs longer than a few lines collapse into one "n 行未改动" row.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..corpus import split_front_matter
from ..errors import CorpusError
from ..models import LEVELS
from .form import FIELD_LABELS, FIELD_ORDER

CONTEXT = 2          # unchanged lines kept on each side of a change
MAX_PAIRED_CHARS = 2000  # longer changed lines are marked whole (character matching is quadratic)


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side view; ``kind`` is same, change, add, remove or skip."""

    kind: str
    old_no: int = 0
    old: tuple[Segment, ...] = ()
    new_no: int = 0
    new: tuple[Segment, ...] = ()
    skipped: int = 0  # for a skip row: how many unchanged lines it stands for


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class VersionDiff:
    """What changed between two versions of a document (or a table: no fields)."""

    fields: tuple[FieldChange, ...]
    rows: tuple[DiffRow, ...]
    added: int
    removed: int

    @property
    def empty(self) -> bool:
        return not self.fields and not any(r.kind != "same" and r.kind != "skip" for r in self.rows)


def _marked(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Split a changed line pair into stretches, marking what differs (by character: Chinese has no spaces)."""
    if len(old) + len(new) > MAX_PAIRED_CHARS:
        return (Segment(old, True),), (Segment(new, True),)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append(Segment(old[i1:i2], tag != "equal"))
        if j2 > j1:
            right.append(Segment(new[j1:j2], tag != "equal"))
    return tuple(left), tuple(right)


def side_by_side(old: str, new: str, context: int = CONTEXT) -> list[DiffRow]:
    """Return the rows of an old | new view of two texts, long unchanged runs collapsed."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow("same", i + 1, (Segment(a[i]),), j + 1, (Segment(b[j]),))
                     for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            left, right = _marked(a[i1 + k], b[j1 + k])
            rows.append(DiffRow("change", i1 + k + 1, left, j1 + k + 1, right))
        rows += [DiffRow("remove", old_no=i + 1, old=(Segment(a[i], True),)) for i in range(i1 + pairs, i2)]
        rows += [DiffRow("add", new_no=j + 1, new=(Segment(b[j], True),)) for j in range(j1 + pairs, j2)]
    return _collapse(rows, context)


def _collapse(rows: list[DiffRow], context: int) -> list[DiffRow]:
    out: list[DiffRow] = []
    n = 0
    while n < len(rows):
        if rows[n].kind != "same":
            out.append(rows[n])
            n += 1
            continue
        end = n
        while end < len(rows) and rows[end].kind == "same":
            end += 1
        keep_before = context if n > 0 else 0          # after a change
        keep_after = context if end < len(rows) else 0  # before a change
        if end - n > keep_before + keep_after + 1:
            out += rows[n:n + keep_before]
            out.append(DiffRow("skip", skipped=end - n - keep_before - keep_after))
            out += rows[end - keep_after:end]
        else:
            out += rows[n:end]
        n = end
    return out


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if name == "level":
        return LEVELS.get(str(value), str(value))
    return str(value)


def field_changes(old: dict, new: dict) -> list[FieldChange]:
    """Return the fields whose shown value differs, in the form's order (unknown fields after)."""
    names = list(FIELD_ORDER) + sorted((set(old) | set(new)) - set(FIELD_ORDER))
    changes = []
    for name in names:
        before, after = _shown(name, old.get(name)), _shown(name, new.get(name))
        if before != after:
            changes.append(FieldChange(name, FIELD_LABELS.get(name, name), before, after))
    return changes


def _split(text: str) -> tuple[dict, str]:
    """Return (front matter, body) of a version's file; a file that does not parse is all body."""
    try:
        meta, body = split_front_matter(text, "history")
    except CorpusError:
        return {}, text
    return meta or {}, body


def version_diff(old_text: str, new_text: str, *, front_matter: bool = True) -> VersionDiff:
    """Compare two versions' files: metadata field by field, body side by side.

    :param front_matter: the files are corpus documents (a table file has none).
    """
    (old_meta, old_body), (new_meta, new_body) = (_split(old_text), _split(new_text)) if front_matter \
        else (({}, old_text), ({}, new_text))
    rows = side_by_side(old_body, new_body)
    added = sum(1 for r in rows if r.kind in ("add", "change"))
    removed = sum(1 for r in rows if r.kind in ("remove", "change"))
    return VersionDiff(tuple(field_changes(old_meta, new_meta)), tuple(rows), added, removed)
