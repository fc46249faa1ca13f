"""Editing the word tables in /admin: rows, validation, preview, history, undo, live reload."""
from __future__ import annotations

import re

import pytest

from indexer import KnowledgeBase
from indexer.office.wordtables import TABLES, TableError, parse_table
from webapp import create_app
from webapp.office import get_office

from admin_helpers import flashes, form_fields, login, token
from conftest import write_doc

PASSWORD = "correct horse 9"
QUESTION = "下派干部多久报告一次？"


def make_corpus(root):
    write_doc(root, "documents/group/rule-a.md",
              {"id": "rule-a", "title": "关于驻村督导的规定", "level": "group", "date": "2005-03-01"},
              "督导员每月向乡镇党委报告一次工作。\n督导组应当吃住在村。\n")
    write_doc(root, "documents/group/rule-b.md",
              {"id": "rule-b", "title": "关于学习培训的通知", "level": "group", "date": "2005-04-01"},
              "学习培训的时间一般不少于40学时。\n")
    (root / "wording.yml").write_text("# 本单位的日常说法\n- everyday: [支书]\n  official: [党支部书记]\n\n"
                                      "# ── 第二部分 ──\n- everyday: [开会]\n  official: [召开会议]\n",
                                      encoding="utf-8")
    (root / "aliases.yml").write_text("# 简称表\n保先办: [先进性教育活动领导小组办公室]\n", encoding="utf-8")
    (root / "userdict.txt").write_text("# 词典\n督导员 20000 n\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "corpus"
    make_corpus(root)
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})
    with app.app_context():
        get_office().accounts.add("alice", "editor", PASSWORD)
        get_office().accounts.add("root", "admin", PASSWORD)
    return app


def signed_in(app, name="alice"):
    client = app.test_client()
    assert login(client, name, PASSWORD).status_code == 302
    return client


def add_row(client, table, **values):
    page = client.get(f"/admin/tables/{table}").get_data(as_text=True)
    fields = form_fields(page, f"/admin/tables/{table}/rows")
    fields.update(values)
    fields.setdefault("do", "save")
    return client.post(f"/admin/tables/{table}/rows", data=fields)


def test_adding_a_wording_row_answers_the_everyday_question_and_keeps_the_comments(site, tmp_path):
    kb = site.extensions["policykb"]
    assert kb.ask(QUESTION).answers == ()  # refused before the row exists
    client = signed_in(site)
    response = add_row(client, "wording", everyday="下派干部、驻村干部", official="督导员")
    assert response.status_code == 302
    text = (tmp_path / "corpus" / "wording.yml").read_text(encoding="utf-8")
    assert "# 本单位的日常说法" in text and "# ── 第二部分 ──" in text
    assert text.endswith("- everyday: [下派干部, 驻村干部]\n  official: [督导员]\n")
    answers = kb.ask(QUESTION).answers
    assert answers and answers[0].doc_id == "rule-a" and "督导员每月" in answers[0].text
    page = client.get("/search?q=" + QUESTION).get_data(as_text=True)
    assert "督导员每月向乡镇党委报告一次工作" in page


def test_invalid_rows_are_refused_with_a_sentence_naming_row_and_field(site, tmp_path):
    client = signed_in(site)
    before = (tmp_path / "corpus" / "wording.yml").read_bytes()
    response = add_row(client, "wording", everyday="支书", official="书记")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 3 项" in html and "日常说法“支书”已在第 1 项中出现" in html
    response = add_row(client, "wording", everyday="", official="督导员")
    assert response.status_code == 400 and "第 3 项：日常说法不能为空。" in response.get_data(as_text=True)
    response = add_row(client, "aliases", alias="保先办", full="保持共产党员先进性教育活动")
    assert response.status_code == 400 and "“保先办”已在第 1 项中出现" in response.get_data(as_text=True)
    response = add_row(client, "userdict", word="驻村干部", freq="很多")
    assert response.status_code == 400 and "词频应为正整数" in response.get_data(as_text=True)
    assert (tmp_path / "corpus" / "wording.yml").read_bytes() == before


def test_preview_shows_the_answer_before_and_after_without_saving(site, tmp_path):
    client = signed_in(site)
    before = (tmp_path / "corpus" / "wording.yml").read_bytes()
    response = add_row(client, "wording", everyday="下派干部", official="督导员", do="preview", sample=QUESTION)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    now, after = html.index("现在的回答"), html.index("保存后的回答")
    assert "未找到明确答案" in html[now:after] and "督导员每月向乡镇党委报告一次工作" in html[after:]
    assert (tmp_path / "corpus" / "wording.yml").read_bytes() == before


