"""What the commands share: the error shown in Chinese, the common options, the progress bar, indexing."""
from __future__ import annotations

import json
import sys

import click

from .kb import KnowledgeBase
from .models import FACETS
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


def echo_json(result) -> None:
    """Print a result as indented JSON: ``result.to_dict()``, or what the program's ``as_json`` makes of it.

    Addresses of documents are the site's: ``webapp.cli`` gives this group the context object
    ``{"as_json": ...}``, which adds each hit's and answer's ``url``; indexer builds none.
    """
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    as_json = obj.get("as_json") if isinstance(obj, dict) else None
    click.echo(json.dumps(as_json(result) if as_json else result.to_dict(), ensure_ascii=False, indent=2))


def for_terminal(marked) -> str:
    """Write a snippet or an answer (a ``Marked``) with its marks bold on a terminal, 【】 when piped."""
    return marked.format(TERMINAL if sys.stdout.isatty() else PLAIN)


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
