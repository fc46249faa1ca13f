"""Search behaviour a supervisor notices: the right document first, exact matches, safe input."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indexer import KnowledgeBase, QueryError

from conftest import write_doc

RELEVANCE = yaml.safe_load((Path(__file__).parent / "data" / "relevance.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", RELEVANCE, ids=[c["query"] for c in RELEVANCE])
def test_relevance_set(sample_kb, case):
    options = {}
    if case.get("level"):
        options["level"] = case["level"]
    if case.get("type"):
        options["doc_type"] = case["type"]
    page = sample_kb.search(case["query"], per_page=case.get("top", 1), **options)
    assert case["expect"] in [h.id for h in page.hits], case.get("note")


def test_relevance_set_is_large_and_varied():
    assert len(RELEVANCE) >= 40
    queries = " ".join(c["query"] for c in RELEVANCE)
    for feature in ("第32条", "第三十二条", '"', "-", "学时", "〔"):
        assert feature in queries or any(feature in c["query"] for c in RELEVANCE), feature


def test_article_number_in_either_form_finds_the_same_article(sample_kb):
    arabic = sample_kb.search("第32条")
    chinese = sample_kb.search("第三十二条")
    assert [h.id for h in arabic.hits] == [h.id for h in chinese.hits]
    assert arabic.hits[0].passage == "art32"
    assert "<mark>第三十二条</mark>" in arabic.hits[0].snippet


def test_alias_finds_documents_that_only_use_the_full_name(tiny_kb):
    page = tiny_kb.search("培训规定")
    assert page.total >= 1 and page.hits[0].id == "rule-a"


def test_the_document_saying_the_alias_itself_comes_before_those_repeating_its_full_name(tmp_path):
    root = tmp_path / "corpus"
    filler = "各单位要认真落实督导组的意见，做好学习培训、分析评议和整改提高各阶段的工作。" * 3
    write_doc(root, "speech.md", {"id": "speech", "title": "培训班上的讲话", "level": "group", "date": "2005-01-01"},
              "同志们，今天讲三个问题。第一，简称要规范，一律不宜称为“保先办”，应当使用全称。" + filler + "\n")
    write_doc(root, "notice1.md", {"id": "notice1", "title": "领导小组办公室工作通知", "level": "group",
                                   "date": "2005-01-02"},
              "领导小组办公室负责日常联系。领导小组办公室设在组织部。领导小组办公室每周汇总。\n")
    write_doc(root, "notice2.md", {"id": "notice2", "title": "领导小组办公室工作安排", "level": "group",
                                   "date": "2005-01-03"}, "领导小组办公室每周汇总情况。领导小组办公室负责督查。\n")
    (root / "aliases.yml").write_text("保先办: [领导小组办公室]\n", encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    # the notices say 领导小组办公室 often and in their titles; only the speech says 保先办
    assert [hit.id for hit in kb.search("保先办").hits] == ["speech", "notice1", "notice2"]


def test_number_with_unit_does_not_match_another_number(tiny_kb):
    ids = [h.id for h in tiny_kb.search("40学时").hits]
    assert ids == ["rule-a"]
    ids = [h.id for h in tiny_kb.search("8学时").hits]
    assert ids == ["rule-b"]


def test_shorter_word_found_inside_longer_word(tiny_kb):
    page = tiny_kb.search("人民法院")
    assert [h.id for h in page.hits] == ["rule-b"]
    assert "<mark>人民法院</mark>" in page.hits[0].snippet


def test_quoted_phrase_requires_adjacent_words(tiny_kb):
    assert [h.id for h in tiny_kb.search('"学习培训的时间"').hits] == ["rule-a"]
    assert tiny_kb.search('"时间学习培训"').total == 0


def test_exclusion(tiny_kb):
    both = {h.id for h in tiny_kb.search("学时").hits}
    assert both == {"rule-a", "rule-b"}
    assert [h.id for h in tiny_kb.search("学时 -人民法院").hits] == ["rule-a"]


def test_document_number_in_another_bracket_style(tiny_kb):
    page = tiny_kb.search("集团党发[2005]7号")
    assert page.hits[0].id == "rule-a"


@pytest.mark.parametrize("options, expected", [
    ({"level": "集团"}, {"rule-a"}),
    ({"level": ["central", "group"]}, {"rule-a", "rule-b"}),
    ({"doc_type": "通报"}, {"rule-b"}),
    ({"status": "已废止"}, {"rule-b"}),
    ({"year": "2005"}, {"rule-a"}),
    ({"year": "2005-2006"}, {"rule-a", "rule-b"}),
])
def test_filters(tiny_kb, options, expected):
    assert {h.id for h in tiny_kb.search("学时", **options).hits} == expected


def test_inline_filters_in_the_query_text(tiny_kb):
    assert {h.id for h in tiny_kb.search("学时 级别:集团").hits} == {"rule-a"}
    assert {h.id for h in tiny_kb.search("学时 年份:2006").hits} == {"rule-b"}


def test_fallback_to_partial_matches_says_so(tiny_kb):
    page = tiny_kb.search("学时 补课")
    assert page.total >= 2
    assert "部分" in page.notice


def test_all_words_required_when_possible(tiny_kb):
    page = tiny_kb.search("学习培训 督导组")
    assert [h.id for h in page.hits] == ["rule-a"] and page.notice == ""


def test_facet_counts(tiny_kb):
    facets = tiny_kb.search("学时").facets
    assert {v.label: v.count for v in facets["level"]} == {"集团": 1, "中央": 1}
    assert {v.value: v.count for v in facets["year"]} == {"2005": 1, "2006": 1}


def test_sort_by_date_and_paging(tiny_kb):
    page1 = tiny_kb.search("学时", sort="date", per_page=1, page=1)
    page2 = tiny_kb.search("学时", sort="date", per_page=1, page=2)
    assert page1.total == 2 and page1.pages == 2
    assert page1.hits[0].id == "rule-b" and page2.hits[0].id == "rule-a"


def test_empty_query_lists_documents_newest_first(tiny_kb):
    page = tiny_kb.search("")
    assert [h.id for h in page.hits] == ["rule-b", "case-c", "rule-a"]


def test_hit_carries_citation_metadata(tiny_kb):
    hit = tiny_kb.search("督导组 每周").hits[0]
    assert (hit.title, hit.level_label, hit.issuer, hit.doc_no, hit.date) == (
        "关于学习培训的规定", "集团", "集团党委", "集团党发〔2005〕7号", "2005-03-01")
    assert hit.passage == "art32" and hit.section.endswith("第32条")


def test_repealed_status_is_reported(tiny_kb):
    hit = tiny_kb.search("人民法院").hits[0]
    assert hit.status == "已废止"


def test_highlight_covers_whole_words_only(tiny_kb):
    snippet = tiny_kb.search("学习").hits[0].snippet
    assert "<mark>学习</mark>" in snippet
    assert "<mark>学</mark>" not in snippet


EVERY_DOCUMENT = ["case-c", "rule-a", "rule-b"]


@pytest.mark.parametrize("query, expected", [
    # nothing but punctuation: no word, refused with a sentence (not the whole library)
    *[(q, QueryError) for q in ("*", "?", "((((", ")))", '"', '"""', "- -", "\\")],
    ("\u3000", EVERY_DOCUMENT),  # only a space: an empty box, which browses everything
    # operators of other search engines are plain words, found nowhere in these documents
    *[(q, []) for q in ("body:[a TO 龥]", "title:*", "学*", "AND OR NOT", "~2", "^3",
                        "<script>alert(1)</script>", "第条", "〔〕号", "level:")],
    ("学习 OR", ["rule-a", "rule-b"]),  # OR is a word no document has: partial results for 学习
    ("年份:abc", QueryError),
])
def test_hostile_queries_never_crash(tiny_kb, query, expected):
    if expected is QueryError:
        with pytest.raises(QueryError, match="年份“abc”无效" if "abc" in query else "没有可以检索的字词"):
            tiny_kb.search(query)
        return
    page = tiny_kb.search(query)
    assert sorted(hit.id for hit in page.hits) == expected and page.total == len(expected)
    assert page.notice == ("没有同时包含全部检索词的文档，以下是只包含部分检索词的结果。" if query == "学习 OR" else "")
    for hit in page.hits:
        assert "<script>" not in hit.snippet


