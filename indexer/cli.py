"""Command-line interface for the knowledge base (commands that do not need the web site)."""
from __future__ import annotations

import json
import os
import sys
import unicodedata

import click

from .clichinese import ChineseGroup
from .errors import PolicyKBError
from .kb import KnowledgeBase
from .models import FACETS, LEVELS
from .review import format_text, read_plan_bytes
from .search import PLAIN, TERMINAL
from .settings import SETTING_BY_NAME, setting



class CLIError(click.ClickException):
    """A failure shown to the user as one Chinese sentence."""

    def format_message(self) -> str:
        return self.message

    def show(self, file=None):
        click.echo(f"错误：{self.format_message()}", err=True)


def kb_options(func):
    """Add the shared --corpus/--index options."""
    for option, name, key in (("--index", "index_dir", "INDEX_DIR"), ("--corpus", "corpus_dir", "CORPUS_DIR")):
        func = setting_option(option, name, SETTING_BY_NAME[key])(func)
    return func


def setting_option(option: str, name: str, setting, help: str = ""):
    """Return a click option that reads *setting*'s environment variable and default (indexer.settings)."""
    return click.option(option, name, envvar=setting.env, default=setting.default, show_default=True,
                        help=(help or setting.help) + "。")


def facet_options(func):
    """Add one option per facet (``models.FACETS``): ``--level``, ``--type``, ``--tag``…"""
    for facet in reversed(FACETS):
        if facet.range_field:
            func = click.option(f"--{facet.param}", facet.name, help=f"{facet.label}：{facet.hint}。")(func)
        else:
            hint = f"{facet.label}：{facet.hint}" if facet.hint else facet.label
            func = click.option(f"--{facet.param}", facet.name, multiple=True, help=f"{hint}（可多次指定）。")(func)
    return func


def open_kb(corpus_dir: str, index_dir: str) -> KnowledgeBase:
    return KnowledgeBase(corpus_dir, index_dir)


def for_terminal(marked) -> str:
    """Write a snippet or an answer (a ``Marked``) with its marks bold on a terminal, 【】 when piped."""
    return marked.format(TERMINAL if sys.stdout.isatty() else PLAIN)


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """policykb：督导工作政策知识库与问答检索。"""


class ProgressBar:
    """A progress bar on standard error that appears once the job is known to be long.

    Pass ``on_start`` and ``progress`` to a long-running call inside ``with ProgressBar(...)``.
    """

    def __init__(self, label: str, enabled: bool = True, minimum: int = 50):
        self.label, self.enabled, self.minimum = label, enabled, minimum
        self.bar = None

    def on_start(self, total: int) -> None:
        if self.enabled and total > self.minimum:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def progress(self, _item=None) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        return False


def lock_timeout() -> float:
    """Return how long a command waits for another process's index lock (the setting ``LOCK_TIMEOUT``)."""
    return setting("LOCK_TIMEOUT")


