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


def test_the_law_a_question_names_answers_before_one_matching_more_of_its_words(tmp_path):
    law = {"level": "central", "doc_type": "法律", "issuer": "全国人大常委会"}
    root = tmp_path / "corpus"
    write_doc(root, "jiayi.md", {"id": "jiayi", "title": "中华人民共和国甲乙劳动法", **law, "date": "2010-01-01"},
              "# 中华人民共和国甲乙劳动法\n第十九条 试用期一般为二个月。\n第二十条 用人单位应当按时支付工资。\n")
    write_doc(root, "bingding.md", {"id": "bingding", "title": "中华人民共和国丙丁服务法", **law, "date": "2011-01-01"},
              "# 中华人民共和国丙丁服务法\n第八条 劳动合同的试用期最长不得超过六个月，试用期工资不得低于约定工资的百分之八十。\n")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    # 丙丁服务法 says 试用期最长 word for word; the question asks about 甲乙劳动法
    top = kb.ask("甲乙劳动法里试用期最长多久？").answers[0]
    assert (top.doc_id, top.text) == ("jiayi", "第十九条 试用期一般为二个月。")
