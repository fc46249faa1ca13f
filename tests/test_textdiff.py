"""The readable history diff: rows side by side, changed stretches marked, unchanged runs collapsed."""
from __future__ import annotations

import pytest

from indexer.office.textdiff import field_changes, side_by_side, version_diff


def _kinds(rows):
    return [r.kind if r.kind != "skip" else f"skip{r.skipped}" for r in rows]


@pytest.mark.parametrize("old, new, kinds", [
    ("a\nb\nc\n", "a\nb\nc\n", ["skip3"]),                                   # nothing changed
    ("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
     ["skip2", "same", "same", "change", "same", "same", "skip2"]),          # two lines of context each side
    ("1\n2\n3\n", "1\n2\n3\n4\n", ["same", "same", "same", "add"]),          # a short run is not collapsed
    ("1\n2\n", "2\n", ["remove", "same"]),
    ("", "甲\n乙\n", ["add", "add"]),                                         # the first version
])
def test_rows(old, new, kinds):
    assert _kinds(side_by_side(old, new)) == kinds


def test_a_changed_line_marks_only_the_changed_characters():
    row, = [r for r in side_by_side("督导组要坚持实事求是。\n", "督导组要坚持实事求是，每月开会。\n") if r.kind == "change"]
    assert [(s.text, s.changed) for s in row.new] == [("督导组要坚持实事求是", False), ("，每月开会", True), ("。", False)]
    assert all(not s.changed for s in row.old)


def test_fields_are_compared_as_shown_and_the_front_matter_stays_out_of_the_body():
    old = "---\nid: a\ntitle: 旧\nlevel: provincial\ntags: [甲, 乙]\ndate: 2005-03-01\n---\n正文。\n"
    new = "---\nid: a\ntitle: 新\nlevel: central\ntags: [甲, 乙]\ndate: 2005-03-01\nsample: true\n---\n正文。\n"
    diff = version_diff(old, new)
    assert [(f.label, f.old, f.new) for f in diff.fields] == [("标题", "旧", "新"), ("级别", "省级", "中央"),
                                                             ("示例标记", "", "是")]
    assert diff.added == diff.removed == 0 and _kinds(diff.rows) == ["same"]


def test_a_file_whose_front_matter_does_not_parse_is_compared_as_text():
    diff = version_diff("---\nid: [broken\n---\n甲\n", "---\nid: [broken\n---\n乙\n")
    assert diff.fields == () and diff.added == 1 and diff.removed == 1


def test_unknown_fields_follow_the_known_ones():
    assert [c.name for c in field_changes({"zzz": 1, "title": "a"}, {"zzz": 2, "title": "b"})] == ["title", "zzz"]
