"""On the results page every facet is disjunctive: chosen values of one facet combine with OR, so
the facet keeps offering its other values, counted without its own filter but with all the others.

Each facet of the page is tested on its own (breaking the recount of one facet fails its case),
with counts written out by hand for a corpus of five documents.
"""
from __future__ import annotations

import re
from html import unescape

import pytest

from indexer import KnowledgeBase
from webapp import create_app
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
def client(tmp_path_factory):
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
    return app.test_client()


def page_facets(client, **params) -> tuple[list[str], dict]:
    """Return (hit ids, {facet: {value: count}}) as the results page shows them."""
    html = client.get("/search", query_string={"q": "督导", **params}).get_data(as_text=True)
    ids = re.findall(r'class="hit" data-doc-id="([^"]+)"', html)
    facets = {}
    for name, section in re.findall(r'<section class="facet" data-facet="(\w+)">(.*?)</section>', html, re.S):
        facets[name] = {unescape(v): int(c) for v, c in
                        re.findall(r'data-value="([^"]*)">.*?<span class="count">(\d+)</span>', section, re.S)}
    return ids, facets


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
