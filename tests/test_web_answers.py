"""The answer card on the results page and GET /api/ask."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from indexer.qa.question import looks_like_question
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


def test_quoted_term_question_gets_an_answer_card(client):
    html = client.get("/search?q=" + quote("分析评议阶段的“近年来”指什么")).get_data(as_text=True)
    card = answer_card(html)
    assert "党的十六大以来" in card


def test_out_of_scope_question_says_nothing_in_the_corpus_relates(client):
    html = client.get("/search?q=" + quote("今天天气怎么样")).get_data(as_text=True)
    card = answer_card(html)
    assert "未找到明确答案" in card and "没有与这个问题相关的文件" in card
    assert "下面是相关度最高的检索结果" not in card


def test_possible_answer_card_is_labelled(tmp_path):
    from conftest import write_doc
    from indexer import KnowledgeBase
    root = tmp_path / "corpus"
    law = {"level": "provincial", "doc_type": "办法", "issuer": "示例省委", "date": "2005-01-18"}
    write_doc(root, "banfa.md", {"id": "banfa", "title": "示例督导工作办法", **law},
              "第七条 督导组由三至五人组成，组长由派出党委指定。\n第八条 督导组应当每周报告一次工作。\n")
    write_doc(root, "money.md", {"id": "money", "title": "示例财务规定", **law},
              "第一条 差旅费按照本单位规定报销。\n第二条 会议费由秘书统一报销。\n")
    write_doc(root, "meeting.md", {"id": "meeting", "title": "示例会议制度", **law},
              "第一条 会议由办公室负责记录，干部轮流值班。\n")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    app = create_app({"KB": kb, "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance")})
    html = app.test_client().get("/search?q=" + quote("督导工作办法里，督导组一般配几个干部和秘书？")).get_data(as_text=True)
    card = answer_card(html)
    assert "可能的答案" in card and "请阅读原文核对" in card and "三至五人" in card
    # a definite answer's card says 问答
    html = app.test_client().get("/search?q=" + quote("督导组一般由几人组成？")).get_data(as_text=True)
    assert ">问答 <" in answer_card(html) and "请阅读原文核对" not in answer_card(html)


EXPECTED_CITE = ("《示例省保持共产党员先进性教育活动督导工作办法》（示例省教领〔2005〕4号），示例省委先进性教育活动领导小组，"
                 "2005-01-18，第四条：“督导组在派出它的党委先进性教育活动领导小组领导下开展工作，对其负责并报告工作。”")


def test_answer_card_shows_a_citation_to_copy_even_without_javascript(client):
    card = answer_card(client.get("/search?q=" + quote("督导组由谁派出")).get_data(as_text=True))
    shown = re.search(r'<span class="cite-text">(.*?)</span>', card, re.S)
    assert shown and shown.group(1) == EXPECTED_CITE  # title, 文号, issuer, date, article, sentence
    assert f'class="copy-cite" data-cite="{EXPECTED_CITE}"' in card
