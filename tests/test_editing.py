"""Office edits: nothing is ever lost, no silent overwrite, nothing escapes corpus/."""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase
from indexer.office.workspace import DuplicateDocument, EditConflict, FieldError, UnsafePath

NEW = {"title": "关于补充督导任务的通知", "level": "省级", "doc_type": "通知", "issuer": "示例省委",
       "doc_no": "示例省发〔2005〕99号", "date": "2005-06-01"}
BODY = "# 关于补充督导任务的通知\n\n督导组要深入基层了解紫藤情况。\n"


@pytest.fixture
def kb(tiny_corpus, tmp_path) -> KnowledgeBase:
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    return kb


def test_created_document_is_a_valid_file_and_searchable_at_once(kb):
    result = kb.workspace.create_document(NEW, BODY, "alice")
    assert result.indexed and result.path == f"documents/provincial/{result.id}.md"
    assert kb.search("紫藤").hits[0].id == result.id
    doc = kb.get_document(result.id)
    assert doc.doc_no == "示例省发〔2005〕99号" and doc.level == "provincial"
    assert not [p for p in kb.check() if p.severity == "error"]
    assert not list(kb.corpus.root.rglob("history")), "history must live outside corpus/"


def test_edit_conflict_keeps_the_first_save_and_shows_both(kb):
    result = kb.workspace.create_document(NEW, BODY, "alice")
    first = kb.workspace.load(result.id)
    second = kb.workspace.load(result.id)
    kb.workspace.update_document(result.id, first.meta, first.body + "甲的补充。\n", "甲", first.version)
    with pytest.raises(EditConflict) as err:
        kb.workspace.update_document(result.id, second.meta, second.body + "乙的补充。\n", "乙", second.version)
    conflict = err.value
    assert "甲的补充" in conflict.current.body and "乙的补充" in conflict.yours_body
    assert conflict.current.saved_by == "甲" and "已被他人修改" in str(conflict)
    assert "-甲的补充。" in conflict.diff and "+乙的补充。" in conflict.diff
    assert "甲的补充" in kb.get_document(result.id).body and "乙的补充" not in kb.get_document(result.id).body


def test_history_diff_and_restore(kb):
    result = kb.workspace.create_document(NEW, BODY, "alice")
    loaded = kb.workspace.load(result.id)
    kb.workspace.update_document(result.id, dict(loaded.meta, title="关于补充督导任务的通知（修订）"),
                       loaded.body.replace("紫藤", "凌霄"), "bob", loaded.version)
    history = kb.workspace.history(result.id)
    assert [(h.version.number, h.version.author, h.version.action) for h in history] == [
        (2, "bob", "edit"), (1, "alice", "create")]
    assert history[0].current and "修改了标题" in history[0].version.summary
    assert "-督导组要深入基层了解紫藤情况。" in history[0].diff and "+督导组要深入基层了解凌霄情况。" in history[0].diff
    assert kb.search("紫藤").total == 0
    restored = kb.workspace.restore_version(result.id, 1, "carol")
    assert restored.number == 3 and kb.search("紫藤").hits[0].id == result.id
    assert kb.get_document(result.id).title == "关于补充督导任务的通知"
    assert kb.workspace.history(result.id)[0].version.summary == "恢复为第 1 版"


def test_first_edit_of_a_hand_written_file_keeps_the_original(kb):
    original = (kb.corpus.root / "a.md").read_text(encoding="utf-8")
    loaded = kb.workspace.load("rule-a")
    kb.workspace.update_document("rule-a", loaded.meta, loaded.body + "新增一条。\n", "alice", loaded.version)
    oldest = kb.workspace.history("rule-a")[-1]
    assert oldest.version.action == "baseline"
    assert kb.workspace.version_text("rule-a", oldest.version.number) == original


def test_trash_and_restore(kb):
    entry = kb.workspace.delete_document("rule-a", "alice")
    assert not (kb.corpus.root / "a.md").exists()
    assert kb.search("学时", level="group").total == 0
    assert [e.doc_id for e in kb.workspace.trash()] == ["rule-a"]
    result = kb.workspace.restore_from_trash(entry.entry_id, "bob")
    assert result.path == "a.md" and kb.search("学时", level="group").hits[0].id == "rule-a"
    assert kb.workspace.trash() == []
    assert [h.version.action for h in kb.workspace.history("rule-a")][:2] == ["untrash", "delete"]


