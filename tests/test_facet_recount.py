"""Every facet is disjunctive: chosen values of one facet combine with OR, so the facet keeps
offering its other values, counted without its own filter but with all the others.

Each facet of the page is tested on its own (breaking the recount of one facet fails its case),
with counts written out by hand for a corpus of five documents.  The results page, /api/facets and
``policykb search --json`` show the same counts, from one search.
"""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner

import indexer.kb

from indexer import KnowledgeBase
from webapp import create_app
from webapp.cli import cli
from webapp.params import FACET_PARAM

from conftest import write_doc

DOCS = [  # id, level, doc_type, issuer, date, tags, status
    ("d1", "provincial", "通知", "甲省委", "2005-03-01", ["整改"], "现行有效"),
    ("d2", "central", "意见", "中央机关", "2006-01-05", ["整改", "学习"], "已废止"),
    ("d3", "municipal", "通知", "乙市委", "2005-07-01", ["学习"], "现行有效"),
    ("d4", "provincial", "办法", "甲省委", "2006-05-01", ["纪律"], "已被替代"),
    ("d5", "group", "通知", "集团党委", "2004-01-01", ["学习"], "现行有效"),
]

# All five documents hold 督导: a facet's counts over all of them.
ALL = {
    "level": {"provincial": 2, "central": 1, "municipal": 1, "group": 1},
    "doc_type": {"通知": 3, "意见": 1, "办法": 1},
    "issuer": {"甲省委": 2, "中央机关": 1, "乙市委": 1, "集团党委": 1},
    "year": {"2004": 1, "2005": 2, "2006": 2},
    "tags": {"学习": 3, "整改": 2, "纪律": 1},
    "status": {"现行有效": 3, "已废止": 1, "已被替代": 1},
}

