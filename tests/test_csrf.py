"""Every POST route of the site refuses a request without a valid CSRF token and changes nothing.

The routes come from the app's URL map, so a new form is covered as soon as it exists: a route
without URL arguments gets a default case (an empty form); a route that needs arguments must
have a case below saying how to build a request that would change something.  Each case is also
sent once *with* its page's token, to show that the refused request would otherwise have worked.
"""
from __future__ import annotations

import io
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from indexer import KnowledgeBase
from webapp import SETTINGS, create_app
from webapp.database import FILENAME
from webapp.office import get_office

from admin_helpers import TOKEN_RE, form_fields, login
from conftest import write_doc

PASSWORD = "correct horse 9"
CJK = re.compile(r"[\u4e00-\u9fff]")


def post_routes() -> list[tuple[str, str, frozenset]]:
    """(rule, endpoint, URL arguments) of every POST route of a freshly built site."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"KB": KnowledgeBase(Path(tmp) / "corpus", Path(tmp) / "index"),
                          "INSTANCE_PATH": str(Path(tmp) / "var")})
        return sorted((r.rule, r.endpoint, frozenset(r.arguments)) for r in app.url_map.iter_rules()
                      if "POST" in (r.methods or ()))


@dataclass
class Site:
    app: object
    base: Path
    trash_entry: str = ""

    @property
    def kb(self):
        return self.app.extensions["policykb"]

    def client(self, signed_in: bool = True):
        client = self.app.test_client()
        if signed_in:
            assert login(client, "alice", PASSWORD).status_code == 302
        return client


@pytest.fixture
def site(tmp_path) -> Site:
    """Two documents, one with an edit in its history, one in the trash; editor alice signed up."""
    root = tmp_path / "corpus"
    write_doc(root, "documents/provincial/rule-a.md",
              {"id": "rule-a", "title": "关于学习培训的规定", "level": "provincial", "doc_type": "规定",
               "issuer": "示例省委", "date": "2005-03-01"}, "# 关于学习培训的规定\n\n学习培训不少于40学时。\n")
    write_doc(root, "documents/central/rule-b.md",
              {"id": "rule-b", "title": "关于督导工作的通知", "level": "central", "doc_type": "通知",
               "issuer": "示例机关", "date": "2005-01-05"}, "督导组要深入基层。\n")
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})
    with app.app_context():
        office = get_office()
        office.accounts.add("alice", "editor", PASSWORD)
        current = office.workspace.load("rule-a")
        office.workspace.update_document("rule-a", current.meta, current.body + "第二稿补充。\n", "alice",
                                         current.version)
        entry = office.workspace.delete_document("rule-b", "alice")
    (root / "wording.yml").write_text("- everyday: [支书]\n  official: [党支部书记]\n", encoding="utf-8")
    tables = kb.workspace_at(tmp_path / "var").tables
    tables.save_row("wording", None, {"everyday": "开会", "official": "召开会议"}, "alice", tables.read("wording")[2])
    return Site(app, tmp_path, entry.entry_id)


def snapshot(site: Site) -> dict:
    """Everything a POST could change: corpus and instance files, every database table, settings."""
    def files(top: Path) -> dict:
        return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*"))
                if p.is_file() and not p.name.startswith(FILENAME)}
    with sqlite3.connect(site.base / "var" / FILENAME) as conn:
        tables = {name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall())
                  for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    names = [s.name for s in SETTINGS]
    return {"corpus": files(site.kb.corpus.root), "instance": files(site.base / "var"), "db": tables,
            "settings": {n: site.app.config.get(n) for n in names},
            "index": [h.id for h in site.kb.search("", per_page=50).hits]}


@dataclass
class Request:
    """One POST as the browser sends it; *token* is where the token goes (form field or header)."""
    path: str
    data: dict = field(default_factory=dict)
    json: dict | None = None
    token_in_header: bool = False
    multipart: bool = False

    def send(self, client, token: str | None):
        data = {k: v for k, v in self.data.items() if k != "csrf_token"}
        headers = {}
        if token is not None:
            if self.token_in_header:
                headers["X-CSRFToken"] = token
            else:
                data["csrf_token"] = token
        if self.multipart:
            data["file"] = (io.BytesIO("# 关于上传测试的通知\n\n上传内容。\n".encode()), "通知.md")
            return client.post(self.path, data=data, headers=headers, content_type="multipart/form-data")
        if self.json is not None:
            return client.post(self.path, json=self.json, headers=headers)
        return client.post(self.path, data=data, headers=headers)


def page_form(client, page: str, action: str, **changes) -> Request:
    fields = form_fields(client.get(page).get_data(as_text=True), action)
    return Request(action, dict(fields, **changes))


def _login(site, client):
    return Request("/admin/login", {"name": "alice", "password": PASSWORD})


def _logout(site, client):
    return page_form(client, "/admin/", "/admin/logout")


def _create(site, client):
    return page_form(client, "/admin/new", "/admin/new", title="关于无令牌测试的通知", level="provincial",
                     doc_type="通知", issuer="示例省委", date="2005-06-01", body="无令牌测试正文。\n")


def _upload(site, client):
    return Request("/admin/upload", {"level": "provincial"}, multipart=True)


def _batch_save(site, client):
    """Stage a two-file upload (with this session's token), then post its review list."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart
    token = TOKEN_RE.search(client.get("/admin/upload").get_data(as_text=True)).group(1)
    boundary, body = encode_multipart(MultiDict([("csrf_token", token), ("level", "provincial")] + [
        ("file", FileStorage(io.BytesIO(f"# 关于批量{n}的通知\n\n批量内容{n}。\n".encode()), f"{n}.md"))
        for n in "甲乙"]))
    review = client.post("/admin/upload", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}").location
    return page_form(client, review, review, do="save")


def _update(site, client):
    url = "/admin/documents/rule-a/edit"
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    return Request(url, dict(fields, body=fields["body"] + "伪造的修改。\n", title="被篡改的标题"))


def _status(site, client):
    return page_form(client, "/admin/documents/rule-a/edit", "/admin/documents/rule-a/status", status="已废止")


def _delete(site, client):
    return page_form(client, "/admin/documents/rule-a/edit", "/admin/documents/rule-a/delete")


def _untrash(site, client):
    url = f"/admin/trash/{site.trash_entry}/restore"
    return page_form(client, "/admin/trash", url)


def _restore(site, client):
    url = "/admin/documents/rule-a/history/1/restore"
    return page_form(client, "/admin/documents/rule-a/history", url)


def _preview(site, client):
    return Request("/admin/preview", json={"body": "# 预览\n\n正文。"}, token_in_header=True)


def _add_row(site, client):
    return page_form(client, "/admin/tables/wording", "/admin/tables/wording/rows", everyday="下派干部",
                     official="督导员", do="save")


def _save_row(site, client):
    return page_form(client, "/admin/tables/wording/rows/1", "/admin/tables/wording/rows/1", official="书记",
                     do="save")


def _delete_row(site, client):
    return page_form(client, "/admin/tables/wording", "/admin/tables/wording/rows/1/delete")


def _table_restore(site, client):
    return page_form(client, "/admin/tables/wording/history", "/admin/tables/wording/history/1/restore")


def _add_question(site, client):
    return Request("/admin/misses/question-set", {"q": "学习培训不少于多少学时？", "a": "40学时"})


def _feedback(site, client):
    return Request("/feedback", {"q": "学习培训不少于多少学时？", "verdict": "useless"})


@dataclass(frozen=True)
class Case:
    build: Callable
    signed_in: bool = True
    changes: bool = True   # accepted with its token, the request changes the site's state


# endpoint -> how to build a request that would do something if its token were not checked
CASES = {
    "auth.login": Case(_login, signed_in=False),
    "auth.logout": Case(_logout),
    "admin.create": Case(_create),
    "admin.upload": Case(_upload, changes=False),   # shows the review form; saving is admin.create
    "admin.batch_save": Case(_batch_save),
    "admin.update": Case(_update),
    "admin.set_status": Case(_status),
    "admin.delete": Case(_delete),
    "admin.untrash": Case(_untrash),
    "admin.restore": Case(_restore),
    "admin.preview": Case(_preview, changes=False),
    "admin.add_row": Case(_add_row),
    "admin.save_row": Case(_save_row),
    "admin.delete_row": Case(_delete_row),
    "admin.table_restore": Case(_table_restore),
    "admin.add_question": Case(_add_question),
    "feedback.submit": Case(_feedback, signed_in=False),
}

# POST routes that take no token on purpose: each only reads what is sent and answers, storing and
# changing nothing (test_token_free_routes_change_nothing holds them to it), and scripts call them
# without a session.  A cross-site page cannot read the answer (no CORS headers).
TOKEN_FREE = {"api.review"}

ROUTES = [r for r in post_routes() if r[1] not in TOKEN_FREE]


def test_the_url_map_has_the_known_forms():
    # guards the enumeration itself: a broken post_routes() would make the test below vacuous
    assert {endpoint for _, endpoint, _ in ROUTES} >= set(CASES) | {"review.check", "review.download"}
    assert {endpoint for _, endpoint, _ in post_routes()} >= TOKEN_FREE


def test_token_free_routes_change_nothing(site):
    checklist = site.kb.corpus.root / "checklists" / "t.yml"
    checklist.parent.mkdir()
    checklist.write_text("title: 测试\nitems:\n  - id: xueshi\n    requirement: 不少于40学时。\n"
                         "    source: {doc: rule-a, anchor: p1}\n    kind: at_least\n    near: [学习培训]\n"
                         "    value: 40\n    unit: 学时\n", encoding="utf-8")
    client = site.client()
    before = snapshot(site)
    response = client.post("/api/review", data={"checklist": "t", "file": (io.BytesIO(
        "学习培训不少于30学时。\n".encode()), "方案.txt")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["findings"][0]["status"] == "不符"
    assert snapshot(site) == before


@pytest.mark.parametrize("rule, endpoint, arguments", ROUTES, ids=[r[0] for r in ROUTES])
def test_a_post_without_a_valid_token_is_refused_and_changes_nothing(site, rule, endpoint, arguments):
    case = CASES.get(endpoint)
    if case is None:
        assert not arguments, (f"{rule} ({endpoint}) needs URL arguments {sorted(arguments)}: "
                               "add a case to CASES in tests/test_csrf.py saying how to post to it")
        case = Case(lambda site, client: Request(rule, {}), changes=False)
    client = site.client(case.signed_in)
    other = site.client()  # another signed-in session: its token is valid, but not for this session
    other_token = TOKEN_RE.search(other.get("/admin/").get_data(as_text=True)).group(1)
    request = case.build(site, client)
    before = snapshot(site)
    for label, token in (("no token", None), ("forged token", "forged"), ("another session's token", other_token)):
        response = request.send(client, token)
        text = response.get_data(as_text=True)
        assert response.status_code in (400, 403), (label, response.status_code, text[:300])
        message = response.get_json()["error"] if response.is_json else text
        assert "令牌" in message and CJK.search(message), (label, message[:300])
        assert snapshot(site) == before, f"{rule} with {label} changed the site"
    if endpoint == "auth.logout":
        assert client.get("/admin/").status_code == 200, "a refused logout must not end the session"
    if endpoint not in CASES:
        return
    # the control: the same request with this session's own token is accepted (and does its work)
    valid = TOKEN_RE.search(client.get("/admin/login" if not case.signed_in else "/admin/").get_data(as_text=True))
    response = request.send(client, valid.group(1))
    assert response.status_code in (200, 302), (response.status_code, response.get_data(as_text=True)[:300])
    assert (snapshot(site) != before) == case.changes
