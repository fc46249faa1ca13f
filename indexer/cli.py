"""Command-line interface for the knowledge base (commands that do not need the web site).

The group and the reading commands live here; ``import`` is in :mod:`indexer.cli_import`, ``eval``
in :mod:`indexer.cli_eval`, and what they share (options, progress bar, errors) in
:mod:`indexer.cli_common`.
"""
from __future__ import annotations

import os
import sys

import click

from .cli_common import (CLIError, ProgressBar, echo_json, facet_options, for_terminal, kb_options, lock_timeout, open_kb,
                         run_index, setting_option)
from .cli_eval import eval_command
from .cli_import import import_command
from .clichinese import ChineseGroup
from .errors import PolicyKBError
from .review import format_text, read_plan_bytes

__all__ = ["cli", "CLIError", "ProgressBar", "facet_options", "for_terminal", "kb_options", "lock_timeout",
           "open_kb", "run_index", "setting_option"]


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """policykb：督导工作政策知识库与问答检索。"""


@cli.command("index")
@kb_options
@click.option("--rebuild", is_flag=True, help="完整重建（在新目录中构建后原子替换）。")
@click.option("--verify", is_flag=True,
              help="逐个读取并核对全部文件的内容，不凭文件大小和修改时间判断是否变化。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条。")
def index_command(corpus_dir, index_dir, rebuild, verify, quiet):
    """更新索引：只处理变化的文件；--rebuild 完整重建。"""
    kb = open_kb(corpus_dir, index_dir)
    try:
        report = run_index(kb, rebuild, quiet, verify=verify, recover=True)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    errors = [p for p in report.problems if p.severity == "error"]
    for problem in errors:
        click.echo(str(problem), err=True)
    warnings = len(report.problems) - len(errors)
    mode = "完整重建" if report.rebuilt else "增量更新"
    click.echo(f"{mode}完成：{report.files} 个文件，新增 {report.added}、更新 {report.updated}、"
               f"删除 {report.removed}、未变 {report.unchanged}；{report.passages} 个段落；"
               f"用时 {report.seconds:.1f} 秒。" + (f"{len(errors)} 个文件有错误未编入（见上）。" if errors else "")
               + (f"另有 {warnings} 条警告，运行 policykb check 查看。" if warnings else ""))


@cli.command("search")
@kb_options
@click.argument("query", nargs=-1)
@facet_options
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", help="排序。")
@click.option("--page", default=1, show_default=True, help="页码。")
@click.option("--limit", default=10, show_default=True, help="每页条数。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def search_command(corpus_dir, index_dir, query, sort, page, limit, as_json, **filters):
    """检索文档。不带 QUERY 时进入交互模式。"""
    kb = open_kb(corpus_dir, index_dir)
    options = dict({name: list(v) if isinstance(v, tuple) else v for name, v in filters.items()},
                   sort=sort, page=page, per_page=limit)
    try:
        if not kb.store.is_usable():
            click.echo("正在建立索引……", err=True)
            run_index(kb, rebuild=False)
        if not query:
            return interactive(kb, options)
        result = kb.search(" ".join(query), **options)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    if as_json:
        echo_json(result)
    else:
        print_page(result)


def print_page(result) -> None:
    if result.notice:
        click.secho(result.notice, fg="yellow")
    click.echo(f"共 {result.total} 篇（第 {result.page}/{result.pages} 页，用时 {result.took_ms:.0f} 毫秒）")
    for n, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        click.echo()
        click.secho(f"{n}. [{hit.level_label}] {hit.title}", bold=True)
        meta = " · ".join(x for x in (hit.issuer, hit.doc_no, hit.date, hit.status) if x)
        if hit.status != "现行有效":
            meta += "  ⚠ 该文件" + hit.status
        click.echo(f"   {meta}")
        if hit.section:
            click.echo(f"   位置：{hit.section}")
        click.echo(f"   {for_terminal(hit.marked)}")
        click.echo(f"   id：{hit.id}" + (f"#{hit.passage}" if hit.passage else ""))
    if not result.hits:
        click.echo("没有找到结果。可以试试：减少检索词、换用全称或简称、去掉筛选条件。")


def interactive(kb, options: dict) -> None:
    click.echo("输入检索词后回车；空行或 Ctrl+D 退出。")
    while True:
        try:
            line = input("检索> ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if not line:
            return
        try:
            print_page(kb.search(line, **options))
        except PolicyKBError as exc:
            click.echo(f"错误：{exc}", err=True)


@cli.command("check")
@kb_options
@click.option("--quiet", "-q", is_flag=True, help="只显示错误，不显示警告。")
def check_command(corpus_dir, index_dir, quiet):
    """校验语料：有错误时以状态 1 退出，并列出“文件：字段：原因”。"""
    kb = open_kb(corpus_dir, index_dir)
    try:
        problems = kb.check()
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem), err=problem.severity == "error")
    count = len(kb.corpus.files())
    click.echo(f"检查了 {count} 个文件：{len(errors)} 个错误，{len(problems) - len(errors)} 条警告。")
    if errors:
        sys.exit(1)