def run_index(kb: KnowledgeBase, rebuild: bool, quiet: bool = False, verify: bool = False,
              recover: bool | str = False):
    """Index with a progress bar on long runs and return the report.

    While another process holds the index's write lock, say so once and wait at most
    :func:`lock_timeout` seconds (then :class:`~indexer.errors.IndexBusy` names the holder).

    :param recover: first clean up after killed processes (``"workspace"``: history and trash too).
    """
    store = kb.store
    store.lock_timeout = timeout = lock_timeout()
    store.on_wait = lambda who: click.echo(
        f"索引正在被{who}更新，正在等待它结束（最多等待 {timeout:.0f} 秒）……", err=True)
    if recover:
        for message in kb.recover(workspace=recover == "workspace"):
            click.echo(f"已修复：{message}", err=True)
    with ProgressBar("编入索引", enabled=not quiet) as bar:
        return kb.index(rebuild=rebuild, progress=bar.progress, on_start=bar.on_start, verify=verify)


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
        click.echo(f"   {for_terminal(hit.marked)}")
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
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(report, ("\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else ("【", "】")))
    if not report.passed:
        sys.exit(1)


@cli.command("import")
@kb_options
@setting_option("--instance", "instance_dir", SETTING_BY_NAME["INSTANCE_DIR"], "实例目录（历史版本、回收站、账号、审计日志）")
@click.argument("paths", nargs=-1, required=True)
@click.option("--level", required=True, help="级别：中央/省级/市级/集团/典型案例（或 central 等）。")
@click.option("--type", "doc_type", default="", help="文种（不填则从标题推测）。")
@click.option("--issuer", default="", help="发文机关（不填则从正文推测）。")
@click.option("--author", default="import", show_default=True, help="记入历史版本的操作人。")
@click.option("--allow-duplicates", is_flag=True, help="文号或“标题+日期”与已有文档相同时仍然导入。")
@click.option("--max-mb", default=20, show_default=True, help="单个文件大小上限（MB）。")
@click.option("--encoding", default="", metavar="编码",
              help="文本文件（.txt/.md）的编码：utf-8、gb18030、big5、utf-16；不填则只用能确定的编码，"
                   "不能确定时该文件列为失败并请您指定。")
@click.option("--dry-run", is_flag=True, help="只检查和转换，不写入任何文件。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：imported / skipped / failed。")
def import_command(corpus_dir, index_dir, instance_dir, paths, level, doc_type, issuer, author,
                   allow_duplicates, max_mb, encoding, dry_run, as_json):
    """导入 .docx/.pdf/.txt/.md 文件或整个文件夹；重复运行不会重复导入。"""
    from .office.bulk_import import import_paths
    from .office.importers import ImportLimits, ImportRefused, encoding_codec

    if encoding:
        try:
            encoding_codec(encoding)
        except ImportRefused as exc:
            raise CLIError(f"--encoding：{exc.detail}")
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:  # a typo in a path is an error, not a skipped file
        raise CLIError("找不到要导入的文件或文件夹：" + "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
                       + "。没有导入任何文件；请检查路径（含空格的路径请加引号）。")
    kb = KnowledgeBase(corpus_dir, index_dir, instance_dir=instance_dir)
    try:
        with ProgressBar("导入", enabled=not as_json, minimum=1) as bar:
            summary = import_paths(kb, list(paths), level=level, doc_type=doc_type, issuer=issuer,
                                   author=author, dry_run=dry_run, allow_duplicates=allow_duplicates,
                                   limits=ImportLimits(max_bytes=max_mb * 1024 * 1024), encoding=encoding or None,
                                   on_start=bar.on_start, progress=bar.progress)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    elif dry_run:
        print_dry_run(summary.files)
        click.echo(f"可导入（演练，未写入）{len(summary.imported)} 个，跳过 {len(summary.skipped)} 个，"
                   f"失败 {len(summary.failed)} 个。")
    else:
        for item in summary.skipped:
            click.echo(f"跳过 {item['path']}：{item['reason']}")
        for item in summary.failed:
            click.echo(f"失败 {item['path']}：{item['reason']}", err=True)
        click.echo(f"已导入 {len(summary.imported)} 个，跳过 {len(summary.skipped)} 个，失败 {len(summary.failed)} 个。")
    if summary.failed:
        sys.exit(1)


DRY_RUN_OUTCOMES = {"import": "可导入", "skip": "跳过", "fail": "会失败"}


def print_dry_run(files: list[dict]) -> None:
    """List each file of a dry run with the fields guessed for it and what would happen."""
    for n, entry in enumerate(files, 1):
        click.echo(f"{n}. {entry['path']}")
        if entry["outcome"] != "skip" or entry["title"]:
            shown = lambda key: entry[key] or "未识别"  # noqa: E731
            click.echo(f"   标题：{shown('title')}")
            click.echo(f"   层级：{LEVELS.get(entry['level'], entry['level']) or '未识别'}　文种：{shown('doc_type')}"
                       f"　文号：{shown('doc_no')}　日期：{shown('date')}")
        outcome = DRY_RUN_OUTCOMES[entry["outcome"]]
        detail = f"（文档 {entry['id']}）" if entry["outcome"] == "import" else f"：{entry['reason']}"
        click.echo(f"   {outcome}{detail}")


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
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
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


@cli.command("eval")
@kb_options
@click.argument("qa_file")
@click.option("--predictions", type=click.Path(dir_okay=False, writable=True),
              help="把每题的答案写入该文件（JSON Lines：id、question、answer、doc_id、passage）。")
@click.option("--limit", type=int, default=None, help="只评测前 N 个问题。")
@click.option("--split", type=click.Choice(["dev", "test"]), default=None,
              help="只评测 split 为该值的问题（仅用于 JSON Lines 问题清单）。")
@click.option("--show-misses", type=click.IntRange(min=0), default=20, show_default=True,
              help="最多列出几道未命中的题（JSON Lines 问题清单；--json 总是列出全部）。")
@click.option("--baseline", is_flag=True, help="同时评测基线（最佳 BM25 段落中重合词最多的句子）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def eval_command(corpus_dir, index_dir, qa_file, predictions, limit, split, show_misses, baseline, as_json):
    """评测问答：CMRC 2018 / SQuAD 问答集在临时索引上评测；JSON Lines 问题清单在现有语料和索引上逐题提问。

    JSON Lines 问题清单每行一个对象：{"q": "问题", "a": ["答案片段"]}，可选 id、doc、split、kind。
    """
    from .evaluate import evaluate, evaluate_questions, is_question_list, load_questions
    try:
        if is_question_list(qa_file):
            questions = load_questions(qa_file, split=split)
            kb = open_kb(corpus_dir, index_dir)
            if not kb.store.is_usable():
                click.echo("正在建立索引……", err=True)
                run_index(kb, rebuild=False)
            with ProgressBar("提问", enabled=not as_json) as bar:
                report = evaluate_questions(kb, questions, file=qa_file, split=split, limit=limit,
                                            predictions=predictions, baseline=baseline,
                                            on_start=bar.on_start, progress=bar.progress)
        elif split:
            raise CLIError("--split 只适用于 JSON Lines 问题清单（每行一个含 q、split 的 JSON 对象）。")
        else:
            report = evaluate(qa_file, limit=limit, predictions=predictions, baseline=baseline)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif report.get("format") == "jsonl":
        print_hit_test(report, show_misses)
    else:
        print_reading_test(report)


def _metric_table(report: dict, rows) -> None:
    """Print one row per metric, one column for this system and one for the baseline when run."""
    columns = [("qa", "本系统")] + ([("baseline", "基线")] if "baseline" in report else [])
    click.echo(_pad("指标", 18) + "".join(_pad(label, 10, right=True) for _, label in columns))
    for label, key, fmt in rows:
        values = [report[c].get(key) for c, _ in columns]
        click.echo(_pad(label, 18) + "".join(_pad("—" if v is None else fmt.format(v), 10, right=True)
                                            for v in values))


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad *text* to *width* terminal columns, counting a Chinese character as two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill


def print_reading_test(report: dict) -> None:
    click.echo(f"评测文件：{report['file']}；{report['contexts']} 个段落，{report['questions']} 个问题；"
               f"建索引 {report['index_seconds']} 秒。")
    _metric_table(report, [
        ("答案句准确率@1", "accuracy_at_1", "{:.3f}"), ("段落召回@1", "passage_recall_at_1", "{:.3f}"),
        ("段落召回@5", "passage_recall_at_5", "{:.3f}"), ("MRR", "mrr", "{:.3f}"),
        ("耗时 p50（毫秒）", "latency_ms_p50", "{:.1f}"), ("耗时 p95（毫秒）", "latency_ms_p95", "{:.1f}")])
    click.echo("按问题类型的答案句准确率@1：")
    for qtype, entry in report["qa"]["by_type"].items():
        line = f"  {entry['label']}（{qtype}）：{entry['questions']} 题，{entry['accuracy_at_1']:.3f}"
        if "baseline" in report:
            line += f"（基线 {report['baseline']['by_type'].get(qtype, {}).get('accuracy_at_1', 0):.3f}）"
        click.echo(line)


def print_hit_test(report: dict, show_misses: int) -> None:
    qa = report["qa"]
    split = f"（split={report['split']}）" if report["split"] else ""
    click.echo(f"评测文件：{report['file']}{split}；{report['questions']} 个问题；"
               f"语料 {report['corpus']}，索引 {report['index']}。")
    _metric_table(report, [
        ("答案准确率@1", "accuracy_at_1", "{:.3f}"), ("答案准确率@3", "accuracy_at_3", "{:.3f}"),
        ("文件正确率", "right_document_rate", "{:.3f}"), ("拒答率", "refusal_rate", "{:.3f}"),
        ("耗时 p50（毫秒）", "latency_ms_p50", "{:.1f}"), ("耗时 p95（毫秒）", "latency_ms_p95", "{:.1f}")])
    click.echo(f"（文件正确率只计标注了 doc 的 {qa['questions_with_doc']} 题；拒答即没有给出答案。）")
    click.echo("按类别的答案准确率@1（@3）：")
    for entry in qa["by_kind"].values():
        click.echo(f"  {entry['label']}：{entry['questions']} 题，{entry['accuracy_at_1']:.3f}"
                   f"（{entry['accuracy_at_3']:.3f}）")
    misses = report["misses"]
    if not misses:
        click.echo("全部命中。")
        return
    click.echo(f"未命中 {len(misses)} 题（答案不对，或出处不是 doc 指定的文件）"
               + (f"，列出前 {show_misses} 题" if len(misses) > show_misses else "") + "：")
    for n, miss in enumerate(misses[:show_misses], 1):
        click.echo(f"{n}. [{miss['id']}] {miss['question']}")
        click.echo(f"   标准答案：{' / '.join(miss['gold'])}" + (f"；应出自：{miss['doc']}" if miss["doc"] else ""))
        if miss["answer"]:
            note = ("（答案正确，出处不对）" if miss["right_answer"] else
                    "（前 3 条中有正确答案）" if miss["in_top_3"] else "")
            click.echo(f"   回答：{miss['answer']}{note}")
            click.echo(f"   出自：{miss['title']}（{miss['doc_id']}）")
        else:
            click.echo(f"   回答：{miss.get('error') or '未找到明确答案'}")
    if len(misses) > show_misses:
        click.echo(f"另有 {len(misses) - show_misses} 题未列出：用 --show-misses 调整条数，或用 --json 查看全部。")