def test_history_audit_and_undo(site, tmp_path):
    kb = site.extensions["policykb"]
    client = signed_in(site)
    add_row(client, "wording", everyday="下派干部", official="督导员")
    assert kb.ask(QUESTION).answers
    history = client.get("/admin/tables/wording/history").get_data(as_text=True)
    assert "新增第 3 项“下派干部”" in history and "（系统外）" in history
    assert re.search(r'<tr class="diff-add">\s*<td class="no"></td><td class="old"></td>\s*'
                     r'<td class="no">\d+</td><td class="new"><mark>- everyday: \[下派干部\]</mark>', history)
    root = signed_in(site, "root")
    audit = root.get("/admin/audit").get_data(as_text=True)
    assert "修改对照表" in audit and "wording.yml" in audit and "新增第 3 项“下派干部”" in audit
    # undo: restore the version before the change
    response = client.post("/admin/tables/wording/history/1/restore",
                           data={"csrf_token": token(client, "/admin/tables/wording/history")})
    assert response.status_code == 302
    assert "下派干部" not in (tmp_path / "corpus" / "wording.yml").read_text(encoding="utf-8")
    assert kb.ask(QUESTION).answers == ()
    assert "恢复为第 1 版" in client.get("/admin/tables/wording/history").get_data(as_text=True)


def test_edit_and_delete_a_row(site, tmp_path):
    client = signed_in(site)
    page = client.get("/admin/tables/wording/rows/2").get_data(as_text=True)
    fields = form_fields(page, "/admin/tables/wording/rows/2")
    assert fields["everyday"] == "开会" and fields["official"] == "召开会议"
    fields.update(official="召开会议、会议", do="save")
    assert client.post("/admin/tables/wording/rows/2", data=fields).status_code == 302
    text = (tmp_path / "corpus" / "wording.yml").read_text(encoding="utf-8")
    assert "- everyday: [开会]\n  official: [召开会议, 会议]\n" in text
    page = client.get("/admin/tables/wording").get_data(as_text=True)
    fields = form_fields(page, "/admin/tables/wording/rows/1/delete")
    assert client.post("/admin/tables/wording/rows/1/delete", data=fields).status_code == 302
    text = (tmp_path / "corpus" / "wording.yml").read_text(encoding="utf-8")
    assert "支书" not in text and "# 本单位的日常说法" in text and "开会" in text


def test_a_stale_form_is_refused_instead_of_overwriting(site, tmp_path):
    client = signed_in(site)
    page = client.get("/admin/tables/wording").get_data(as_text=True)
    fields = form_fields(page, "/admin/tables/wording/rows")
    add_row(client, "wording", everyday="下派干部", official="督导员")
    fields.update(everyday="驻村干部", official="督导员", do="save")
    response = client.post("/admin/tables/wording/rows", data=fields, follow_redirects=True)
    assert "在您编辑期间已被他人修改" in " ".join(flashes(response.get_data(as_text=True)))
    assert "驻村干部" not in (tmp_path / "corpus" / "wording.yml").read_text(encoding="utf-8")


def test_a_new_dictionary_word_reaches_a_knowledge_base_that_loaded_the_old_one(tmp_path):
    """A worker forked before the change (here: a second KnowledgeBase) picks up the new words."""
    root = tmp_path / "corpus"
    make_corpus(root)
    write_doc(root, "documents/group/rule-c.md",
              {"id": "rule-c", "title": "关于村务公开的通知", "level": "group", "date": "2005-05-01"},
              "要推行阳光村务卡制度。\n")
    editor = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    editor.index()
    worker = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    worker.search("阳光")
    assert "阳光村务卡" not in worker.analyzer.terms("阳光村务卡制度")
    tables = editor.workspace_at(tmp_path / "var").tables
    version = tables.read("userdict")[2]
    tables.save_row("userdict", None, {"word": "阳光村务卡", "freq": "30000", "tag": "n"}, "alice", version)
    assert "阳光村务卡" in worker.analyzer.terms("阳光村务卡制度")
    assert [h.id for h in worker.search("阳光村务卡").hits] == ["rule-c"]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_of_the_sample_corpus_reads_row_by_row(name):
    from conftest import SAMPLE_CORPUS
    spec = TABLES[name]
    text = (SAMPLE_CORPUS / spec.file).read_text(encoding="utf-8")
    parsed = parse_table(spec, text)
    assert parsed.text() == text if text.endswith("\n") else text + "\n"
    assert len(parsed.rows) >= 3


def test_a_file_not_written_row_by_row_is_not_edited(tmp_path):
    spec = TABLES["aliases"]
    with pytest.raises(TableError, match="不是逐项书写的"):
        parse_table(spec, "{保先办: [先进性教育活动领导小组办公室], 先教办: [x]}\n")
