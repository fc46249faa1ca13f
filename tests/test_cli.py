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


def test_index_verify_reads_every_file(tiny_corpus, tmp_path, monkeypatch):
    """Where file times cannot show a rewrite (simulated: fixed times), --verify still finds it."""
    from indexer.index import filestate
    from indexer.corpus import Corpus
    monkeypatch.setattr(filestate, "RACY_NS", 0)
    original = Corpus.scan

    class Frozen:
        def __init__(self, st):
            self.st_size, self.st_ino = st.st_size, st.st_ino
            self.st_mtime_ns = self.st_ctime_ns = 1_000_000_000

    monkeypatch.setattr(Corpus, "scan", lambda self: [(r, p, Frozen(s)) for r, p, s in original(self)])
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    run("index", *args)
    path = tiny_corpus / "c.md"
    path.write_bytes(path.read_bytes().replace("补课".encode(), "复查".encode()))
    assert "更新 0" in run("index", *args).output  # the signature looks unchanged
    result = run("index", *args, "--verify")
    assert result.exit_code == 0 and "更新 1" in result.output
    assert "id：case-c" in run("search", *args, "复查").output


def test_search_page_past_the_end_is_a_chinese_error_not_hit_number_295(tiny_corpus, tmp_path):
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    result = CliRunner().invoke(cli, ["search", *args, "学时", "--page", "99"])
    assert result.exit_code != 0 and "第 99 页不存在" in result.output
    assert "Traceback" not in result.output and "981." not in result.output


def test_search_for_a_lone_symbol_says_there_is_no_word(tiny_corpus, tmp_path):
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    result = CliRunner().invoke(cli, ["search", *args, "*"])
    assert result.exit_code != 0 and "没有可以检索的字词" in result.output
    assert "共 3 篇" not in result.output
