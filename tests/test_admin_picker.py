"""The 引用文档 picker: a JSON search for the edit form, and ids checked on the server."""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase
from webapp import create_app
from webapp.office import get_office

from admin_helpers import form_fields, login, token
from conftest import write_doc

PASSWORD = "correct horse 9"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "corpus"
    write_doc(root, "documents/provincial/rule-a.md",
              {"id": "rule-a", "title": "关于学习培训的规定", "level": "provincial", "doc_type": "规定",
               "doc_no": "示例省发〔2005〕7号", "date": "2005-03-01"}, "学习培训的时间一般不少于40学时。\n")
    write_doc(root, "documents/central/rule-b.md",
              {"id": "rule-b", "title": "关于督导工作的通知", "level": "central", "doc_type": "通知",
               "date": "2005-01-05"}, "督导组要深入基层。\n")
    write_doc(root, "documents/case/case-c.md",
              {"id": "case-c", "title": "督导组深入基层的案例", "level": "case", "doc_type": "典型案例",
               "date": "2005-09-01", "cites": ["rule-b"]}, "示例市督导组深入基层。\n")
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})
    with app.app_context():
        get_office().accounts.add("alice", "editor", PASSWORD)
    client = app.test_client()
    assert login(client, "alice", PASSWORD).status_code == 302
    return app, client


def test_the_picker_finds_documents_by_title_words_document_number_and_id(site):
    _app, client = site
    found = client.get("/admin/documents.json", query_string={"q": "学习培训"}).get_json()["documents"]
    assert found[0] == {"id": "rule-a", "title": "关于学习培训的规定", "level": "provincial", "level_label": "省级"}
    assert [d["id"] for d in client.get("/admin/documents.json?q=示例省发〔2005〕7号").get_json()["documents"]] == ["rule-a"]
    assert [d["id"] for d in client.get("/admin/documents.json?q=rule-b").get_json()["documents"]][0] == "rule-b"
    assert client.get("/admin/documents.json?q=").get_json() == {"documents": []}
    assert client.get("/admin/documents.json?q=\"").status_code == 200  # operators alone never fail
    named = client.get("/admin/documents.json?ids=rule-b，nope").get_json()
    assert [d["title"] for d in named["documents"]] == ["关于督导工作的通知"] and named["unknown"] == ["nope"]


def test_the_picker_needs_a_login(site):
    app, _client = site
    assert app.test_client().get("/admin/documents.json?q=督导").status_code in (302, 401)


def test_the_form_keeps_the_plain_id_field_for_browsers_without_javascript(site):
    _app, client = site
    html = client.get("/admin/documents/case-c/edit").get_data(as_text=True)
    fields = form_fields(html, "/admin/documents/case-c/edit")
    assert fields["cites"] == "rule-b" and 'data-picker-url="/admin/documents.json?exclude=case-c"' in html
    found = client.get("/admin/documents.json?q=督导组深入基层&exclude=case-c").get_json()["documents"]
    assert "case-c" not in [d["id"] for d in found]


def test_an_unknown_cited_id_is_named_and_nothing_is_saved(site):
    app, client = site
    url = "/admin/documents/case-c/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    response = client.post(url, data=dict(fields, cites="rule-b，rule-zz"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "找不到编号为 “rule-zz” 的文档" in html
    assert app.extensions["policykb"].workspace.load("case-c").meta["cites"] == ["rule-b"]
    response = client.post(url, data=dict(fields, cites="case-c"))
    assert response.status_code == 422 and "不能包括这篇文档自己" in response.get_data(as_text=True)


def test_chosen_ids_are_saved_as_the_same_id_list(site):
    app, client = site
    url = "/admin/documents/case-c/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    assert client.post(url, data=dict(fields, cites="rule-b，rule-a")).status_code == 302
    assert app.extensions["policykb"].workspace.load("case-c").meta["cites"] == ["rule-b", "rule-a"]


def test_a_new_document_citing_an_unknown_id_is_refused(site):
    app, client = site
    data = {"csrf_token": token(client, "/admin/new"), "title": "新的案例", "level": "case", "doc_type": "典型案例",
            "date": "2006-01-01", "body": "案例正文。\n", "cites": "missing-doc"}
    response = client.post("/admin/new", data=data)
    assert response.status_code == 422 and "“missing-doc”" in response.get_data(as_text=True)
    assert "新的案例" not in {d["title"] for d in app.extensions["policykb"].documents()}
