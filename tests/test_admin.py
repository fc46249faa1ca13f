"""The office workspace under /admin/ through Flask's test client, with CSRF protection on."""
from __future__ import annotations

import re

import pytest

from indexer import KnowledgeBase
from webapp import create_app
from webapp.office import get_office

from admin_helpers import flashes, form_fields, login, token
from conftest import write_doc
from office_files import cjk_font, make_docx, make_pdf, make_zip_bomb

PASSWORD = "correct horse 9"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A writable corpus of two documents, indexed once; accounts alice, bob (editors), root (admin)."""
    base = tmp_path_factory.mktemp("admin")
    root = base / "corpus"
    write_doc(root, "documents/provincial/rule-a.md",
              {"id": "rule-a", "title": "关于学习培训的规定", "level": "provincial", "doc_type": "规定",
               "issuer": "示例省委", "doc_no": "示例省发〔2005〕7号", "date": "2005-03-01"},
              "# 关于学习培训的规定\n\n学习培训的时间一般不少于40学时。\n")
    write_doc(root, "documents/central/rule-b.md",
              {"id": "rule-b", "title": "关于督导工作的通知", "level": "central", "doc_type": "通知",
               "issuer": "示例机关", "doc_no": "示例发〔2005〕1号", "date": "2005-01-05"},
              "督导组要深入基层。\n")
    kb = KnowledgeBase(root, base / "index", instance_dir=base / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var"), "LOGIN_MAX_FAILURES": 3,
                      "LOGIN_MAX_FAILURES_PER_ADDRESS": 6})
    with app.app_context():
        accounts = get_office().accounts
        for name, role in (("alice", "editor"), ("bob", "editor"), ("root", "admin")):
            accounts.add(name, role, PASSWORD)
    return app


def signed_in(app, name: str, address: str = "10.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = login(client, name, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture(scope="module")
def alice(site):
    return signed_in(site, "alice")


@pytest.fixture(scope="module")
def bob(site):
    return signed_in(site, "bob", "10.0.0.2")


@pytest.fixture(scope="module")
def root(site):
    return signed_in(site, "root", "10.0.0.3")


def corpus_files(app) -> set[str]:
    kb = app.extensions["policykb"]
    return {p.name for p in kb.corpus.root.rglob("*.md")}


def new_document(client, title: str, body: str, **fields) -> str:
    """Fill in and submit the new-document form; return the new id."""
    data = {"csrf_token": token(client, "/admin/new"), "title": title, "level": "provincial",
            "doc_type": "通知", "issuer": "示例省委", "date": "2005-06-01", "body": body, **fields}
    response = client.post("/admin/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[1]


def search_ids(client, query: str) -> list[str]:
    return re.findall(r'data-doc-id="([^"]+)"', client.get("/search", query_string={"q": query}).get_data(as_text=True))


def audit_rows(app, **filters):
    with app.app_context():
        return get_office().audit.page(1, 500, **filters)[0]


# -- access -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/admin/", "/admin/new", "/admin/upload", "/admin/trash", "/admin/audit",
                                  "/admin/documents/rule-a/edit", "/admin/documents/rule-a/history"])
def test_anonymous_requests_go_to_the_login_page(site, path):
    response = site.test_client().get(path)
    assert response.status_code == 302
    assert response.location.startswith("/admin/login?next=" + path.replace("/", "%2F")) or \
        response.location.startswith("/admin/login?next=" + path)


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(site):
    client = site.test_client()
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response.location == "/admin/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/admin/").get_data(as_text=True)
    assert "工作台" in page and "欢迎，alice。" in flashes(page)
    client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_logout_ends_the_session_even_for_a_copied_cookie(site):
    client = site.test_client()
    assert login(client, "alice", PASSWORD).status_code == 302
    copy = site.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/admin/").status_code == 200  # the copied cookie works while alice is logged in
    client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})
    response = copy.get("/admin/")
    assert response.status_code == 302 and response.location.startswith("/admin/login")


def test_wrong_password_is_refused_and_recorded(site):
    client = site.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    response = login(client, "bob", "not the password")
    assert response.status_code == 401 and "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    failures = audit_rows(site, action="login_failed")
    assert any(row.user == "bob" and row.remote_addr == "10.9.9.9" for row in failures)


def test_login_after_a_redirect_returns_to_the_page_but_never_to_another_site(site):
    client = site.test_client()
    client.get("/admin/trash")
    response = client.post("/admin/login", data={"csrf_token": token(client), "name": "alice",
                                                 "password": PASSWORD, "next": "/admin/trash"})
    assert response.location == "/admin/trash"
    other = site.test_client()
    response = other.post("/admin/login", data={"csrf_token": token(other), "name": "alice",
                                                "password": PASSWORD, "next": "//evil.example/x"})
    assert response.location == "/admin/"


def test_repeated_failures_lock_the_user_even_across_restarts(site, tmp_path):
    with site.app_context():
        get_office().accounts.add("carol", "editor", PASSWORD)
    client = site.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    for _ in range(3):
        assert login(client, "carol", "wrong password").status_code == 401
    response = login(client, "carol", PASSWORD)  # right password, but locked
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)
    # another address is also refused for this user; a restarted site still remembers
    restarted = create_app({"KB": site.extensions["policykb"], "INSTANCE_PATH": site.instance_path,
                            "LOGIN_MAX_FAILURES": 3})
    fresh = restarted.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "10.1.1.2"
    assert login(fresh, "carol", PASSWORD).status_code == 429
    assert audit_rows(site, action="login_blocked")


def test_repeated_failures_from_one_address_lock_that_address(site):
    client = site.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    for n in range(6):
        assert login(client, f"guess{n}", "wrong password").status_code == 401
    assert login(client, "alice", PASSWORD).status_code == 429
    other = site.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.2.2.3"
    assert login(other, "alice", PASSWORD).status_code == 302


def test_editors_cannot_see_the_audit_log_admins_can(alice, root):
    assert alice.get("/admin/audit").status_code == 403
    assert "审计日志" not in alice.get("/admin/").get_data(as_text=True)
    page = root.get("/admin/audit").get_data(as_text=True)
    assert "审计日志" in page and "登录成功" in page


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(site, alice):
    before = corpus_files(site)
    response = alice.post("/admin/new", data={"title": "无令牌", "level": "provincial", "body": "正文"})
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    assert alice.post("/admin/documents/rule-a/delete").status_code == 400
    wrong = alice.post("/admin/documents/rule-a/delete", data={"csrf_token": "forged"})
    assert wrong.status_code == 400
    assert alice.post("/admin/preview", json={"body": "x"}).status_code == 400
    assert corpus_files(site) == before
    assert alice.get("/documents/rule-a").status_code == 200


def test_reading_can_be_made_to_require_login(site):
    app = create_app({"KB": site.extensions["policykb"], "INSTANCE_PATH": site.instance_path,
                      "READ_REQUIRES_LOGIN": True})
    client = app.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/documents/rule-a").location.startswith("/admin/login")
    response = client.get("/api/search?q=督导")
    assert response.status_code == 401 and "登录" in response.get_json()["error"]
    assert login(client, "alice", PASSWORD).status_code == 302
    assert client.get("/documents/rule-a").status_code == 200
    assert site.test_client().get("/documents/rule-a").status_code == 200  # open by default


# -- adding -------------------------------------------------------------------------------------
def test_add_via_the_form_lands_on_the_page_and_is_searchable_at_once(site, alice):
    response = alice.post("/admin/new", data={
        "csrf_token": token(alice, "/admin/new"), "title": "关于紫藤工作的通知", "level": "municipal",
        "doc_type": "通知", "issuer": "示例市委", "doc_no": "示例市发〔2005〕21号", "date": "2005-07-01",
        "tags": "督导，整改", "summary": "紫藤工作安排", "body": "# 关于紫藤工作的通知\n\n各单位要做好紫藤工作。\n"})
    assert response.status_code == 302 and response.location.startswith("/documents/shi-2005-")
    doc_id = response.location.rsplit("/", 1)[1]
    page = alice.get(response.location).get_data(as_text=True)
    assert "已保存新文档，现在可以检索到。" in flashes(page) and "示例市发〔2005〕21号" in page
    assert doc_id in search_ids(alice, "紫藤")
    assert any(row.action == "create" and row.doc_id == doc_id and row.user == "alice" for row in audit_rows(site))


def test_an_invalid_field_is_named_and_nothing_is_saved(site, alice):
    before = corpus_files(site)
    response = alice.post("/admin/new", data={"csrf_token": token(alice, "/admin/new"), "title": "日期不对",
                                              "level": "provincial", "date": "2005-02-30", "body": "正文"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="err-date"' in html and "日期" in html
    assert "日期不对" in html, "the form keeps what was typed"
    assert corpus_files(site) == before


def test_a_likely_duplicate_is_shown_before_saving_and_saved_after_confirming(site, alice):
    fields = {"csrf_token": token(alice, "/admin/new"), "title": "另一份通知", "level": "provincial",
              "doc_no": "示例省发[2005]7号", "body": "正文内容。"}
    response = alice.post("/admin/new", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "可能与已有文档重复" in html and "关于学习培训的规定" in html
    assert 'name="confirm_duplicates"' in html
    response = alice.post("/admin/new", data=dict(fields, confirm_duplicates="1"))
    assert response.status_code == 302


def test_preview_returns_sanitised_html(alice):
    body = "# 标题\n\n| 阶段 | 学时 |\n|---|---|\n| 学习 | 40 |\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    response = alice.post("/admin/preview", json={"body": body},
                          headers={"X-CSRFToken": token(alice, "/admin/new")})
    html = response.get_json()["html"]
    assert "<table>" in html and "<h1>" in html
    assert "<script" not in html and "onerror" not in html


# -- uploading ----------------------------------------------------------------------------------
def _upload(client, name: str, data: bytes, level: str = "provincial"):
    import io
    return client.post("/admin/upload", data={"csrf_token": token(client, "/admin/upload"), "level": level,
                                              "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _formats():
    font = cjk_font()
    return [
        ("通知.docx", make_docx, "关于加强督导组建设的意见", "| 阶段 | 时间 | 学时 |"),
        ("通知.pdf", (lambda: make_pdf(font)) if font else None, "关于开展督导工作的通知", "每周向领导小组办公室报告"),
        ("讲话.txt", lambda: "关于报送整改方案的通知\n示例组发〔2005〕31号\n各督导组：\n请于月底前报送整改方案。\n".encode("gbk"),
         "关于报送整改方案的通知", "请于月底前报送整改方案"),
        ("方案.md", lambda: "# 关于群众满意度测评的方案\n\n测评由督导组组织。\n".encode(), "关于群众满意度测评的方案", "测评由督导组组织"),
    ]


@pytest.mark.parametrize("name, make, title, body_text", _formats(), ids=["docx", "pdf", "txt", "md"])
def test_upload_review_and_save_each_format(site, alice, name, make, title, body_text):
    if make is None:
        pytest.skip("no font with Chinese glyphs installed (fc-list :lang=zh is empty): cannot make a Chinese PDF")
    response = _upload(alice, name, make())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "核对上传的文件" in html and "尚未保存" in html
    fields = form_fields(html, "/admin/new")
    assert fields["title"] == title and body_text in fields["body"] and fields["level"] == "provincial"
    assert fields["source_name"] == name
    fields["doc_type"] = fields.get("doc_type") or "通知"
    response = alice.post("/admin/new", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    doc_id = response.location.rsplit("/", 1)[1]
    assert doc_id in search_ids(alice, title)
    history = alice.get(f"/admin/documents/{doc_id}/history").get_data(as_text=True)
    assert f"从文件“{name}”导入" in history


@pytest.mark.parametrize("name, data, message", [
    ("空.docx", b"", "0 字节"),
    ("炸弹.docx", make_zip_bomb(zero_mb=105), "解压"),
    ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 200, "扩展名是 .pdf，但内容不是 PDF 文件"),
    ("旧版.txt", bytes(range(128, 256)) * 40, "编码"),
])
def test_hostile_uploads_get_a_chinese_message_and_change_nothing(site, alice, name, data, message):
    before = corpus_files(site)
    response = _upload(alice, name, data)
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    error = re.search(r'class="form-error" role="alert">([^<]+)<', html).group(1)
    assert re.search(r"[\u4e00-\u9fff]", error) and message in error and "Traceback" not in html
    assert corpus_files(site) == before


def test_an_upload_too_long_to_save_is_refused_at_once(site, alice, monkeypatch):
    monkeypatch.setattr("webapp.admin.editor.MAX_BODY_CHARS", 2000)
    response = _upload(alice, "汇编.txt", "第一条 督导组要深入基层了解情况。\n".encode() * 200)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'name="body"' not in html
    assert "汇编.txt：正文约" in html and "拆分" in html


def test_an_upload_over_the_limit_gets_a_chinese_413_page(site, alice):
    site.config["MAX_CONTENT_LENGTH"], saved = 64 * 1024, site.config["MAX_CONTENT_LENGTH"]
    try:
        response = _upload(alice, "大.txt", "督导".encode() * 40000)
    finally:
        site.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 413 and "上限" in response.get_data(as_text=True)


# -- editing, conflicts, status, history, trash ----------------------------------------------------
def test_the_second_editor_saving_a_stale_version_sees_both_and_can_reapply(site, alice, bob):
    doc_id = new_document(alice, "关于冲突测试的通知", "# 关于冲突测试的通知\n\n原有内容。\n")
    edit_url = f"/admin/documents/{doc_id}/edit"
    form_a = form_fields(alice.get(edit_url).get_data(as_text=True), edit_url)
    form_b = form_fields(bob.get(edit_url).get_data(as_text=True), edit_url)
    assert alice.post(edit_url, data=dict(form_a, body=form_a["body"] + "甲的补充。\n")).status_code == 302
    response = bob.post(edit_url, data=dict(form_b, body=form_b["body"] + "乙的补充。\n"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in html
    assert "甲的补充" in html and "乙的补充" in html and 'class="diff-line diff-add"' in html
    assert "乙的补充" not in alice.get(f"/documents/{doc_id}").get_data(as_text=True), "no silent overwrite"
    reapply = form_fields(html, edit_url)
    assert "乙的补充" in reapply["body"]
    assert bob.post(edit_url, data=reapply).status_code == 302
    assert "乙的补充" in bob.get(f"/documents/{doc_id}").get_data(as_text=True)


def test_history_shows_who_and_a_coloured_diff_and_restores_a_version(site, alice, bob):
    doc_id = new_document(alice, "关于历史测试的通知", "# 关于历史测试的通知\n\n本稿提到芍药。\n")
    edit_url = f"/admin/documents/{doc_id}/edit"
    form = form_fields(bob.get(edit_url).get_data(as_text=True), edit_url)
    bob.post(edit_url, data=dict(form, body=form["body"].replace("本稿提到芍药", "本稿提到牡丹"), note="改为第二稿"))
    html = bob.get(f"/admin/documents/{doc_id}/history").get_data(as_text=True)
    assert "第 2 版" in html and "bob" in html and "改为第二稿" in html and "alice" in html
    # the body side by side, the changed words marked, and no front matter in it
    change = re.search(r'<tr class="diff-change">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'<td class="old">本稿提到<mark>芍药</mark>。</td>', change)
    assert re.search(r'<td class="new">本稿提到<mark>牡丹</mark>。</td>', change)
    assert "title:" not in html.split('class="side-diff"')[1].split("</table>")[0]
    restore_url = f"/admin/documents/{doc_id}/history/1/restore"
    response = bob.post(restore_url, data=form_fields(html, restore_url))
    assert response.status_code == 302
    assert "本稿提到芍药" in bob.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert doc_id in search_ids(bob, "芍药") and doc_id not in search_ids(bob, "牡丹")
    assert "恢复为第 1 版" in bob.get(f"/admin/documents/{doc_id}/history").get_data(as_text=True)
    assert bob.get(f"/admin/documents/{doc_id}/history/2").get_data(as_text=True).count("本稿提到牡丹") == 1


def test_status_change_to_replaced_warns_readers(site, alice):
    doc_id = new_document(alice, "关于旧办法的通知", "旧办法内容。\n")
    edit_url = f"/admin/documents/{doc_id}/edit"
    status_url = f"/admin/documents/{doc_id}/status"
    fields = form_fields(alice.get(edit_url).get_data(as_text=True), status_url)
    response = alice.post(status_url, data=dict(fields, status="已被替代", replaced_by="no-such-doc"))
    assert "找不到文档“no-such-doc”" in " ".join(flashes(alice.get(response.location).get_data(as_text=True)))
    response = alice.post(status_url, data=dict(fields, status="已被替代", replaced_by="rule-a"))
    page = alice.get(response.location).get_data(as_text=True)
    assert "状态已改为“已被替代”。" in flashes(page) and "已被替代" in page
    assert any(row.action == "status" and row.doc_id == doc_id for row in audit_rows(site))


def test_delete_goes_to_the_trash_and_restore_brings_it_back(site, alice):
    doc_id = new_document(alice, "关于回收测试的通知", "木槿工作安排。\n")
    edit_url = f"/admin/documents/{doc_id}/edit"
    delete_url = f"/admin/documents/{doc_id}/delete"
    response = alice.post(delete_url, data=form_fields(alice.get(edit_url).get_data(as_text=True), delete_url))
    assert response.location == "/admin/trash"
    trash = alice.get("/admin/trash").get_data(as_text=True)
    assert "关于回收测试的通知" in trash and "已移入回收站" in " ".join(flashes(trash))
    assert doc_id not in search_ids(alice, "木槿") and alice.get(f"/documents/{doc_id}").status_code == 404
    entry_id = re.search(r'/admin/trash/([^/"]+' + re.escape(doc_id) + ')/restore', trash).group(1)
    restore_url = f"/admin/trash/{entry_id}/restore"
    response = alice.post(restore_url, data=form_fields(trash, restore_url))
    assert response.location == f"/documents/{doc_id}"
    assert doc_id in search_ids(alice, "木槿")
    assert "关于回收测试的通知" not in alice.get("/admin/trash").get_data(as_text=True)


def test_every_change_is_in_the_audit_log_with_who_and_where(site, alice, root):
    doc_id = new_document(alice, "关于审计测试的通知", "海棠内容。\n")
    edit_url = f"/admin/documents/{doc_id}/edit"
    form = form_fields(alice.get(edit_url).get_data(as_text=True), edit_url)
    alice.post(edit_url, data=dict(form, body="海棠内容（修订）。\n"))
    delete_url = f"/admin/documents/{doc_id}/delete"
    alice.post(delete_url, data=form_fields(alice.get(edit_url).get_data(as_text=True), delete_url))
    rows = [r for r in audit_rows(site) if r.doc_id == doc_id]
    assert [r.action for r in rows][::-1] == ["create", "edit", "delete"]
    assert all(r.user == "alice" and r.remote_addr == "10.0.0.1" for r in rows)
    page = root.get("/admin/audit", query_string={"user": "alice", "action": "delete"}).get_data(as_text=True)
    assert doc_id in page and "移入回收站" in page


def test_audit_log_pages(site, root):
    site.config["AUDIT_PER_PAGE"], saved = 2, site.config["AUDIT_PER_PAGE"]
    try:
        first = root.get("/admin/audit").get_data(as_text=True)
        second = root.get("/admin/audit?page=2").get_data(as_text=True)
    finally:
        site.config["AUDIT_PER_PAGE"] = saved
    assert "下一页" in first and "上一页" in second
    assert len(re.findall(r'<tr class="audit-', first)) == 2


def test_renaming_an_uploaded_docx_renames_its_heading_and_contents_entry(site, alice):
    fields = form_fields(_upload(alice, "改名.docx", make_docx()).get_data(as_text=True), "/admin/new")
    assert fields["body"].lstrip().startswith("# 关于加强督导组建设的意见")
    fields.update(title="关于加强督导组队伍建设的意见（改名）", doc_type="意见", doc_no="示例改〔2005〕77号")
    response = alice.post("/admin/new", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    doc_id = response.location.rsplit("/", 1)[1]
    page = alice.get(f"/documents/{doc_id}").get_data(as_text=True)
    body, toc = page.split('<div class="doc-body">')[1], re.search(r'<nav class="toc".*?</nav>', page, re.S)
    assert "关于加强督导组建设的意见<" not in body and (toc is None or "关于加强督导组建设的意见" not in toc.group(0))
    # and renaming it again in the editor carries the heading along
    edit = form_fields(alice.get(f"/admin/documents/{doc_id}/edit").get_data(as_text=True),
                       f"/admin/documents/{doc_id}/edit")
    edit["title"] = "督导组队伍建设意见"
    assert alice.post(f"/admin/documents/{doc_id}/edit", data=edit).status_code == 302
    page = alice.get(f"/documents/{doc_id}").get_data(as_text=True)
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S)
    assert "（改名）" not in page.split('<div class="doc-body">')[1] and (toc is None or "（改名）" not in toc.group(0))


def test_uploading_a_case_fills_in_its_document_type(site, alice):
    text = "督导组推动解决职工反映问题的案例\n示例市督导组在座谈中发现问题并督促解决。\n".encode()
    html = _upload(alice, "案例.txt", text, level="case").get_data(as_text=True)
    fields = form_fields(html, "/admin/new")
    assert fields["level"] == "case" and fields["doc_type"] == "典型案例"
    assert "文种按级别填为“典型案例”，请核对。" in html


def test_history_lists_changed_fields_and_collapses_unchanged_lines(site, alice):
    body = "# 关于字段差异的通知\n\n" + "".join(f"第{n}条 不变的内容{n}。\n\n" for n in range(1, 13)) + "结尾原文。\n"
    doc_id = new_document(alice, "关于字段差异的通知", body, doc_no="示例差〔2005〕1号", tags="督导")
    edit_url = f"/admin/documents/{doc_id}/edit"
    form = form_fields(alice.get(edit_url).get_data(as_text=True), edit_url)
    form.update(doc_no="示例差〔2005〕2号", tags="督导、整改", body=form["body"].replace("结尾原文", "结尾新文"))
    assert alice.post(edit_url, data=form).status_code == 302
    html = alice.get(f"/admin/documents/{doc_id}/history").get_data(as_text=True)
    latest = html.split('id="v2"')[1].split('id="v1"')[0]
    fields = re.search(r'<table class="field-diff">(.*?)</table>', latest, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="old">([^<]*)</td><td class="new">([^<]*)</td></tr>', fields)
    assert rows == [("文号", "示例差〔2005〕1号", "示例差〔2005〕2号"), ("标签", "督导", "督导、整改")]
    assert "标题" not in fields  # only the changed fields
    skipped = re.search(r'<tr class="diff-skip"><td colspan="4">(\d+) 行未改动</td></tr>', latest)
    assert skipped and int(skipped.group(1)) >= 20
    assert "不变的内容1。" not in latest and "结尾<mark>新</mark>文" in latest
