"""Q&A over the sample corpus: the corpus author's question set, refusals, citations, output."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from indexer.answers import NO_ANSWER
from indexer.cli import cli
from indexer.qa import MAX_ANSWER_CHARS

from conftest import write_doc

QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "qa_questions.yml").read_text(encoding="utf-8"))
BY_TEXT = {q["question"]: q for q in QUESTIONS}

# The solid core: the expected document gives the top answer and it holds the expected words.
STRICT = [
    '对各企业开展先进性教育活动的总体评价由谁进行？',
    '各单位集中学习教育的时间不少于多长？',
    '第二批教育活动某个阶段预定的时间不够，延长阶段须报谁同意？',
    '“先教活动”这个简称能不能用？',
    '分析评议阶段在整个教育活动中起什么作用？',
    '各企业的先进性教育活动，总的责任在谁？',
    '中共中央关于开展先进性教育活动的意见是哪天印发的？',
    '中央政治局什么时候决定开展先进性教育活动？',
    '第二批教育活动的范围是什么？',
    '2003年试点共有多少党员参加？',
    '2003年试点单位分为哪几种类型？',
    '分析评议阶段的必经环节可以概括为什么？',
    '上一阶段规定任务没有完成，能否转入下一阶段？',
    '能不能用工作总结代替党性分析？',
    '督导组检查五条指导原则落实情况重点看哪几个方面？',
    '县级以上党员领导干部每个阶段到联系点至少几次？',
    '党员领导干部的联系点能不能都选工作基础好的单位？',
    '各级党委对教育活动负总责时，谁是直接责任人？',
    '入党积极分子能不能参加民主评议党员？',
    '民主评议党员一般分几个等次？',
    '对不合格党员限期改正的期限一般多长？',
    '个人自学的时间能否计入学习培训学时？',
    '督导组成员上岗前集中培训时间不少于多少？',
    '阶段督导报告应当在阶段结束后多长时间内提交？',
    '督导中发生群体性事件，督导组应当在多长时间内报告？',
    '督导组在被督导单位工作期间的食宿费用由谁承担？',
    '督导组能否直接向基层下达指令？',
    '督导组成员与被督导单位主要负责人是夫妻关系的怎么办？',
    '督导组每个阶段与党员个别谈话的人数有什么要求？',
    '群众满意度怎么计算？',
    '重新测评时群众满意度仍不到三分之二的，派出党委对领导班子怎么处理？',
    '群众满意度排在后5%的单位能否评为先进基层党组织？',
    '参评人员能否由被测评单位自行指定？',
    '分析评议阶段每名党员至少与几名党员谈心？',
    '专题组织生活会上每名党员发言时间一般不少于多少？',
    '征求到的意见怎样反馈给党员本人？',
    '整改提高阶段领导班子整改方案公布时间不少于几天？',
    '领导班子整改方案的“四明确”包括哪些内容？',
    '回头看工作情况什么时候上报？',
    '市级党员领导干部在联系点要做到的“五个一”包括什么？',
    '联系点制度规定市级党员领导干部每个阶段到联系点不少于几次？',
    '流动党员原则上在哪里参加教育活动？',
    '特殊群体党员的参学率一般应当达到多少？',
    '下岗失业党员由谁负责组织参加教育活动？',
    '学习笔记雷同的单位要在多长时间内组织补学？',
    '第三批指导意见要求每个村党支部为群众办几件实事？',
    '学习培训40学时中上党课不少于多少学时？',
    '每半天集中学习按几个学时计算？',
    '因病因事缺课的党员怎么办？',
    '集团机关发文数量要压缩多少？',
    '老宿舍楼屋面维修的整改责任人是谁？',
    '集团补课通知规定补课时间一般不少于多长？',
    '补课工作的第一责任人是谁？',
    '补课是不是简单地把程序重走一遍？',
    '督导组什么时候可以撤离所联系企业？',
    '督导组能否以督导组名义对外发文？',
    '督导日志由谁审核？',
    '督导组个别谈话一次一般多长时间？',
    '企业要求督导组代写材料怎么办？',
    '党员向督导组反映违纪问题线索怎么处理？',
    '修订稿把分析评议阶段延长为几周？',
    '集团督导组周报原来要求什么时候报送？',
    '集团开展教育活动的目标是什么？',
    '示例化工厂第一次群众满意度测评的结果是多少？',
    '流动党员管理的关键是什么？',
    '行动不便的老党员怎样完成党性分析材料？',
    '示例供电所整改后居民报装时间缩短为几个工作日？',
    '处置不合格党员应当坚持什么原则？',
    '什么是“课题式学习”？',
]


@pytest.fixture(scope="session")
def answered(sample_kb):
    """Every question of the set asked once (session-wide)."""
    return {q["question"]: sample_kb.ask(q["question"]) for q in QUESTIONS}


def test_question_set_answered_in_top_three(answered):
    # Several documents may state the same fact: any answer holding the words counts.
    hits = [q["question"] for q in QUESTIONS
            if any(q["answer_contains"] in a.text for a in answered[q["question"]].answers)]
    missed = sorted(set(BY_TEXT) - set(hits))
    assert len(hits) >= 0.9 * len(QUESTIONS), missed


def test_expected_document_among_top_answers(answered):
    found = [q for q in QUESTIONS if q["expect_doc"] in {a.doc_id for a in answered[q["question"]].answers}]
    assert len(found) >= 0.9 * len(QUESTIONS)


@pytest.mark.parametrize("question", STRICT)
def test_strict_core(answered, question):
    expected = BY_TEXT[question]
    top = answered[question].answers[0]
    assert top.doc_id == expected["expect_doc"]
    assert expected["answer_contains"] in top.text


def test_strict_core_is_large_enough():
    assert len(STRICT) >= 40 and set(STRICT) <= set(BY_TEXT)


def test_answers_are_short_and_cite_their_source(answered):
    for result in answered.values():
        for answer in result.answers:
            assert 0 < len(answer.text) <= MAX_ANSWER_CHARS
            assert answer.text.replace("…", "") in answer.passage or answer.text in answer.passage
            assert answer.title and answer.level and answer.url.startswith(f"/documents/{answer.doc_id}#")


def test_article_answer_cites_its_article(sample_kb):
    top = sample_kb.ask("督导组能否直接向基层下达指令？").answers[0]
    assert top.section.endswith("第19条")
    assert top.url == "/documents/sheng-2005-dudao-banfa#art19"
    assert top.doc_no and top.issuer and top.date


@pytest.mark.parametrize("question", ["火星基地的建设费用是多少？", "如何申请护照？", "企业所得税税率是多少？",
                                      "2008年奥运会在哪里举办？", "足球比赛一场多少分钟？"])
def test_no_made_up_answer(sample_kb, question):
    result = sample_kb.ask(question)
    assert result.answers == ()
    assert result.message == NO_ANSWER
    assert result.to_dict()["answers"] == []


def test_no_answer_shows_search_hits_instead(sample_kb):
    result = sample_kb.ask("督导组的差旅费标准是多少？")
    if not result.answers:
        assert result.fallback_hits, "fallback hits expected when no answer is found"
    else:
        assert "督导" in result.answers[0].text


def test_level_filter(sample_kb):
    result = sample_kb.ask("群众满意度不到三分之二的怎么办？", level="省级")
    assert result.answers and {a.level for a in result.answers} == {"provincial"}


def test_to_dict_has_the_documented_keys(sample_kb):
    data = sample_kb.ask("督导日志由谁审核？").to_dict()
    assert list(data)[:4] == ["question", "type", "answers", "fallback_hits"]
    assert data["type"] == "actor"
    keys = ["text", "passage", "doc_id", "title", "level", "issuer", "doc_no", "date", "section", "score", "url"]
    assert list(data["answers"][0])[:len(keys)] == keys
    assert "<mark>" in data["answers"][0]["html"]
    json.dumps(data, ensure_ascii=False)


@pytest.fixture
def qa_kb(tmp_path):
    from indexer import KnowledgeBase
    root = tmp_path / "corpus"
    write_doc(root, "old.md", {"id": "old", "title": "旧的学习安排", "level": "group", "status": "已废止",
                               "date": "2005-01-01"},
              """
              集体学习培训一般不少于16学时。
              """)
    write_doc(root, "html.md", {"id": "html", "title": "标记测试", "level": "group", "date": "2005-02-01"},
              """
              值班电话的登记办法是由办公室在<b>登记簿</b>上记录 a<b 并当日报送。
              """)
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    return kb


def test_repealed_source_carries_a_warning(qa_kb):
    top = qa_kb.ask("集体学习培训一般不少于多少学时？").answers[0]
    assert top.doc_id == "old" and "已废止" in top.warning


def test_answer_html_is_escaped(qa_kb):
    answer = qa_kb.ask("值班电话怎么登记？").answers[0]
    assert "<b" not in answer.html.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;" in answer.html and answer.html.count("<mark>") == 1


def test_cli_ask_json(sample_kb):
    runner = CliRunner()
    result = runner.invoke(cli, ["ask", "--corpus", str(sample_kb.corpus.root), "--index", str(sample_kb.index_dir),
                                 "--json", "督导组成员上岗前集中培训时间不少于多少？"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["type"] == "quantity" and "不少于3天" in data["answers"][0]["text"]


def test_cli_ask_text_and_refusal(sample_kb):
    runner = CliRunner()
    args = ["ask", "--corpus", str(sample_kb.corpus.root), "--index", str(sample_kb.index_dir)]
    result = runner.invoke(cli, args + ["督导日志由谁审核？"])
    assert result.exit_code == 0 and "由组长审核" in result.output and "出处" in result.output
    result = runner.invoke(cli, args + ["火星基地的建设费用是多少？"])
    assert result.exit_code == 0 and "未找到明确答案" in result.output
    result = runner.invoke(cli, args + ["--level", "火星", "督导日志由谁审核？"])
    assert result.exit_code != 0 and "未知的级别" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def article_kb(tmp_path_factory):
    """An encyclopaedia-style article whose subject is named in the title and once in the text."""
    from indexer import KnowledgeBase
    tmp = tmp_path_factory.mktemp("article")
    root = tmp / "corpus"
    write_doc(root, "fish.md", {"id": "fish", "title": "黄鳍紫鱼", "level": "group", "date": "2005-03-01"},
              """
              黄鳍紫鱼，又称黄鳍姬鲷，俗名散午，为辐鳍鱼纲鲈形目笛鲷科的其中一个种。本鱼分布于西太平洋区，包括菲律宾、印尼、台湾等海域。本鱼体呈淡蓝红色，尾鳍深分叉。体长可达50公分。栖息在较深的水域，肉食性，以其他鱼类、甲壳类为食。
              """)
    kb = KnowledgeBase(root, tmp / "index")
    kb.index()
    return kb


@pytest.mark.parametrize("question, expected", [
    ("黄鳍紫鱼体长多少？", "50公分"),
    ("黄鳍紫鱼主要以什么为食？", "甲壳类"),
])
def test_subject_named_in_title_does_not_pick_the_sentence(article_kb, question, expected):
    # Only the first sentence names the fish; the answer sentence says 本鱼 or nothing at all.
    assert expected in article_kb.ask(question).answers[0].text


def test_long_sentence_is_cut_around_the_distinguishing_words():
    from indexer.qa import trim_span
    # The subject (督导组) repeats at both ends; the asked-for detail (食宿费用) sits in the middle.
    filler = "逐项听取各单位情况汇报并查阅有关文件和会议记录，"
    text = ("督导组进驻以后，督导组组长召集督导组成员，" + filler * 4 + "食宿费用由派出单位承担，" + filler * 3
            + "督导组组长、督导组副组长和督导组成员一同参加。")
    matched = [(m.start(), m.end()) for word in ("督导组", "食宿", "费用") for m in re.finditer(word, text)]
    weights = {"督导组": 0.1, "食宿": 0.45, "费用": 0.45}
    start, end, mark = trim_span(text, 0, len(text), matched, [], weights)
    assert end - start <= MAX_ANSWER_CHARS
    assert "食宿费用由派出单位承担" in text[start:end]
    assert text[mark[0]:mark[1]] == "食宿费用由派出单位承担"


def test_rule_outranks_a_case_that_repeats_it(tmp_path):
    from indexer import KnowledgeBase
    root = tmp_path / "corpus"
    write_doc(root, "case.md", {"id": "case", "title": "联系点工作纪实", "level": "case", "date": "2005-05-01"},
              """
              刘某在联系点做到“三个一”：讲一次党课，开一次座谈会，办一件实事。
              """)
    write_doc(root, "rule.md", {"id": "rule", "title": "联系点工作制度", "level": "municipal", "date": "2005-02-01"},
              """
              党员领导干部在联系点做到“三个一”：讲一次党课，开一次座谈会，办一件实事。
              """)
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    assert kb.ask("在联系点要做到的“三个一”包括什么？").answers[0].doc_id == "rule"


@pytest.mark.parametrize("question", ["群众满意度不到三分之二怎么办?", "群众满意度不到三分之二的怎么办？",
                                      "群众满意度不到三分之二，该怎么处理"])
def test_what_to_do_is_answered_by_the_rule_not_by_a_case(sample_kb, question):
    top = sample_kb.ask(question).answers[0]
    assert "要进行补课" in top.text
    assert top.level != "case"
