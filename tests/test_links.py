"""Document addresses are the site's: built by webapp/links.py for the pages, the API and ``--json``."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from review_plans import GAPS, as_text, plan
from webapp import create_app
from webapp.cli import cli

QUESTION = "督导组能否直接向基层下达指令？"
DOCUMENTED = ["text", "passage", "doc_id", "title", "level", "issuer", "doc_no", "date", "section", "score", "url",
              "html"]


@pytest.fixture(scope="module")
def client(sample_kb, tmp_path_factory):
    app = create_app({"KB": sample_kb, "TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    return app.test_client()


def test_indexer_records_carry_no_address(sample_kb):
    answers = sample_kb.ask(QUESTION).to_dict()["answers"]
    hits = sample_kb.search("第32条").to_dict()["hits"]
    assert answers and hits and "url" not in answers[0] and "url" not in hits[0]


def test_api_answer_links_to_its_passage_in_the_documented_key_order(client):
    answer = client.get("/api/ask?q=" + quote(QUESTION)).get_json()["answers"][0]
    assert list(answer)[:len(DOCUMENTED)] == DOCUMENTED
    assert answer["url"] == "/documents/sheng-2005-dudao-banfa#art19"


def test_api_fallback_hits_and_search_hits_link_to_their_passage(client):
    data = client.get("/api/ask?q=" + quote("督导组需要录音吗？")).get_json()
    assert data["answers"] == [] and data["fallback_hits"]
    for hit in data["fallback_hits"]:
        assert hit["url"] == f"/documents/{hit['id']}" + (f"#{hit['passage']}" if hit["passage"] else "")
    hit = client.get("/api/search?q=" + quote("第32条")).get_json()["hits"][0]
    assert list(hit)[-1] == "url" and hit["url"] == "/documents/sheng-2005-dudao-banfa#art32"


def test_answer_card_links_where_the_api_does(client):
    url = client.get("/api/ask?q=" + quote(QUESTION)).get_json()["answers"][0]["url"]
    html = client.get("/search?q=" + quote(QUESTION)).get_data(as_text=True)
    card = re.search(r'<section class="answer-card".*?</section>', html, re.S).group(0)
    assert f'href="{url}"' in card


def test_command_line_json_carries_the_addresses(sample_kb):
    env = {"POLICYKB_CORPUS": str(sample_kb.corpus.root), "POLICYKB_INDEX": str(sample_kb.index_dir)}
    runner = CliRunner()
    answer = json.loads(runner.invoke(cli, ["ask", QUESTION, "--json"], env=env).output)["answers"][0]
    assert list(answer)[:len(DOCUMENTED)] == DOCUMENTED and answer["url"].endswith("#art19")
    hit = json.loads(runner.invoke(cli, ["search", "第32条", "--json"], env=env).output)["hits"][0]
    assert hit["url"] == f"/documents/{hit['id']}#{hit['passage']}"


def test_review_citations_and_related_passages_link_to_their_passage(client, sample_kb):
    report = sample_kb.review(as_text(plan(GAPS)), "shishi-fangan")
    assert "url" not in report.to_dict()["findings"][0]["citation"]
    data = client.post("/api/review", data={"checklist": "shishi-fangan", "text": as_text(plan(GAPS))}).get_json()
    xueshi = next(f for f in data["findings"] if f["item_id"] == "xueshi")
    assert xueshi["citation"]["url"] == "/documents/zzb-2005-dudao-peixun-jianghua#p55"
    assert list(xueshi["citation"])[-3:] == ["quote", "url", "label"]
    related = [r for part in data["parts"] for r in part["related"]]
    assert related and all(r["url"] == f"/documents/{r['doc_id']}" + (f"#{r['anchor']}" if r["anchor"] else "")
                           for r in related)
