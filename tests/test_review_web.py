"""/review, its .docx download and POST /api/review through Flask's test client; bad input; nothing stored."""
from __future__ import annotations

import io
import re
import textwrap
from html import unescape

import docx
import pytest

from indexer import KnowledgeBase
from webapp import create_app

from admin_helpers import TOKEN_RE, form_fields
from office_files import make_zip_bomb
from review_plans import GAPS, GAPS_EXPECTED, as_docx, as_text, plan


@pytest.fixture(scope="module")
def app(sample_kb, tmp_path_factory):
    return create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})


@pytest.fixture
def client(app):
    return app.test_client()


def token(client) -> str:
    return TOKEN_RE.search(client.get("/review").get_data(as_text=True)).group(1)


def post_review(client, **fields):
    data = {"csrf_token": token(client), "checklist": "shishi-fangan", **fields}
    return client.post("/review", data=data, content_type="multipart/form-data")


def finding_statuses(html: str) -> dict:
    return dict(re.findall(r'data-item="([^"]+)" data-status="([^"]+)"', html))


def test_the_header_links_to_the_review_page(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/review">方案检查</a>' in html
    page = client.get("/review").get_data(as_text=True)
    assert '<a href="/review" aria-current="page">方案检查</a>' in page
    assert 'value="shishi-fangan"' in page and 'value="jieduan-xiaojie"' in page
    assert 'name="csrf_token"' in page and 'enctype="multipart/form-data"' in page


def test_upload_a_docx_and_read_the_report(client):
    response = post_review(client, file=(io.BytesIO(as_docx(plan(GAPS))), "机械厂实施方案.docx"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "12 项中 9 项符合、2 项不符、1 项未见" in html
    assert finding_statuses(html) == GAPS_EXPECTED
    xueshi = html[html.index('id="item-xueshi"'):html.index('id="item-jizhong-shijian"')]
    assert "方案中：30 学时" in xueshi and "要求：不少于 40 学时" in xueshi
    assert "<mark>30学时</mark>" in xueshi
    assert 'href="/documents/zzb-2005-dudao-peixun-jianghua#p55"' in xueshi
    naming = html[html.index('id="item-huodong-mingcheng"'):]
    assert "建议：“保先活动”应改为“先进性教育活动”。" in unescape(naming)
    assert "相关规定" in html and 'class="plan-part"' in html
    # the citation lands on the passage holding the rule
    page = client.get("/documents/zzb-2005-dudao-peixun-jianghua").get_data(as_text=True)
    passage = page[page.index('id="p55"'):][:2000]
    assert "不少于40学时" in passage


def test_pasted_text_is_reviewed(client):
    response = post_review(client, text=as_text(plan()))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "12 项中 12 项符合、0 项不符、0 项未见" in html


def test_the_word_report_downloads_and_opens(client):
    html = post_review(client, file=(io.BytesIO(as_text(plan(GAPS)).encode()), "方案.txt")).get_data(as_text=True)
    fields = form_fields(html, "/review/report.docx")
    assert fields["format"] == "md" and fields["checklist"] == "shishi-fangan"
    response = client.post("/review/report.docx", data=fields)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "方案对照检查报告" in text
    assert "示例机械厂保持共产党员先进性教育活动实施方案" in cells and "企业先进性教育活动实施方案审查（shishi-fangan）" in cells
    assert "12 项中 9 项符合、2 项不符、1 项未见" in cells and re.search(r"\d{4}-\d{2}-\d{2}", " ".join(cells))
    assert "[不符] 学习动员阶段的学习培训时间不少于 40 学时。" in text
    assert "方案中：30 学时；要求：不少于 40 学时。" in text
    assert "依据：《在先进性教育活动督导工作骨干培训班上的讲话》：“学习培训的时间一般不少于40学时”" in text
    assert "/documents/zzb-2005-dudao-peixun-jianghua#p55" in text


def test_the_api_answers_the_same_report(client):
    response = client.post("/api/review", data={"checklist": "shishi-fangan", "file": (
        io.BytesIO(as_docx(plan(GAPS))), "方案.docx")}, content_type="multipart/form-data")
    data = response.get_json()
    assert response.status_code == 200
    assert {f["item_id"]: f["status"] for f in data["findings"]} == GAPS_EXPECTED
    assert data["summary"] == "12 项中 9 项符合、2 项不符、1 项未见" and data["plan"]["kind"] == "docx"
    text = client.post("/api/review", data={"checklist": "jieduan-xiaojie", "text": "本阶段思想发动充分。"}).get_json()
    assert text["checklist"]["id"] == "jieduan-xiaojie" and text["counts"]["符合"] >= 1


@pytest.mark.parametrize("fields, status, words", [
    ({"checklist": "nope", "text": "方案"}, 400, "没有名为“nope”的检查清单。可用的清单：jieduan-xiaojie、shishi-fangan。"),
    ({"checklist": "", "text": "方案"}, 400, "可用的清单"),
    ({"checklist": "shishi-fangan"}, 400, "没有收到方案"),
    ({"checklist": "shishi-fangan", "text": "   "}, 400, "没有收到方案"),
    ({"checklist": "shishi-fangan", "file": (b"", "空.docx")}, 400, "没有收到方案"),  # no file chosen: empty name
    ({"checklist": "shishi-fangan", "file": (b"PK\x03\x04 truncated", "坏.docx")}, 422, "Word 文件已损坏"),
    ({"checklist": "shishi-fangan", "file": (make_zip_bomb(zero_mb=105), "炸弹.docx")}, 422, "解压后"),
    ({"checklist": "shishi-fangan", "file": ("第一条。".encode(), "setup.exe")}, 415, "不支持 .exe"),
    ({"checklist": "shishi-fangan", "file": (b"%PDF-1.4\n1 0 obj <<>> garbage", "坏.pdf")}, 422, "损坏"),
    ({"checklist": "shishi-fangan", "text": "字" * 150_001}, 413, "超过上限 150000 字"),
])
def test_bad_input_is_a_sentence_never_a_500(client, fields, status, words):
    def multipart():
        out = dict(fields)
        if "file" in out:
            data, name = out["file"]
            out["file"] = (io.BytesIO(data), "" if name == "空.docx" else name)
        return out
    api = client.post("/api/review", data=multipart(), content_type="multipart/form-data")
    assert api.status_code == status and words in api.get_json()["error"], api.get_json()
    page = post_review(client, **multipart())
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == status and words in html and 'class="form-error"' in html
    assert "Traceback" not in html


def test_a_file_over_the_upload_limit_is_refused(sample_kb, tmp_path):
    app = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path / "var"), "UPLOAD_MAX_MB": 1})
    client = app.test_client()
    response = client.post("/api/review", data={"checklist": "shishi-fangan", "file": (
        io.BytesIO(b"a" * (1024 * 1024 + 10)), "大.txt")}, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client spools a body this big to a file
    assert response.status_code == 413 and "超过上限 1 MB" in response.get_json()["error"]


def test_a_broken_checklist_is_named_on_the_page(tiny_corpus, tmp_path):
    (tiny_corpus / "checklists").mkdir()
    (tiny_corpus / "checklists" / "bad.yml").write_text(textwrap.dedent("""
        title: 坏清单
        items:
          - id: xueshi
            requirement: 不少于40学时。
            source: {doc: rule-a, anchor: p1}
            kind: at_least
            near: [学习]
            value: 四十
            unit: 学时
        """), encoding="utf-8")
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index")
    kb.index()
    client = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")}).test_client()
    page = client.get("/review").get_data(as_text=True)
    assert "坏清单" not in page  # a broken file is not offered
    response = post_review(client, checklist="bad", text="方案")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "检查清单 checklists/bad.yml：第 1 项（xueshi）：value：应为不小于 0 的数字，收到“四十”。" in html
    api = client.post("/api/review", data={"checklist": "bad", "text": "方案"})
    assert api.status_code == 422 and "checklists/bad.yml" in api.get_json()["error"]


def test_nothing_uploaded_is_stored(sample_kb, tmp_path):
    instance = tmp_path / "var"
    client = create_app({"KB": sample_kb, "INSTANCE_PATH": str(instance)}).test_client()
    client.get("/review")
    before = sorted((p.relative_to(tmp_path), p.stat().st_size) for p in instance.rglob("*") if p.is_file())
    corpus_before = sorted(str(p) for p in sample_kb.corpus.root.rglob("*"))
    post_review(client, file=(io.BytesIO(as_docx(plan())), "方案.docx"))
    after = sorted((p.relative_to(tmp_path), p.stat().st_size) for p in instance.rglob("*") if p.is_file())
    assert after == before and sorted(str(p) for p in sample_kb.corpus.root.rglob("*")) == corpus_before


def test_a_corpus_without_checklists_says_so(tiny_kb, tmp_path):
    client = create_app({"KB": tiny_kb, "INSTANCE_PATH": str(tmp_path / "var")}).test_client()
    page = client.get("/review")
    assert page.status_code == 200 and "还没有可用的检查清单" in page.get_data(as_text=True)
    api = client.post("/api/review", data={"checklist": "shishi-fangan", "text": "方案"})
    assert api.status_code == 400 and "可用的清单：（没有，请在 corpus/checklists/ 中添加）" in api.get_json()["error"]
