"""Uploading several files at once: a review list, per-file errors, and one confirmed save."""
from __future__ import annotations

import io
import re

import pytest

from indexer import KnowledgeBase
from webapp import create_app
from webapp.office import get_office

from admin_helpers import flashes, form_fields, login, token
from conftest import write_doc
from office_files import make_docx, make_zip_bomb

PASSWORD = "correct horse 9"

NOTICE = "关于报送整改方案的通知\n示例组发〔2005〕31号\n各督导组：\n请于月底前报送整改方案。\n2005年6月1日\n"
CASE = "督导组推动解决职工反映问题的案例\n示例市督导组在座谈中发现问题并督促解决。\n"
PLAN = "# 关于群众满意度测评的方案\n\n测评由督导组组织。\n"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "corpus"
    write_doc(root, "documents/provincial/rule-a.md",
              {"id": "rule-a", "title": "关于学习培训的规定", "level": "provincial", "doc_type": "规定",
               "issuer": "示例省委", "doc_no": "示例省发〔2005〕7号", "date": "2005-03-01"},
              "# 关于学习培训的规定\n\n学习培训的时间一般不少于40学时。\n")
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var"), "UPLOAD_MAX_FILES": 6})
    with app.app_context():
        get_office().accounts.add("alice", "editor", PASSWORD)
        get_office().accounts.add("bob", "editor", PASSWORD)
    return app


def client_for(app, name="alice"):
    client = app.test_client()
    assert login(client, name, PASSWORD).status_code == 302
    return client


def corpus_files(app) -> set[str]:
    return {p.name for p in app.extensions["policykb"].corpus.root.rglob("*.md")}


