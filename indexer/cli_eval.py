"""``policykb eval``: the Q&A evaluation (a reading-comprehension file or a question list) and its tables."""
from __future__ import annotations

import json
import unicodedata

import click

from .cli_common import CLIError, ProgressBar, kb_options, open_kb, run_index
from .clichinese import ChineseCommand
from .errors import PolicyKBError
from .evaluate import evaluate
from .questionlist import evaluate_questions, is_question_list, load_questions


@click.command("eval", cls=ChineseCommand)
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