@cli.command("review")
@kb_options
@click.argument("plan_file", metavar="FILE")
@click.option("--checklist", "checklist_id", required=True, metavar="ID",
              help="检查清单的 id：corpus/checklists/ 中的文件名（不含 .yml），如 shishi-fangan。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（status 为 符合/不符/未见）。")
def review_command(corpus_dir, index_dir, plan_file, checklist_id, as_json):
    """对照检查清单逐项检查方案（.docx/.pdf/.txt/.md）；有“不符”或“未见”的项时以状态 1 退出。"""
    kb = open_kb(corpus_dir, index_dir)
    try:
        kb.checklist(checklist_id)  # an unknown or broken checklist is refused before any work
        data = read_plan_bytes(plan_file)
        if not kb.store.is_usable():
            click.echo("正在建立索引……", err=True)
            run_index(kb, rebuild=False)
        report = kb.review(data, checklist_id, filename=os.path.basename(plan_file))
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    if as_json:
        echo_json(report)
    else:
        click.echo(format_text(report, ("\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else ("【", "】")))
    if not report.passed:
        sys.exit(1)


@cli.command("ask")
@kb_options
@click.argument("question", nargs=-1, required=True)
@click.option("--level", multiple=True, help="只在该级别中回答：中央/省级/市级/集团/典型案例（可多次指定）。")
@click.option("--limit", default=3, show_default=True, help="最多给出几条答案（1–10）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def ask_command(corpus_dir, index_dir, question, level, limit, as_json):
    """回答问题：给出原文答案句及出处（文件、级别、发文机关、文号、日期、条款）。"""
    kb = open_kb(corpus_dir, index_dir)
    try:
        if not kb.store.is_usable():
            click.echo("正在建立索引……", err=True)
            run_index(kb, rebuild=False)
        result = kb.ask(" ".join(question), level=list(level) or None, limit=limit)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    if as_json:
        echo_json(result)
        return
    print_answers(result)


def print_answers(result) -> None:
    if not result.answers:
        click.secho("未找到明确答案。以下是相关度最高的检索结果：", fg="yellow")
        if result.fallback_hits:
            for n, hit in enumerate(result.fallback_hits, 1):
                click.echo(f"{n}. [{hit.level_label}] {hit.title}" + (f" · {hit.section}" if hit.section else ""))
                click.echo(f"   {for_terminal(hit.marked)}")
        else:
            click.echo("没有相关文档。可以换个说法，或使用 policykb search 检索关键词。")
        return
    for n, answer in enumerate(result.answers, 1):
        click.echo()
        click.secho(f"{n}. {for_terminal(answer.marked)}", bold=n == 1)
        meta = " · ".join(x for x in (f"[{answer.level_label}] {answer.title}", answer.issuer, answer.doc_no,
                                       answer.date) if x)
        click.echo(f"   出处：{meta}")
        if answer.section:
            click.echo(f"   位置：{answer.section}")
        if answer.warning:
            click.secho(f"   ⚠ {answer.warning}", fg="red")
        click.echo(f"   id：{answer.doc_id}" + (f"#{answer.anchor}" if answer.anchor else ""))


cli.add_command(import_command)
cli.add_command(eval_command)