def test_status_change_is_searchable_and_validated(kb):
    kb.workspace.set_status("rule-a", "已被替代", "alice", replaced_by="rule-b")
    hit = kb.search("学时", level="group").hits[0]
    assert hit.status == "已被替代" and hit.replaced_by == "rule-b"
    with pytest.raises(Exception) as err:
        kb.workspace.set_status("rule-a", "已被替代", "alice", replaced_by="no-such-doc")
    assert "no-such-doc" in str(err.value)


def test_duplicates_warn_before_saving(kb):
    preview = kb.workspace.preview(dict(NEW, doc_no="集团党发[2005]7号"), BODY)
    assert [d.id for d in preview.duplicates] == ["rule-a"] and preview.duplicates[0].reason == "文号相同"
    with pytest.raises(DuplicateDocument) as err:
        kb.workspace.create_document(dict(NEW, doc_no="集团党发（2005）7号"), BODY, "alice")
    assert "rule-a" in str(err.value)
    same_title = dict(NEW, doc_no="", title="关于学习培训的规定", date="2005-03-01")
    with pytest.raises(DuplicateDocument):
        kb.workspace.create_document(same_title, BODY, "alice")
    assert kb.workspace.create_document(same_title, BODY, "alice", force=True).indexed


@pytest.mark.parametrize("change,field,words", [
    ({"level": "火星"}, "level", "级别"),
    ({"date": "2005-02-30"}, "date", "日期"),
    ({"status": "作废"}, "status", "状态"),
    ({"title": "两行\n标题"}, "title", "标题"),
    ({"colour": "红"}, "colour", "不是可用的字段"),
    ({"id": "../../etc/passwd"}, "id", "编号"),
    ({"id": "a/b"}, "id", "编号"),
    ({"id": ".hidden"}, "id", "编号"),
])
def test_invalid_fields_are_named_in_chinese(kb, change, field, words):
    with pytest.raises(FieldError) as err:
        kb.workspace.create_document(dict(NEW, **change), BODY, "alice")
    assert err.value.field == field and words in str(err.value)
    assert len(kb.corpus.files()) == 3


def test_ids_and_paths_cannot_escape_the_corpus(kb, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (kb.corpus.root / "documents").mkdir()
    (kb.corpus.root / "documents" / "provincial").symlink_to(outside)
    with pytest.raises(UnsafePath):
        kb.workspace.create_document(dict(NEW, id="via-link"), BODY, "alice")
    assert list(outside.iterdir()) == []
    for relpath in ("../x.md", "/etc/x.md", "documents/../../x.md"):
        with pytest.raises(UnsafePath):
            kb.workspace._safe_path(relpath)
    with pytest.raises(FieldError):
        kb.workspace.load("../a")
    with pytest.raises(FieldError):
        kb.workspace.history("..")


def test_a_save_survives_an_index_that_fails_in_any_way(kb, monkeypatch):
    """The file is written first: a damaged index (any exception) leaves a notice, never an error."""
    result = kb.workspace.create_document(NEW, BODY, "alice")
    loaded = kb.workspace.load(result.id)

    def broken(*args, **kwargs):
        raise RuntimeError("zlib error -5 while reading a segment")
    monkeypatch.setattr(kb.store, "update", broken)
    monkeypatch.setattr(kb, "searcher", broken)
    saved = kb.workspace.update_document(result.id, loaded.meta, loaded.body + "补充一段。\n", "bob", loaded.version)
    assert not saved.indexed and "文档已保存" in saved.notice and "下次启动" in saved.notice
    assert "补充一段" in (kb.corpus.root / saved.path).read_text(encoding="utf-8")
    assert kb.workspace.history(result.id)[0].version.author == "bob"
    entry = kb.workspace.delete_document(result.id, "bob")
    assert not (kb.corpus.root / saved.path).exists() and entry.doc_id == result.id


def test_the_workspace_is_handed_collaborators_not_the_knowledge_base(kb, tmp_path):
    """kb.workspace builds the office from the corpus and index functions; a site with its own
    instance folder gets a workspace of its own there, whose saves reach the same index."""
    workspace = kb.workspace
    assert kb.workspace_at(tmp_path / "var") is workspace
    for part in (workspace, workspace.tables, workspace.links):
        assert not any(isinstance(value, KnowledgeBase) for value in vars(part).values())
    assert workspace.corpus is kb.corpus
    other = kb.workspace_at(tmp_path / "site-var")
    assert other is not workspace and other.instance_dir == tmp_path / "site-var"
    result = other.create_document(NEW, BODY, "alice")
    assert result.indexed and kb.search("紫藤").hits[0].id == result.id
    assert other.history(result.id)[0].version.author == "alice"
    assert (tmp_path / "site-var" / "history").is_dir() and not (tmp_path / "var" / "history").exists()