def upload_many(client, files, level=""):
    from werkzeug.test import encode_multipart
    from werkzeug.datastructures import FileStorage, MultiDict
    fields = MultiDict([("csrf_token", token(client, "/admin/upload")), ("level", level)]
                       + [("file", FileStorage(io.BytesIO(content), name)) for name, content in files])
    # encoded in memory: the test client would spool a large body to a file it never closes
    boundary, body = encode_multipart(fields)
    return client.post("/admin/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def review_rows(html: str) -> dict[str, str]:
    """Return file name → the row's HTML in the review list."""
    rows = re.findall(r'<tr class="batch-row[^"]*" id="file-\d+">(.*?)</tr>', html, re.S)
    return {re.search(r"\d+\. ([^<\n]+)", row).group(1).strip(): row for row in rows}


def test_several_files_give_a_review_list_and_nothing_is_saved_before_confirming(site):
    alice = client_for(site)
    before = corpus_files(site)
    response = upload_many(alice, [("通知.txt", NOTICE.encode("gbk")), ("案例.txt", CASE.encode()),
                                   ("意见.docx", make_docx()), ("炸弹.docx", make_zip_bomb(zero_mb=105)),
                                   ("空.pdf", b"")], level="provincial")
    assert response.status_code == 302 and "/admin/upload/review/" in response.location
    html = alice.get(response.location).get_data(as_text=True)
    assert "尚未保存" in html and corpus_files(site) == before
    rows = review_rows(html)
    assert list(rows) == ["通知.txt", "案例.txt", "意见.docx", "炸弹.docx", "空.pdf"]
    review = response.location
    fields = form_fields(html, review)
    assert fields["f1-title"] == "关于报送整改方案的通知" and fields["f1-doc_no"] == "示例组发〔2005〕31号"
    assert fields["f1-date"] == "2005-06-01" and fields["f1-level"] == "provincial" and fields["f1-doc_type"] == "通知"
    assert fields["f3-title"] == "关于加强督导组建设的意见" and fields["f3-doc_type"] == "意见"
    # the hostile and the empty file each get a Chinese sentence naming them; the others are unharmed
    assert "炸弹.docx：" in rows["炸弹.docx"] and "解压" in rows["炸弹.docx"]
    assert "空.pdf：" in rows["空.pdf"] and "0 字节" in rows["空.pdf"]
    assert "f4-title" not in fields and "f5-import" not in fields


def test_a_case_in_the_review_list_gets_its_document_type(site):
    alice = client_for(site)
    response = upload_many(alice, [("案例一.txt", CASE.encode()), ("案例二.txt", ("另一个" + CASE).encode())],
                           level="case")
    html = alice.get(response.location).get_data(as_text=True)
    fields = form_fields(html, response.location)
    assert fields["f1-level"] == "case" and fields["f1-doc_type"] == "典型案例"
    assert fields["f2-doc_type"] == "典型案例" and "文种按级别填为“典型案例”" in html


def test_a_row_made_a_case_in_the_review_list_is_saved_as_a_case(site):
    alice = client_for(site)
    response = upload_many(alice, [("案例.txt", CASE.encode()), ("方案.md", PLAN.encode())])
    fields = form_fields(alice.get(response.location).get_data(as_text=True), response.location)
    assert fields["f1-doc_type"] == ""  # no level chosen at upload: nothing to go by yet
    fields.update({"f1-level": "case", "f2-level": "group", "do": "save"})
    assert alice.post(response.location, data=fields).status_code == 302
    saved = {d["title"]: d for d in site.extensions["policykb"].documents()}
    assert saved["督导组推动解决职工反映问题的案例"]["doc_type"] == "典型案例"


def test_confirming_saves_the_edited_rows_with_history_and_audit(site):
    alice = client_for(site)
    response = upload_many(alice, [("通知.txt", NOTICE.encode("gbk")), ("方案.md", PLAN.encode()),
                                   ("不要.txt", "关于不需要的通知\n这份不导入。\n".encode())])
    review = response.location
    fields = form_fields(alice.get(review).get_data(as_text=True), review)
    fields.update({"f1-level": "provincial", "f1-title": "关于报送整改方案的通知（修订）",
                   "f2-level": "group", "f2-doc_type": "方案", "f2-date": "2005-07", "do": "save"})
    del fields["f3-import"]
    response = alice.post(review, data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = alice.get(response.location).get_data(as_text=True)
    assert "已保存 2 篇文档，现在可以检索到。" in flashes(page)
    kb = site.extensions["policykb"]
    titles = {d["title"]: d for d in kb.documents()}
    assert "关于报送整改方案的通知（修订）" in titles and "关于群众满意度测评的方案" in titles
    assert "关于不需要的通知" not in titles
    plan = titles["关于群众满意度测评的方案"]
    assert plan["level"] == "group" and plan["doc_type"] == "方案" and plan["date"] == "2005-07"
    assert [h.id for h in kb.search("测评由督导组组织").hits] == [plan["id"]]
    history = alice.get(f"/admin/documents/{plan['id']}/history").get_data(as_text=True)
    assert "从文件“方案.md”导入" in history and "alice" in history
    with site.app_context():
        audit = get_office().audit.page(1, 50)[0]
    assert any(r.action == "create" and r.doc_id == plan["id"] and "方案.md" in r.detail for r in audit)
    # the review list is gone: saving it again cannot make duplicates
    assert alice.post(review, data=fields).status_code == 404


def test_a_problem_in_one_row_saves_nothing_and_names_the_file(site):
    alice = client_for(site)
    before = corpus_files(site)
    response = upload_many(alice, [("方案.md", PLAN.encode()), ("重复.txt", "关于重复的通知\n示例省发〔2005〕7号\n内容。\n".encode())],
                           level="provincial")
    review = response.location
    fields = form_fields(alice.get(review).get_data(as_text=True), review)
    fields.update({"f1-level": "", "do": "save"})
    response = alice.post(review, data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and corpus_files(site) == before
    assert "没有保存任何文件" in html
    assert "方案.md：级别" in html
    assert "重复.txt：可能与《关于学习培训的规定》（rule-a）重复：文号相同" in html
    # fixing the level and confirming the duplicate saves both
    fields = form_fields(html, review)
    assert fields["f1-import"] and fields["f2-import"]
    fields.update({"f1-level": "group", "f2-force": "1", "do": "save"})
    assert alice.post(review, data=fields).status_code == 302
    assert len(corpus_files(site)) == len(before) + 2


def test_two_files_of_the_same_batch_with_one_document_number_are_caught(site):
    alice = client_for(site)
    one = "关于甲的通知\n示例组发〔2006〕5号\n甲。\n".encode()
    two = "关于乙的通知\n示例组发〔2006〕5号\n乙。\n".encode()
    response = upload_many(alice, [("甲.txt", one), ("乙.txt", two), ("甲副本.txt", one)], level="group")
    review = response.location
    html = alice.get(review).get_data(as_text=True)
    assert "与第 1 个文件内容完全相同" in review_rows(html)["甲副本.txt"]
    fields = dict(form_fields(html, review), do="save")
    html = alice.post(review, data=fields).get_data(as_text=True)
    assert "乙.txt：可能与《关于甲的通知》（本次上传的另一个文件）重复：文号相同" in html


def test_too_many_files_are_refused_before_converting(site):
    alice = client_for(site)
    response = upload_many(alice, [(f"{n}.txt", f"关于第{n}号的通知\n内容。\n".encode()) for n in range(7)])
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "一次选择了 7 个文件，超过上限 6 个" in html


def test_the_total_size_limit_applies_to_the_whole_upload(site):
    site.config["UPLOAD_MAX_TOTAL_MB"], saved = 1, site.config["UPLOAD_MAX_TOTAL_MB"]
    try:
        alice = client_for(site)
        half = ("第一条 督导组要深入基层。\n" * 30000).encode()
        response = upload_many(alice, [("上.txt", half), ("下.txt", half)])
    finally:
        site.config["UPLOAD_MAX_TOTAL_MB"] = saved
    assert response.status_code == 413 and "超过一次上传的上限 1 MB" in response.get_data(as_text=True)


def test_another_editor_cannot_open_or_save_someone_elses_review_list(site):
    alice, bob = client_for(site), client_for(site, "bob")
    review = upload_many(alice, [("方案.md", PLAN.encode()), ("通知.txt", NOTICE.encode("gbk"))], "group").location
    assert bob.get(review).status_code == 404
    assert "找不到这次上传的审核列表" in bob.get(review).get_data(as_text=True)
    assert alice.get("/admin/upload/review/../../etc").status_code == 404


def test_discarding_saves_nothing(site):
    alice = client_for(site)
    before = corpus_files(site)
    review = upload_many(alice, [("方案.md", PLAN.encode()), ("通知.txt", NOTICE.encode("gbk"))], "group").location
    fields = dict(form_fields(alice.get(review).get_data(as_text=True), review), do="discard")
    response = alice.post(review, data=fields)
    assert response.location.endswith("/admin/upload")
    assert "没有保存任何东西" in " ".join(flashes(alice.get(response.location).get_data(as_text=True)))
    assert corpus_files(site) == before and alice.get(review).status_code == 404


def test_a_review_list_is_saved_once_even_when_submitted_twice_at_the_same_time(site):
    """The second submit finds the list taken (a double click must not save every file twice)."""
    from indexer import UploadBatches
    alice = client_for(site)
    review = upload_many(alice, [("方案.md", PLAN.encode()), ("通知.txt", NOTICE.encode("gbk"))], "group").location
    batch_id = review.rsplit("/", 1)[1]
    store = UploadBatches(site.instance_path + "/upload-batches")
    fields = dict(form_fields(alice.get(review).get_data(as_text=True), review), do="save")
    assert store.claim(batch_id, "alice") is not None      # the first submit is saving it
    response = alice.post(review, data=fields)             # the second one arrives meanwhile
    assert response.status_code == 404 and "不要重复提交" in response.get_data(as_text=True)
    assert store.claim(batch_id, "alice") is None
    store.release(batch_id)                                # (the first submit was refused and let go)
    assert alice.post(review, data=fields).status_code == 302
    titles = [d["title"] for d in site.extensions["policykb"].documents()]
    assert titles.count("关于群众满意度测评的方案") == 1
