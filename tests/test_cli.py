"""The policykb command line as an office user runs it."""
from __future__ import annotations

import json

from click.testing import CliRunner

from webapp.cli import cli

from conftest import write_doc


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_index_then_search_json(tiny_corpus, tmp_path):
    env = {"POLICYKB_CORPUS": str(tiny_corpus), "POLICYKB_INDEX": str(tmp_path / "idx")}
    result = run("index", env=env)
    assert result.exit_code == 0
    assert "3 个文件" in result.output and "段落" in result.output and "秒" in result.output
    result = run("search", "第32条", "--json", env=env)
    data = json.loads(result.output)
    assert set(data) >= {"query", "total", "took_ms", "notice", "facets", "hits"}
    hit = data["hits"][0]
    assert hit["id"] == "rule-a" and hit["passage"] == "art32"
    assert set(hit) >= {"id", "title", "level", "doc_type", "issuer", "doc_no", "date", "status",
                        "score", "snippet", "passage"}


def test_search_text_output_and_filters(tiny_corpus, tmp_path):
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    result = run("search", *args, "学时", "--level", "集团", "--limit", "5")
    assert result.exit_code == 0
    assert "关于学习培训的规定" in result.output and "最高人民法院" not in result.output
    assert "【学时】" in result.output


def test_search_bad_option_is_a_chinese_sentence(tiny_corpus, tmp_path):
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    result = CliRunner().invoke(cli, ["search", *args, "学时", "--level", "火星"])
    assert result.exit_code == 1 and "未知的级别" in result.output
    assert "Traceback" not in result.output


def test_check_exits_1_and_names_file_and_field(tiny_corpus):
    write_doc(tiny_corpus, "bad.md", {"id": "bad", "title": "坏", "level": "group", "date": "2005-02-30"}, "x\n")
    result = CliRunner().invoke(cli, ["check", "--corpus", str(tiny_corpus)])
    assert result.exit_code == 1
    assert "bad.md" in result.output and "date" in result.output


def test_check_passes_on_the_sample_corpus():
    result = CliRunner().invoke(cli, ["check", "--quiet"])
    assert result.exit_code == 0, result.output


def test_unexpected_error_is_a_sentence_not_a_traceback(tmp_path, monkeypatch, capsys):
    import pytest

    from indexer.kb import KnowledgeBase
    from webapp import cli as webcli

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(KnowledgeBase, "index", broken)
    monkeypatch.setattr("sys.argv", ["policykb", "index", "--index", str(tmp_path / "idx")])
    monkeypatch.delenv("POLICYKB_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        webcli.main()
    err = capsys.readouterr().err
    assert info.value.code == 2 and "意外的内部错误" in err and "disk on fire" in err
    assert "Traceback" not in err
