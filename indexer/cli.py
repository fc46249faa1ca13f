"""Command-line interface for the knowledge base (commands that do not need the web site)."""
from __future__ import annotations

import json
import re
import sys
from html import unescape

import click

from .errors import PolicyKBError
from .kb import KnowledgeBase


class CLIError(click.ClickException):
    """A failure shown to the user as one Chinese sentence."""

    def format_message(self) -> str:
        return self.message

    def show(self, file=None):
        click.echo(f"错误：{self.format_message()}", err=True)


def kb_options(func):
    """Add the shared --corpus/--index options."""
    func = click.option("--index", "index_dir", envvar="POLICYKB_INDEX", default="var/index",
                        show_default=True, help="索引目录（可随时删除后重建）。")(func)
    func = click.option("--corpus", "corpus_dir", envvar="POLICYKB_CORPUS", default="corpus",
                        show_default=True, help="语料目录（文档的唯一来源）。")(func)
    return func


def open_kb(corpus_dir: str, index_dir: str) -> KnowledgeBase:
    return KnowledgeBase(corpus_dir, index_dir)


def mark_for_terminal(snippet_html: str) -> str:
    """Turn an HTML snippet into terminal text: bold on a terminal, 【】 when piped."""
    if sys.stdout.isatty():
        text = snippet_html.replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m")
    else:
        text = snippet_html.replace("<mark>", "【").replace("</mark>", "】")
    return unescape(re.sub(r"<[^>]+>", "", text) if "<" in text.replace("\x1b", "") else text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """policykb：督导工作政策知识库与问答检索。"""


def run_index(kb: KnowledgeBase, rebuild: bool, quiet: bool = False):
    """Index with a progress bar on long runs and return the report."""
    state = {"bar": None}

    def on_start(total):
        if total > 50 and not quiet:
            state["bar"] = click.progressbar(length=total, label="编入索引", file=sys.stderr)
            state["bar"].__enter__()

    def progress(_doc):
        if state["bar"] is not None:
            state["bar"].update(1)

    try:
        return kb.index(rebuild=rebuild, progress=progress, on_start=on_start)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


@cli.command("index")
@kb_options
@click.option("--rebuild", is_flag=True, help="完整重建（在新目录中构建后原子替换）。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条。")
def index_command(corpus_dir, index_dir, rebuild, quiet):
    """更新索引：只处理变化的文件；--rebuild 完整重建。"""
    kb = open_kb(corpus_dir, index_dir)
    try:
        report = run_index(kb, rebuild, quiet)
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
@click.option("--level", multiple=True, help="级别：中央/省级/市级/集团/典型案例（可多次指定）。")
@click.option("--type", "doc_type", multiple=True, help="文种，如 意见、通知、典型案例。")
@click.option("--issuer", multiple=True, help="发文机关。")
@click.option("--year", help="年份或范围，如 2005 或 2005-2006。")
@click.option("--status", multiple=True, help="状态：现行有效/已废止/已被替代。")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", help="排序。")
@click.option("--page", default=1, show_default=True, help="页码。")
@click.option("--limit", default=10, show_default=True, help="每页条数。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def search_command(corpus_dir, index_dir, query, level, doc_type, issuer, year, status, sort, page,
                   limit, as_json):
    """检索文档。不带 QUERY 时进入交互模式。"""
    kb = open_kb(corpus_dir, index_dir)
    options = dict(level=list(level), doc_type=list(doc_type), issuer=list(issuer), year=year,
                   status=list(status), sort=sort, page=page, per_page=limit)
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
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
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
        click.echo(f"   {mark_for_terminal(hit.snippet)}")
        click.echo(f"   id：{hit.id}" + (f"#{hit.passage}" if hit.passage else ""))
    if not result.hits:
        click.echo("没有找到结果。可以试试：减少检索词、换用全称或简称、去掉筛选条件。")


def interactive(kb: KnowledgeBase, options: dict) -> None:
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


@cli.command("import")
@kb_options
@click.option("--instance", "instance_dir", envvar="POLICYKB_INSTANCE", default="var", show_default=True,
              help="实例目录（历史版本、回收站、账号、审计日志）。")
@click.argument("paths", nargs=-1, required=True)
@click.option("--level", required=True, help="级别：中央/省级/市级/集团/典型案例（或 central 等）。")
@click.option("--type", "doc_type", default="", help="文种（不填则从标题推测）。")
@click.option("--issuer", default="", help="发文机关（不填则从正文推测）。")
@click.option("--author", default="import", show_default=True, help="记入历史版本的操作人。")
@click.option("--allow-duplicates", is_flag=True, help="文号或“标题+日期”与已有文档相同时仍然导入。")
@click.option("--max-mb", default=20, show_default=True, help="单个文件大小上限（MB）。")
@click.option("--dry-run", is_flag=True, help="只检查和转换，不写入任何文件。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：imported / skipped / failed。")
def import_command(corpus_dir, index_dir, instance_dir, paths, level, doc_type, issuer, author,
                   allow_duplicates, max_mb, dry_run, as_json):
    """导入 .docx/.pdf/.txt/.md 文件或整个文件夹；重复运行不会重复导入。"""
    from .bulk_import import import_paths
    from .importers import ImportLimits

    kb = KnowledgeBase(corpus_dir, index_dir, instance_dir=instance_dir)
    state = {"bar": None}

    def on_start(total):
        if not as_json and total > 1:
            state["bar"] = click.progressbar(length=total, label="导入", file=sys.stderr)
            state["bar"].__enter__()

    def progress(_path):
        if state["bar"] is not None:
            state["bar"].update(1)

    try:
        summary = import_paths(kb, list(paths), level=level, doc_type=doc_type, issuer=issuer,
                               author=author, dry_run=dry_run, allow_duplicates=allow_duplicates,
                               limits=ImportLimits(max_bytes=max_mb * 1024 * 1024),
                               on_start=on_start, progress=progress)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        for item in summary.skipped:
            click.echo(f"跳过 {item['path']}：{item['reason']}")
        for item in summary.failed:
            click.echo(f"失败 {item['path']}：{item['reason']}", err=True)
        verb = "可导入（演练，未写入）" if dry_run else "已导入"
        click.echo(f"{verb} {len(summary.imported)} 个，跳过 {len(summary.skipped)} 个，失败 {len(summary.failed)} 个。")
    if summary.failed:
        sys.exit(1)
