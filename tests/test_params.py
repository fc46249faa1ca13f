"""Search state URLs: every facet link toggles exactly one value and keeps everything else."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from indexer.models import FacetValue
from webapp.params import SearchState

STATES = [
    MultiDict([("q", "劳动合同 解除")]),
    MultiDict([("q", "a&b=c %2B 罚款"), ("level", "central"), ("issuer", "全国人大常委会"), ("year", "2020"),
               ("sort", "date"), ("page", "3")]),
    MultiDict([("q", ""), ("type", "法律"), ("type", "行政法规"), ("tag", "安全 生产"), ("status", "已废止")]),
]
VALUES = ["central", "全国人大常委会", "A&B=C", "100%+", "法律", "安全 生产", "2020", "2019", "已废止", ""]


@pytest.mark.parametrize("args", STATES)
@pytest.mark.parametrize("facet", ["level", "doc_type", "issuer", "year", "tags", "status"])
def test_facet_links_are_the_toggle_urls(args, facet):
    state = SearchState.from_args(args)
    values = [FacetValue(v, v, 1) for v in VALUES]
    links = state.facet_links(facet, values)
    assert [url for _, _, url in links] == [state.toggle(facet, v) for v in VALUES]
    assert [on for _, on, _ in links] == [state.is_selected(facet, v) for v in VALUES]


def test_a_toggle_url_adds_one_value_and_keeps_the_rest():
    state = SearchState.from_args(STATES[1])
    url = state.facet_links("issuer", [FacetValue("A&B=C", "A&B=C", 1)])[0][2]
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    assert ("issuer", "A&B=C") in pairs and ("issuer", "全国人大常委会") in pairs
    assert ("q", "a&b=c %2B 罚款") in pairs and ("year", "2020") in pairs and ("sort", "date") in pairs
    assert not any(name == "page" for name, _ in pairs)  # a new filter starts at page 1
