"""``policykb import``: bring .docx/.pdf/.txt/.md files into the corpus through the office.

The office is reached as ``office.name``: its bulk import loads with the command, not with
``policykb --help`` (see ``indexer/office/__init__.py``).
"""
from __future__ import annotations

import json
import os
import sys

import click

from . import office
from .cli_common import CLIError, ProgressBar, kb_options, setting_option
from .clichinese import ChineseCommand
from .errors import PolicyKBError
from .kb import KnowledgeBase
from .models import LEVELS
from .settings import SETTING_BY_NAME


@click.command("import", cls=ChineseCommand)
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
    if encoding:
        try:
            office.encoding_codec(encoding)
        except office.ImportRefused as exc:
            raise CLIError(f"--encoding：{exc.detail}")
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:  # a typo in a path is an error, not a skipped file
        raise CLIError("找不到要导入的文件或文件夹：" + "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
                       + "。没有导入任何文件；请检查路径（含空格的路径请加引号）。")
    kb = KnowledgeBase(corpus_dir, index_dir, instance_dir=instance_dir)
    try:
        with ProgressBar("导入", enabled=not as_json, minimum=1) as bar:
            summary = office.import_paths(kb, list(paths), level=level, doc_type=doc_type, issuer=issuer,
                                   author=author, dry_run=dry_run, allow_duplicates=allow_duplicates,
                                   limits=office.ImportLimits(max_bytes=max_mb * 1024 * 1024), encoding=encoding or None,
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
