"""A damaged or deleted index is rebuilt from the corpus while the site runs; readers see pages."""
from __future__ import annotations

import shutil

import pytest

from indexer import IndexDamaged, KnowledgeBase
from webapp import create_app

from webapp.office import get_office

from admin_helpers import flashes, login, token


def _damage(index_dir) -> None:
    """Overwrite every index file with bytes from another world (as a bad copy or disk would)."""
    for path in index_dir.rglob("*"):
        if path.is_file() and (path.suffix in (".seg", ".toc")):
            path.write_bytes(b"\x89garbage" * 7)


@pytest.fixture
def site(tiny_corpus, tmp_path):
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    return tmp_path


def _app(tiny_corpus, tmp_path):
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    return create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})


@pytest.mark.parametrize("path, expected", [
    ("/search?q=学时", "关于学习培训的规定"),
    ("/documents/rule-a", "学习培训的时间一般不少于40学时"),
    ("/", "3 篇"),
])
def test_a_damaged_index_is_rebuilt_and_the_page_shown(tiny_corpus, site, path, expected):
    _damage(site / "index")
    client = _app(tiny_corpus, site).test_client()
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert expected in html
    assert client.get("/search?q=学时").status_code == 200


def test_the_api_answers_after_a_damaged_index_is_rebuilt(tiny_corpus, site):
    _damage(site / "index")
    response = _app(tiny_corpus, site).test_client().get("/api/search?q=学时")
    assert response.status_code == 200
    assert "rule-a" in [hit["id"] for hit in response.get_json()["hits"]]


def test_an_index_deleted_while_the_site_runs_is_rebuilt(tiny_corpus, site):
    client = _app(tiny_corpus, site).test_client()
    assert client.get("/search?q=学时").status_code == 200
    shutil.rmtree(site / "index")
    response = client.get("/search?q=学时")
    assert response.status_code == 200 and "关于学习培训的规定" in response.get_data(as_text=True)


def test_a_form_sent_while_the_index_is_damaged_is_saved_and_the_index_repaired(tiny_corpus, site):
    app = _app(tiny_corpus, site)
    with app.app_context():
        get_office().accounts.add("alice", "editor", "correct horse 9")
    client = app.test_client()
    assert login(client, "alice", "correct horse 9").status_code == 302
    form_token = token(client, "/admin/new")
    _damage(site / "index")  # the form is the first request to meet the damaged index
    response = client.post("/admin/documents/rule-a/status", data={"csrf_token": form_token, "status": "已废止"})
    assert response.status_code == 302 and response.location == "/documents/rule-a", response.get_data(as_text=True)
    assert "状态已改为“已废止”。" in flashes(client.get(response.location).get_data(as_text=True))
    assert "status: 已废止" in (tiny_corpus / "a.md").read_text(encoding="utf-8")
    html = client.get("/search?q=学时&status=已废止").get_data(as_text=True)
    assert 'data-doc-id="rule-a"' in html and "Traceback" not in html


# -- damage is a type: the knowledge base raises IndexDamaged, the site repairs on that type ---------

def test_a_truncated_index_is_reported_as_index_damaged(tiny_corpus, site):
    for path in (site / "index").rglob("*.toc"):
        path.write_bytes(path.read_bytes()[:40])
    kb = KnowledgeBase(tiny_corpus, site / "index")
    with pytest.raises(IndexDamaged) as caught:
        kb.search("学时")
    assert caught.value.status == 503 and "policykb index --rebuild" in str(caught.value)
    assert caught.value.cause is not None  # what whoosh raised, kept for the log


def test_an_error_raised_inside_whoosh_becomes_index_damaged(tiny_corpus, site):
    """A deleted segment file: whoosh's own FileNotFoundError, raised deep in its file storage."""
    kb = KnowledgeBase(tiny_corpus, site / "index")
    assert kb.search("学时").total
    kb.close()
    segments = [p for p in (site / "index").rglob("*") if p.suffix == ".seg"]
    assert segments
    for path in segments:
        path.unlink()
    with pytest.raises(IndexDamaged) as caught:
        KnowledgeBase(tiny_corpus, site / "index").get_document("rule-a")
    assert isinstance(caught.value.cause, FileNotFoundError)
    origin = caught.value.cause.__traceback__
    while origin.tb_next is not None:
        origin = origin.tb_next
    assert origin.tb_frame.f_globals["__name__"].startswith("whoosh")


def test_a_bug_outside_the_index_is_not_called_damage(tiny_corpus, site, monkeypatch):
    """An error of our own code stays what it is: the site shows its error page and rebuilds nothing."""
    kb = KnowledgeBase(tiny_corpus, site / "index", instance_dir=site / "var")

    def broken(*args, **kwargs):
        raise KeyError("a bug, not the index")

    monkeypatch.setattr("indexer.kb.parse_query", broken)
    with pytest.raises(KeyError):
        kb.search("学时")
    app = create_app({"KB": kb, "INSTANCE_PATH": str(site / "var")})
    rebuilt = []
    monkeypatch.setattr(kb, "index", lambda **kw: rebuilt.append(kw))
    response = app.test_client().get("/search?q=学时")
    assert response.status_code == 500 and "Traceback" not in response.get_data(as_text=True)
    assert rebuilt == []


def test_the_site_repairs_on_the_type_alone(tiny_corpus, site, monkeypatch):
    """IndexDamaged from any reading method sends the site to repair and answer again."""
    kb = KnowledgeBase(tiny_corpus, site / "index", instance_dir=site / "var")
    app = create_app({"KB": kb, "INSTANCE_PATH": str(site / "var")})
    search, failures, repairs = kb.search, [IndexDamaged(site / "index")], []

    def once_damaged(*args, **kwargs):
        if failures:
            raise failures.pop()
        return search(*args, **kwargs)

    index = kb.index
    monkeypatch.setattr(kb, "search", once_damaged)
    monkeypatch.setattr(kb, "index", lambda **kw: repairs.append(kw) or index(**kw))
    response = app.test_client().get("/search?q=学时")
    assert response.status_code == 200 and "关于学习培训的规定" in response.get_data(as_text=True)
    assert repairs == [{"rebuild": False}]
