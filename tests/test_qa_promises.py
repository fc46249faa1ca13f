"""Q&A promises of the README on tiny corpora: numbers keep their unit, current sources come first."""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase

from conftest import write_doc


@pytest.mark.parametrize("question, doc_id, number", [
    ("集体学习不少于8学时吗？", "eight", "8学时"),
    ("8学时", "eight", "8学时"),
    ("不少于32学时的是什么培训？", "thirty-two", "32学时"),
    ("32学时", "thirty-two", "32学时"),
])
def test_answers_state_the_number_asked_for(units_kb, question, doc_id, number):
    answers = units_kb.ask(question).answers
    assert answers and answers[0].doc_id == doc_id
    # No listed answer may state another number of 学时 than the one asked about.
    assert [a.text for a in answers if number not in a.text] == []


@pytest.fixture(scope="module")
def status_kb(tmp_path_factory):
    """A current and a newer repealed document stating the same rule (the repealed one at more length)."""
    tmp = tmp_path_factory.mktemp("qa-status")
    root = tmp / "corpus"
    write_doc(root, "old.md", {"id": "old", "title": "关于集体学习培训学时的通知", "level": "group",
                               "status": "已废止", "date": "2006-01-01"},
              "党员集体学习培训一般不少于16学时，由各支部组织。\n")
    write_doc(root, "new.md", {"id": "new", "title": "关于学习安排的通知", "level": "group",
                               "date": "2005-01-01"},
              "集体学习培训一般不少于16学时。\n")
    kb = KnowledgeBase(root, tmp / "index")
    kb.index()
    return kb


def test_current_document_answers_before_a_repealed_one_saying_the_same(status_kb):
    answers = status_kb.ask("集体学习培训学时有什么要求？").answers
    assert (answers[0].doc_id, answers[0].text, answers[0].warning) == ("new", "集体学习培训一般不少于16学时。", "")
    for answer in answers:
        if answer.doc_id == "old":
            assert answer.warning == "注意：该文件已废止。"
