"""The answer card on the results page and GET /api/ask."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from indexer.question import looks_like_question
from webapp import create_app


@pytest.fixture(scope="module")
def client(sample_kb, tmp_path_factory):
    app = create_app({"KB": sample_kb, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    return app.test_client()


def answer_card(html: str) -> str:
    found = re.findall(r'<section class="answer-card".*?</section>', html, re.S)
    return found[0] if found else ""


@pytest.mark.parametrize("text, expected", [
    ("学习培训时间一般不少于多少学时？", True),
    ("群众满意度不到三分之二怎么办", True),
    ("督导组由谁派出", True),
    ("保先活动", False),
    ("第32条", False),
    ('"群众满意度测评"', False),
    ("补课 -测评", False),
    ("学时?", True),
])
def test_question_detection(text, expected):
    assert looks_like_question(text) is expected


def test_question_gets_an_answer_card_above_the_results(client):
    html = client.get("/search?q=" + quote("学习培训时间一般不少于多少学时？")).get_data(as_text=True)
    card = answer_card(html)
    assert card, "no answer card"
    assert html.index("answer-card") < html.index('class="hit"')
    top = re.search(r'<blockquote class="answer-text">(.*?)</blockquote>', card, re.S).group(1)
    assert "40学时" in top and "<mark>" in top
    # the citation links straight to the passage
    assert re.search(r'href="/documents/[^"#]+#[a-z0-9-]+"', card)


def test_keyword_search_has_no_answer_card(client):
    html = client.get("/search?q=" + quote("保先活动")).get_data(as_text=True)
    assert not answer_card(html)


def test_unanswerable_question_says_so_and_still_lists_results(client):
    html = client.get("/search?q=" + quote("火星探测器的发射窗口是哪一天？")).get_data(as_text=True)
    card = answer_card(html)
    assert "未找到明确答案" in card


def test_api_ask_returns_the_documented_json(client):
    response = client.get("/api/ask?q=" + quote("学习培训时间一般不少于多少学时？"))
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= {"question", "type", "answers", "fallback_hits"}
    assert data["type"] == "quantity"
    answer = data["answers"][0]
    assert set(answer) >= {"text", "passage", "doc_id", "title", "level", "issuer", "doc_no", "date",
                           "section", "score", "url"}
    assert "40学时" in answer["text"] and answer["url"].startswith(f"/documents/{answer['doc_id']}#")


@pytest.mark.parametrize("query, status, words", [
    ("", 400, "请输入问题"),
    ("问" * 300, 400, "过长"),
    ("督导组由谁派出&level=火星", 400, "未知的级别"),
    ("督导组由谁派出&limit=99", 400, "limit"),
])
def test_api_ask_bad_parameters(client, query, status, words):
    response = client.get("/api/ask?q=" + query.replace("问", quote("问")))
    assert response.status_code == status
    assert words in response.get_json()["error"]
