"""``policykb import``: folders of mixed files, a re-run that changes nothing, --json and exit codes."""
from __future__ import annotations

import json

from click.testing import CliRunner

from indexer import KnowledgeBase
from webapp.cli import cli

from office_files import make_docx


def invoke(*args):
    return CliRunner().invoke(cli, ["import", *args])


def make_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "意见.docx").write_bytes(make_docx())
    (inbox / "sub" / "通知.txt").write_bytes("关于做好整改工作的通知\n各支部要认真整改。\n示例市委\n2005年8月1日\n".encode("gbk"))
    (inbox / "sub" / "某某法(2009-02-28).md").write_text("# 某某法\n\n第一条 为了规范督导工作，制定本法。\n", encoding="utf-8")
    return inbox


def test_import_folder_json_then_rerun_is_a_noop(tiny_corpus, tmp_path):
    inbox = make_inbox(tmp_path)
    (inbox / "图片.png").write_bytes(b"\x89PNG\r\n")
    opts = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var")]
    result = invoke(str(inbox), "--level", "市级", "--json", *opts)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["imported"]) == 3 and data["failed"] == []
    assert data["skipped"] == [{"path": str(inbox / "图片.png"), "reason": "不支持的文件类型（.png）"}]
    kb = KnowledgeBase(tiny_corpus, tmp_path / "idx")
    assert kb.search("认真整改").hits[0].id in data["imported"]
    assert {kb.get_document(i).level for i in data["imported"]} == {"municipal"}
    files_before = sorted(p.name for p in tiny_corpus.rglob("*.md"))

    again = json.loads(invoke(str(inbox), "--level", "市级", "--json", *opts).output)
    assert again["imported"] == [] and len(again["skipped"]) == 4
    assert all("已导入过" in s["reason"] for s in again["skipped"] if not s["path"].endswith(".png"))
    assert sorted(p.name for p in tiny_corpus.rglob("*.md")) == files_before


def test_failures_are_listed_and_exit_nonzero(tiny_corpus, tmp_path):
    inbox = tmp_path / "bad"
    inbox.mkdir()
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (inbox / "ok.txt").write_text("关于某事的通知\n内容一行。\n", encoding="utf-8")
    opts = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var")]
    result = invoke(str(inbox), "--level", "group", "--type", "通知", "--json", *opts)
    assert result.exit_code == 1
    data = json.loads(result.output)
    reasons = {f["path"].rsplit("/", 1)[-1]: f["reason"] for f in data["failed"]}
    assert "0 字节" in reasons["empty.txt"] and ".docx" in reasons["old.doc"]
    assert len(data["imported"]) == 1
    text = invoke(str(inbox), "--level", "group", *opts)
    assert text.exit_code == 1 and "失败" in text.output and "Traceback" not in text.output


def test_dry_run_writes_nothing(tiny_corpus, tmp_path):
    inbox = make_inbox(tmp_path)
    before = sorted(p.name for p in tiny_corpus.rglob("*"))
    result = invoke(str(inbox), "--level", "省级", "--dry-run", "--corpus", str(tiny_corpus),
                    "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var"))
    assert result.exit_code == 0 and "演练" in result.output and "3 个" in result.output
    assert sorted(p.name for p in tiny_corpus.rglob("*")) == before
    assert not (tmp_path / "var" / "history").exists()


def test_bad_level_is_a_chinese_sentence(tiny_corpus, tmp_path):
    result = invoke(str(tmp_path), "--level", "火星", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"))
    assert result.exit_code == 1 and "级别" in result.output and "Traceback" not in result.output


def test_a_missing_path_is_an_error_and_nothing_is_imported(tiny_corpus, tmp_path):
    inbox = make_inbox(tmp_path)
    result = invoke(str(inbox), str(tmp_path / "没有这个文件.docx"), "--level", "省级", "--corpus", str(tiny_corpus),
                    "--index", str(tmp_path / "i"), "--instance", str(tmp_path / "var"))
    assert result.exit_code == 1, result.output
    assert "找不到要导入的文件或文件夹" in result.output and "没有这个文件.docx" in result.output
    assert "Traceback" not in result.output
    assert not (tiny_corpus / "documents").exists()


def _tree(root):
    return sorted((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*"))


def test_dry_run_lists_the_fields_guessed_for_each_file(tiny_corpus, tmp_path):
    inbox = make_inbox(tmp_path)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "图片.png").write_bytes(b"\x89PNG\r\n")
    before = _tree(tiny_corpus)
    opts = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var")]
    result = invoke(str(inbox), "--level", "市级", "--dry-run", *opts)
    assert result.exit_code == 1, result.output  # empty.txt would fail
    text = result.output
    blocks, current = {}, None
    for line in text.splitlines()[:-1]:
        if line[:1].isdigit():
            current = line.split(". ", 1)[1]
            blocks[current] = ""
        elif current:
            blocks[current] += line + "\n"
    notice = blocks[str(inbox / "sub" / "通知.txt")]
    assert "标题：关于做好整改工作的通知" in notice and "层级：市级" in notice and "文种：通知" in notice
    assert "日期：2005-08-01" in notice and "文号：未识别" in notice and "可导入（文档 shi-2005-" in notice
    law = blocks[str(inbox / "sub" / "某某法(2009-02-28).md")]
    assert "标题：某某法" in law and "日期：2009-02-28" in law
    empty = blocks[str(inbox / "empty.txt")]
    assert "标题：未识别" in empty and "会失败：" in empty and "0 字节" in empty
    assert "跳过：不支持的文件类型（.png）" in blocks[str(inbox / "图片.png")]
    assert text.rstrip().splitlines()[-1] == "可导入（演练，未写入）3 个，跳过 1 个，失败 1 个。"
    assert _tree(tiny_corpus) == before and not (tmp_path / "var" / "history").exists()

    data = json.loads(invoke(str(inbox), "--level", "市级", "--dry-run", "--json", *opts).output)
    by_path = {entry["path"]: entry for entry in data["files"]}
    assert by_path[str(inbox / "sub" / "通知.txt")]["title"] == "关于做好整改工作的通知"
    assert by_path[str(inbox / "sub" / "通知.txt")]["doc_no"] == ""
    assert by_path[str(inbox / "empty.txt")]["outcome"] == "fail"
    assert _tree(tiny_corpus) == before
