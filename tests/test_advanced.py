"""The advanced-search form: its fields give the URL the query grammar gives, and the same results."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from webapp import create_app
from webapp.advanced import AdvancedQuery, advanced_search_url
from webapp.params import SearchState


@pytest.fixture(scope="module")
def app(sample_kb, tmp_path_factory):
    return create_app({"KB": sample_kb, "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})


@pytest.fixture
def client(app):
    return app.test_client()


# (form fields, the /search query string written by hand, the same search typed as one line of grammar)
COMBINATIONS = [
    ({"words": "督导"}, [("q", "督导")], "督导"),
    ({"words": "学习", "phrase": "群众满意度", "exclude": "补课"},
     [("q", '学习 "群众满意度" -补课')], '学习 "群众满意度" -补课'),
    ({"phrase": "“督导组”", "level": ["central", "provincial"]},
     [("q", '"督导组"'), ("level", "central"), ("level", "provincial")], '"督导组" 级别:中央 级别:省级'),
    ({"words": "督导", "exclude": "-补课 测评", "type": "通知", "year_from": "2005", "year_to": "2005"},
     [("q", "督导 -补课 -测评"), ("type", "通知"), ("year", "2005")], "督导 -补课 -测评 类型:通知 年份:2005"),
    ({"words": "督导", "issuer": "示例市委先进性教育活动领导小组办公室、示例市委", "status": "现行有效",
      "year_from": "2005"},
     [("q", "督导"), ("issuer", "示例市委先进性教育活动领导小组办公室"), ("issuer", "示例市委"),
      ("status", "现行有效"), ("year", "2005-")],
     "督导 发文:示例市委先进性教育活动领导小组办公室 发文:示例市委 状态:现行有效 年份:2005-"),
    ({"words": "学习", "year_from": "2006", "year_to": "2004"}, [("q", "学习"), ("year", "2004-2006")],
     "学习 年份:2004-2006"),
    ({"words": "整改", "year_to": "2005", "level": "group"}, [("q", "整改"), ("level", "group"), ("year", "-2005")],
     "整改 级别:集团 年份:-2005"),
]


def submitted(fields: dict) -> MultiDict:
    pairs = [("go", "1")]
    for name, value in fields.items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return MultiDict(pairs)


def ids_and_total(client, query_string: str) -> tuple[list[str], int]:
    data = client.get("/api/search?" + query_string + "&per_page=100").get_json()
    return [hit["id"] for hit in data["hits"]], data["total"]


@pytest.mark.parametrize("fields, expected, typed", COMBINATIONS, ids=[t for _, _, t in COMBINATIONS])
def test_the_form_builds_the_grammar_url_and_finds_what_the_typed_query_finds(client, fields, expected, typed):
    url = advanced_search_url(submitted(fields))
    assert url == "/search?" + urlencode(expected)
    # The page itself: submitting the form redirects to exactly that URL.
    response = client.get("/search/advanced?" + urlencode(list(submitted(fields).items(multi=True))))
    assert response.status_code == 303 and response.headers["Location"] == url
    from_form = ids_and_total(client, urlsplit(url).query)
    from_typing = ids_and_total(client, urlencode({"q": typed}))
    assert from_form == from_typing
    assert from_form[1] > 0, "a combination that finds nothing proves nothing"


def test_the_filters_in_the_form_do_narrow_the_results(client):
    everything = ids_and_total(client, urlencode({"q": "督导"}))[1]
    for fields, _expected, _typed in COMBINATIONS[3:5]:
        narrowed = ids_and_total(client, urlsplit(advanced_search_url(submitted(fields))).query)[1]
        assert 0 < narrowed < everything


@pytest.mark.parametrize("fields, expected, typed", COMBINATIONS, ids=[t for _, _, t in COMBINATIONS])
def test_the_panel_is_filled_from_the_url_and_resubmits_to_the_same_url(fields, expected, typed):
    url = "/search?" + urlencode(expected)
    state = SearchState.from_args(MultiDict(parse_qsl(urlsplit(url).query)))
    assert AdvancedQuery.from_state(state).state().url() == url
    # A query typed in the grammar fills the fields too, and leads to the canonical URL.
    typed_state = SearchState.from_args(MultiDict({"q": typed}))
    assert AdvancedQuery.from_state(typed_state).state().url() == url


def form_values(html: str) -> dict:
    """Return the advanced form's text values and checked boxes as the browser would submit them."""
    form = html[html.index('class="advanced-form"'):]
    form = form[:form.index("</form>")]
    values = {name: unescape(value) for name, value in
              re.findall(r'name="(words|phrase|exclude|issuer|year_from|year_to)"[^>]*value="([^"]*)"', form)}
    values["checked"] = sorted(re.findall(r'name="(?:level|status)" value="([^"]+)" checked', form))
    values["type"] = re.findall(r'<option value="([^"]+)" selected>', form)
    return values


def test_results_page_has_a_collapsed_panel_filled_from_the_url(client):
    url = "/search?" + urlencode([("q", '学习 "群众满意度" -补课 -"测评 工作"'), ("level", "central"),
                                  ("type", "通知"), ("issuer", "示例市委"), ("status", "现行有效"),
                                  ("year", "2005-2006")])
    html = client.get(url).get_data(as_text=True)
    assert '<details class="advanced-search">' in html and "<summary>高级检索</summary>" in html
    assert form_values(html) == {"words": "学习", "phrase": "群众满意度", "exclude": '补课 "测评 工作"',
                                 "issuer": "示例市委", "year_from": "2005", "year_to": "2006",
                                 "checked": ["central", "现行有效"], "type": ["通知"]}
    # Every field has a label a screen reader reads out.
    form = html[html.index('class="advanced-form"'):html.index("</form>", html.index('class="advanced-form"'))]
    for field_id in re.findall(r'<(?:input|select) id="(adv-[a-z-]+)"', form):
        assert f'<label for="{field_id}">' in form
    assert "<legend>层级</legend>" in form and "<legend>状态</legend>" in form and "<legend>年份</legend>" in form


def test_the_advanced_page_offers_the_librarys_values(client):
    html = client.get("/search/advanced?" + urlencode({"q": "督导 级别:省级"})).get_data(as_text=True)
    assert "<h1>高级检索</h1>" in html and 'method="get"' in html
    assert form_values(html)["checked"] == ["provincial"] and form_values(html)["words"] == "督导"
    for label in ("中央", "省级", "市级", "集团", "典型案例"):
        assert f"> {label}</label>" in html
    assert '<option value="通知">通知</option>' in html
    assert '<option value="示例市委">' in html  # issuers offered as suggestions


@pytest.mark.parametrize("field, value, label", [("year_from", "20x5", "年份起"), ("year_to", "99", "年份止")])
def test_a_bad_year_is_a_chinese_400_naming_the_field(client, field, value, label):
    response = client.get("/search/advanced?" + urlencode({"go": "1", "words": "督导", field: value}))
    assert response.status_code == 400
    assert f"高级检索的“{label}”应为四位数字的年份" in response.get_data(as_text=True)


def test_quotes_and_minus_signs_typed_into_the_fields_do_not_break_the_grammar():
    fields = {"phrase": 'a"b”c', "exclude": '--x "y z" －w'}
    assert AdvancedQuery.from_form(submitted(fields)).query_text() == '"abc" -x -"y z" -w'


def test_the_home_page_links_to_the_advanced_form(client):
    assert 'href="/search/advanced">高级检索</a>' in client.get("/").get_data(as_text=True)
