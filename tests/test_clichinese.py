"""click's own text in Chinese: help pages, usage lines and every class of usage error."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webapp.cli import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), prog_name="policykb", input=input)


def click_vocabulary() -> set[str]:
    """Every English word (4+ letters) in the messages click marks for translation."""
    words = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for match in re.finditer(r'(?:\b_|ngettext)\(\s*((?:"[^"]*"\s*)+)', source.read_text(encoding="utf-8")):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", match.group(1)))
    return words


CLICK_WORDS = click_vocabulary()


def english_left(output: str) -> set[str]:
    """Return click's English words in *output*, leaving out what the user typed or the code named.

    Option spellings, the quoted value, metavars (QUERY), the offered choices and command names are
    ours or the user's, not click's sentences.
    """
    text = re.sub(r"“[^”]*”", " ", output)
    text = re.sub(r"(可选|可用的命令|您要找的是不是)[：:]?[^。？]*[。？]", " ", text)
    text = re.sub(r"(?<![\w])-{1,2}[\w-]+", " ", text)
    text = re.sub(r"\b[A-Z_]{2,}\b", " ", text)
    text = re.sub(r"\bpolicykb( [a-z]+)*", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() in CLICK_WORDS}


def test_the_vocabulary_catches_clicks_own_english():
    assert {"usage", "error", "missing", "invalid", "such", "option"} <= CLICK_WORDS
    assert english_left("Error: No such option: --bogus") == {"Error", "such", "option"}


# (arguments, what the sentence must say) — one row per class of click error.
USAGE_ERRORS = [
    (["--bogus"], ["用法：policykb [选项] 命令 [参数]...", "错误：没有这个选项：--bogus。可用 policykb --help 查看用法。"]),
    (["search", "x", "--frobnicate"], ["用法：policykb search [选项] [QUERY]...",
                                       "错误：没有这个选项：--frobnicate。可用 policykb search --help 查看用法。"]),
    (["search", "--jsn", "x"], ["没有这个选项：--jsn。您要找的是不是 --json？"]),
    (["--corpus", "x", "search"], ["没有这个选项：--corpus。", "请写在命令名之后"]),
    (["nosuchcommand"], ["没有这个命令：nosuchcommand。", "可用的命令：ask、check、eval、import、index、search"]),
    (["serch", "x"], ["没有这个命令：serch。您要找的是不是 search"]),
    (["search", "x", "--page", "abc"], ["--page 的取值“abc”不是整数。"]),
    (["search", "x", "--sort", "foo"], ["--sort 的取值“foo”不在可选范围内，可选：relevance、date。"]),
    (["search", "--level"], ["选项 --level 后面需要一个取值（级别："]),
    (["search", "x", "--json=yes"], ["选项 --json 是开关，不需要取值。"]),
    (["import", "--level", "市级"], ["用法：policykb import [选项] PATHS...", "缺少参数 PATHS。"]),
    (["import", "a.docx"], ["缺少选项 --level（级别：中央/省级/市级/集团/典型案例"]),
    (["ask"], ["缺少参数 QUESTION。"]),
    (["check", "extra", "words"], ["多余的参数：“extra words”。"]),
    (["serve", "--port", "99999"], ["--port 的取值“99999”超出范围，应在 0 到 65535 之间。"]),
    (["serve", "--workers", "0"], ["--workers 的取值“0”超出范围，应在 1 到 32 之间。"]),
    (["eval", "qa.jsonl", "--show-misses", "-3"], ["--show-misses 的取值“-3”超出范围，应不小于 0。"]),
    (["eval", "qa.jsonl", "--predictions", "."], ["--predictions 的取值“.”不可用：这是一个文件夹，需要的是文件。"]),
    (["eval", "qa.jsonl", "--split", "train"], ["--split 的取值“train”不在可选范围内，可选：dev、test。"]),
    (["user", "add"], ["用法：policykb user add [选项] NAME", "缺少参数 NAME。"]),
    (["user", "add", "x", "--role", "god"], ["--role 的取值“god”不在可选范围内，可选：editor、admin。"]),
    (["user", "nosuch"], ["没有这个命令：nosuch。可用的命令：add、list、passwd。"]),
]


@pytest.mark.parametrize("args, expected", USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_every_usage_error_is_a_chinese_sentence_with_exit_code_2(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    for fragment in expected:
        assert fragment in result.output
    assert english_left(result.output) == set(), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, headings", [
    (["--help"], ["用法：policykb [选项] 命令 [参数]...", "选项：", "命令：", "-h, --help  显示此帮助并退出。",
                  "search  检索文档。"]),
    (["search", "--help"], ["用法：policykb search [选项] [QUERY]...", "选项：", "--page 整数",
                            "--corpus 文本", "［默认：1］", "--sort [relevance|date]", "显示此帮助并退出。"]),
    (["serve", "--help"], ["［默认：8000；取值在 0 到 65535 之间］"]),
    (["import", "--help"], ["--encoding 编码", "--level 文本"]),
    (["user"], ["用法：policykb user [选项] 命令 [参数]...", "命令：", "add "]),
])
def test_help_pages_are_chinese(args, headings):
    result = run(*args)
    assert result.exit_code in (0, 2), result.output  # a bare group shows its help, as click does
    for heading in headings:
        assert heading in result.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[default:", "required]",
                    " TEXT", " INTEGER", " PATH\n", " PATH ", "[OPTIONS]", "COMMAND [ARGS]"):
        assert english not in result.output


def test_help_columns_line_up_with_chinese_metavars():
    """The help column starts at one screen column on every row, though 文本 is wider than TEXT."""
    from indexer.clichinese import display_width
    starts = set()
    for line in run("search", "--help").output.splitlines():
        match = re.match(r"  (-\S.*?\S)  +(\S)", line)
        if match:
            starts.add(display_width(line[:match.start(2)]))
    assert len(starts) == 1, starts


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, click.Abort])
def test_ctrl_c_in_a_prompt_is_chinese(interruption, monkeypatch, tmp_path):
    def interrupted():
        raise interruption()

    monkeypatch.setattr("webapp.cli.read_password", interrupted)
    result = run("user", "add", "someone", "--instance", str(tmp_path / "var"))
    assert result.exit_code == 1
    assert "已中止。" in result.output and "Aborted" not in result.output


def test_valid_commands_still_run(tiny_corpus, tmp_path):
    result = run("search", "学时", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx"), "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "共 " in result.output
