"""The analyzer: the same normalised tokens on both sides, positions that make phrases work."""
from __future__ import annotations

import pytest

from indexer.analysis.analyzer import Segmenter, TextAnalyzer, read_userdict
from indexer.analysis.textnorm import cn_to_int, normalize_doc_no

from conftest import SAMPLE_CORPUS


@pytest.fixture(scope="module")
def analyzer():
    return TextAnalyzer(Segmenter("auto", read_userdict(SAMPLE_CORPUS / "userdict.txt")))


def texts(tokens):
    return [t.text for t in tokens]


@pytest.mark.parametrize("text, expected", [
    ("第三十二条", ["第32条"]),
    ("第32条", ["第32条"]),
    ("第３２条", ["第32条"]),
    ("第 32 条", ["第32条"]),
    ("第一百零五条", ["第105条"]),
    ("第十章", ["第10章"]),
])
def test_article_numbers_are_normalised(analyzer, text, expected):
    assert texts(analyzer.tokens(text)) == expected


@pytest.mark.parametrize("text", ["中发〔2004〕17号", "中发[2004]17号", "中发（2004）17号",
                                  "中发【2004】17号", "中发(2004)17号", "中发［２００４］１７号"])
def test_document_numbers_compare_equal_in_any_bracket_style(analyzer, text):
    assert texts(analyzer.tokens(text)) == texts(analyzer.tokens("中发[2004]17号"))
    assert normalize_doc_no(text) == "中发[2004]17号"


def test_numbers_and_units_are_kept(analyzer):
    tokens = texts(analyzer.tokens("不少于8学时，共32学时"))
    assert "8" in tokens and "32" in tokens and "学时" in tokens


def test_full_width_latin_is_folded_and_lowercased(analyzer):
    assert texts(analyzer.tokens("ＰＤＦ文件")) [0] == "pdf"


def test_positions_count_tokens_not_characters(analyzer):
    tokens = analyzer.tokens("督导组了解情况")
    assert [t.pos for t in tokens] == list(range(len(tokens)))


def test_offsets_point_into_the_original_text(analyzer):
    text = "学习培训的时间一般不少于40学时"
    for token in analyzer.tokens(text, subwords=True):
        assert text[token.start:token.end] in (token.text, token.text.upper())


def test_subwords_find_a_shorter_word_inside_a_longer_one(analyzer):
    tokens = analyzer.tokens("最高人民法院", subwords=True)
    words = {t.text for t in tokens}
    assert {"最高人民法院", "人民法院", "法院"} <= words
    assert "民法" not in words  # a straddling substring is not a word of this text
    assert {t.pos for t in tokens} == {0}


def test_query_side_has_no_subwords(analyzer):
    assert texts(analyzer.tokens("最高人民法院")) == ["最高人民法院"]


def test_user_dictionary_keeps_domain_terms_whole(analyzer):
    assert "先进性教育活动" in texts(analyzer.tokens("开展先进性教育活动"))


@pytest.mark.parametrize("text, value", [("三十二", 32), ("十", 10), ("一百零五", 105), ("二〇〇五", 2005),
                                         ("两千", 2000), ("甲", None)])
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


def test_jieba_and_rjieba_produce_identical_tokens_on_the_whole_sample_corpus():
    pytest.importorskip("rjieba")
    words = read_userdict(SAMPLE_CORPUS / "userdict.txt")
    fast = TextAnalyzer(Segmenter("rjieba", words))
    slow = TextAnalyzer(Segmenter("jieba", words))
    lines = [line for path in sorted(SAMPLE_CORPUS.rglob("*.md"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 500
    for line in lines:
        assert fast.tokens(line, subwords=True) == slow.tokens(line, subwords=True), line
