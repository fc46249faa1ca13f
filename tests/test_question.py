"""Question analysis: type detection, filler stripping, alias expansion."""
from __future__ import annotations

import pytest

from indexer.qa.question import AnalyzedQuestion, analyze_question, detect_type, strip_question
from indexer.qa.repair import repair_unknown
from indexer.search.run import QueryCompiler
from indexer.qa.sentences import split_sentences


@pytest.mark.parametrize("question, qtype", [
    ("学习培训时间一般不少于多少学时？", "quantity"),
    ("民主评议党员一般分几个等次？", "quantity"),
    ("中央政治局什么时候决定开展先进性教育活动？", "time"),
    ("“近年来”从什么时候算起？", "time"),
    ("第一批教育活动的时间是什么？", "time"),
    ("督导日志由谁审核？", "actor"),
    ("延长阶段须报哪个部门同意？", "actor"),
    ("领导小组办公室能简称保先办吗？", "permission"),
    ("督导组能否直接向基层下达指令？", "permission"),
    ("个人自学的时间是否计入学时？", "permission"),
    ("2003年试点单位分为哪几种类型？", "list"),
    ("“四明确”包括哪些内容？", "list"),
    ("群众满意度不到三分之二的怎么办？", "method"),
    ("征求到的意见如何反馈？", "method"),
    ("什么是“课题式学习”？", "definition"),
    ("流动党员原则上在哪里参加教育活动？", "location"),
    ("为什么要开展回头看？", "reason"),
    ("分析评议阶段的必经环节可以概括为什么？", "other"),
])
def test_question_type(question, qtype):
    assert detect_type(question) == qtype


@pytest.mark.parametrize("question, core", [
    ("请问督导日志由谁审核？", "督导日志 审核"),
    ("什么是“课题式学习”？", "课题式学习"),
    ("先教活动这个简称能不能用呢？", "先教活动这个简称 用"),
    ("第二批教育活动的范围是什么？", "第二批教育活动的范围"),
    ("高铁票可以退吗", "高铁票可以退"),
])
def test_filler_stripped(question, core):
    assert strip_question(question) == core


def test_alias_expanded_like_search(sample_kb):
    compiler = QueryCompiler(sample_kb.analyzer, sample_kb.aliases())
    analyzed = analyze_question("保先办能不能用？", compiler)
    alternatives = {alt for group in analyzed.groups for alt in group}
    assert ("保先办",) in alternatives
    assert any("先进性教育活动领导小组办公室" in "".join(alt) or "办公室" in alt for alt in alternatives)
    assert analyzed.qtype == "permission" and analyzed.query is not None


def test_question_words_are_not_key_terms(sample_kb):
    compiler = QueryCompiler(sample_kb.analyzer, sample_kb.aliases())
    tokens = analyze_question("请问督导组一般由几人组成？", compiler).tokens
    assert {"督导组", "组成"} <= tokens
    assert not tokens & {"请问", "几", "一般", "什么"}
    tokens = analyze_question("党员缺课的话，应该采取什么样的补救办法？", compiler).tokens
    assert "缺课" in tokens and not tokens & {"的话", "样"}


def test_sentences_do_not_split_inside_titles():
    text = "《卡拉OK！台北！我》是他的第六张专辑。次年发行新作！"
    assert [text[s:e] for s, e in split_sentences(text)] == ["《卡拉OK！台北！我》是他的第六张专辑。", "次年发行新作！"]


# The words of an imaginary index and their document frequencies.
VOCABULARY = {"鸡毛松": 1, "松": 3, "树高": 1, "锦地罗": 2, "建筑": 5, "风格": 4, "季": 1, "节": 6}


def _repaired(*words):
    question = AnalyzedQuestion(text="", core="", qtype="other", groups=tuple(((w,),) for w in words))
    return repair_unknown(question, lambda t: VOCABULARY.get(t, 0),
                          lambda prefix: [w for w in VOCABULARY if w.startswith(prefix)])


@pytest.mark.parametrize("words, expected", [
    (("鸡毛松",), [("鸡毛松",)]),                     # known words stay
    (("松有",), [("松",)]),                           # segmenter glued 有 to the subject
    (("建筑风格",), [("建筑",), ("风格",)]),          # the text writes the two words apart
    (("锦地",), [("锦地罗",)]),                       # a name cut short
    (("季节",), [("季节",)]),                          # two lone characters would match anything
])
def test_unknown_question_words_become_indexed_words(words, expected):
    assert [tuple(alt[0] for alt in g) for g in _repaired(*words).groups] == expected