# facet -> (a value to filter on, the documents it keeps, the other facets' counts over those)
ONE_FILTER = {
    "level": ("provincial", {"doc_type": {"通知": 1, "办法": 1}, "year": {"2005": 1, "2006": 1}}),
    "doc_type": ("通知", {"level": {"provincial": 1, "municipal": 1, "group": 1}, "issuer": {"甲省委": 1, "乙市委": 1, "集团党委": 1}}),
    "issuer": ("甲省委", {"status": {"现行有效": 1, "已被替代": 1}, "tags": {"整改": 1, "纪律": 1}}),
    "year": ("2006", {"level": {"central": 1, "provincial": 1}, "doc_type": {"意见": 1, "办法": 1}}),
    "tags": ("学习", {"year": {"2004": 1, "2005": 1, "2006": 1}, "status": {"现行有效": 2, "已废止": 1}}),
    "status": ("现行有效", {"issuer": {"甲省委": 1, "乙市委": 1, "集团党委": 1}, "tags": {"整改": 1, "学习": 2}}),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("facets")
    root = tmp / "corpus"
    for doc_id, level, doc_type, issuer, date, tags, status in DOCS:
        front = {"id": doc_id, "title": f"关于督导工作的{doc_type}（{doc_id}）", "level": level, "doc_type": doc_type,
                 "issuer": issuer, "date": date, "tags": tags, "status": status}
        if status == "已被替代":
            front["replaced_by"] = "d1"
        write_doc(root, f"{doc_id}.md", front, "督导组要深入基层。\n")
    kb = KnowledgeBase(root, tmp / "index")
    kb.index()
    app = create_app({"KB": kb, "TESTING": True, "INSTANCE_PATH": str(tmp / "instance")})
    return app.test_client(), kb, ["--corpus", str(root), "--index", str(tmp / "index")]


@pytest.fixture(scope="module")
def client(site):
    return site[0]


def page_facet_lists(client, **params) -> tuple[list[str], dict]:
    """Return (hit ids, {facet: [(value, count), ...]}) as the results page lists them."""
    html = client.get("/search", query_string={"q": "督导", **params}).get_data(as_text=True)
    ids = re.findall(r'class="hit" data-doc-id="([^"]+)"', html)
    facets = {}
    for name, section in re.findall(r'<section class="facet" data-facet="(\w+)">(.*?)</section>', html, re.S):
        facets[name] = [(unescape(v), int(c)) for v, c in
                        re.findall(r'data-value="([^"]*)">.*?<span class="count">(\d+)</span>', section, re.S)]
    return ids, facets


def page_facets(client, **params) -> tuple[list[str], dict]:
    """Return (hit ids, {facet: {value: count}}) as the results page shows them."""
    ids, facets = page_facet_lists(client, **params)
    return ids, {name: dict(values) for name, values in facets.items()}


def test_every_facet_of_the_page_has_a_case():
    assert set(ONE_FILTER) == set(FACET_PARAM) == set(ALL)


def test_without_filters_the_page_counts_every_document(client):
    ids, facets = page_facets(client)
    assert sorted(ids) == ["d1", "d2", "d3", "d4", "d5"]
    assert facets == ALL


@pytest.mark.parametrize("facet", sorted(ONE_FILTER))
def test_a_filtered_facet_still_counts_its_other_values(client, facet):
    value, others = ONE_FILTER[facet]
    ids, facets = page_facets(client, **{FACET_PARAM[facet]: value})
    assert len(ids) == ALL[facet][value]
    assert facets[facet] == ALL[facet], "the filtered facet counts without its own filter"
    for other, counts in others.items():
        assert facets[other] == counts, f"{other} counts only the documents the {facet} filter keeps"


@pytest.mark.parametrize("facet, value, other, other_value, expected", [
    # level recounted under the year filter, and year under the level filter
    ("level", "provincial", "year", "2006", {"level": {"central": 1, "provincial": 1}, "year": {"2005": 1, "2006": 1}}),
    ("doc_type", "通知", "status", "现行有效", {"doc_type": {"通知": 3, "办法": 0, "意见": 0},
                                               "status": {"现行有效": 3}}),
    ("issuer", "甲省委", "tags", "纪律", {"issuer": {"甲省委": 1}, "tags": {"整改": 1, "纪律": 1}}),
])
def test_two_filtered_facets_each_count_under_the_other(client, facet, value, other, other_value, expected):
    ids, facets = page_facets(client, **{FACET_PARAM[facet]: value, FACET_PARAM[other]: other_value})
    for name, counts in expected.items():
        assert facets[name] == {v: c for v, c in counts.items() if c}, name


def listed(facets_json: dict) -> dict:
    """Return {facet: [(value, count), ...]} of a JSON answer, facets without values left out."""
    return {name: [(v["value"], v["count"]) for v in values] for name, values in facets_json.items() if values}


@pytest.mark.parametrize("params", [
    {},
    {"level": "provincial"},
    {"level": ["provincial", "central"], "tag": "整改"},
    {"year": "2006", "status": "现行有效"},
    {"type": "通知", "issuer": "甲省委", "tag": "学习"},
])
def test_page_api_and_cli_give_the_same_facet_counts(site, params):
    """/search, /api/facets and policykb search --json: the same values, counts and order."""
    client, _kb, paths = site
    _, on_page = page_facet_lists(client, **params)
    api = client.get("/api/facets", query_string={"q": "督导", **params}).get_json()
    options = [arg for param, values in params.items()
               for value in ([values] if isinstance(values, str) else values) for arg in (f"--{param}", value)]
    result = CliRunner().invoke(cli, ["search", "督导", *paths, *options, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert listed(api["facets"]) == on_page
    assert listed(json.loads(result.output)["facets"]) == on_page
    if set(params) == {"level"}:  # issue 12: the API counted a filtered level under its own filter
        assert dict(on_page["level"]) == ALL["level"]


def test_a_filtered_results_page_runs_one_search(site, monkeypatch):
    """Two filtered facets, each counted without its own filter: still one search for the results.

    (The page's 高级检索 panel lists the library's values with one search of its own, the same
    with or without filters; it is counted apart.)
    """
    client, kb, _ = site
    searches, runs = [], []
    search = kb.search
    run_search = indexer.kb.run_search

    def counting_search(query="", **kwargs):
        searches.append(query)
        return search(query, **kwargs)

    def counting_run(*args, **kwargs):
        runs.append(args[2].text)
        return run_search(*args, **kwargs)

    monkeypatch.setattr(kb, "search", counting_search)
    monkeypatch.setattr(indexer.kb, "run_search", counting_run)
    kb._results.clear()  # a cached page would hide the searches the page asks for
    ids, facets = page_facets(client, level="provincial", tag="整改")
    assert ids == ["d1"]
    assert facets["level"] == {"provincial": 1, "central": 1}, "level counted under the tag filter only"
    assert facets["tags"] == {"整改": 1, "纪律": 1}, "tags counted under the level filter only"
    assert searches.count("督导") == 1, searches
    assert runs.count("督导") == 1, runs
    filtered = len(searches)
    searches.clear()
    kb._results.clear()
    page_facets(client)
    assert len(searches) == filtered, "filters add no search"