def test_overlong_query_is_refused_with_a_sentence(tiny_kb):
    with pytest.raises(QueryError, match="过长"):
        tiny_kb.search("学" * 10_000)


@pytest.mark.parametrize("options, parameter", [
    ({"page": -1}, "page"), ({"page": "x"}, "page"), ({"per_page": 0}, "per_page"),
    ({"level": "火星"}, "level"), ({"sort": "random"}, "sort"), ({"status": "有效"}, "status"),
])
def test_bad_parameters_name_the_parameter(tiny_kb, options, parameter):
    with pytest.raises(QueryError) as info:
        tiny_kb.search("学时", **options)
    assert info.value.parameter == parameter


def test_excluded_word_is_excluded_whatever_the_file_order(tmp_path):
    # The excluded word's first document comes before the first document with the required
    # word: whoosh 2.7.4 then returned b.md (whoosh-community/whoosh#419).
    from conftest import write_doc
    root = tmp_path / "corpus"
    write_doc(root, "a.md", {"id": "a", "title": "甲", "level": "group"}, "群众满意度不高的要补课。\n")
    write_doc(root, "b.md", {"id": "b", "title": "乙", "level": "group"}, "学习培训以后组织补课。\n")
    write_doc(root, "c.md", {"id": "c", "title": "丙", "level": "group"}, "学习培训不少于40学时。\n")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    assert [h.id for h in kb.search("学习培训 -补课").hits] == ["c"]


@pytest.mark.parametrize("query, expected", [("8学时", ["eight"]), ("32学时", ["thirty-two"])])
def test_number_is_bound_to_its_unit_even_when_the_number_occurs_elsewhere(units_kb, query, expected):
    assert [h.id for h in units_kb.search(query).hits] == expected


@pytest.mark.parametrize("query", ["3个月", "5个工作日"])
def test_number_with_measure_word_finds_the_document(units_kb, query):
    page = units_kb.search(query)
    assert [h.id for h in page.hits] == ["months"]
    assert f"<mark>{query}</mark>" in page.hits[0].snippet
    assert page.notice == ""


@pytest.mark.parametrize("text", ["😀", "*", '"', "“”", "？！", "😀 ～"])
def test_a_query_without_a_searchable_word_says_so_instead_of_listing_everything(sample_kb, text):
    with pytest.raises(QueryError, match="没有可以检索的字词") as caught:
        sample_kb.search(text)
    assert caught.value.parameter == "q"


@pytest.mark.parametrize("text", ["", "级别:典型案例", "-补课"])
def test_an_empty_query_or_filters_alone_still_browse(sample_kb, text):
    assert sample_kb.search(text).total > 0


def test_a_page_past_the_last_is_refused_with_the_number_of_pages(sample_kb):
    last = sample_kb.search("督导组", per_page=10).pages
    assert sample_kb.search("督导组", per_page=10, page=last).hits
    with pytest.raises(QueryError, match=f"第 {last + 1} 页不存在.*共 .* 篇、{last} 页") as caught:
        sample_kb.search("督导组", per_page=10, page=last + 1)
    assert caught.value.parameter == "page"
