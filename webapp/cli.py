"""The ``policykb`` command: the knowledge-base commands plus the ones that need the site."""
from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

import click

from indexer import KnowledgeBase, PolicyKBError
from indexer import SETTING_BY_NAME, STORE_LOCK_TIMEOUT, CLIError, command_line as cli, kb_options, run_index
from indexer import setting, setting_option

from .links import as_json

# The program is the knowledge base's command group completed by the site: its commands (below) and
# its addresses (the ``url`` of every hit and answer in ``--json`` output: indexer builds none).
cli.context_settings["obj"] = {"as_json": as_json}


def instance_option(func):
    """Add --instance: accounts, audit log, history and trash live there."""
    return setting_option("--instance", "instance_dir", SETTING_BY_NAME["INSTANCE_DIR"])(func)


@cli.command("serve")
@kb_options
@instance_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；在局域网内共享时用 0.0.0.0。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="端口；0 表示自动选择空闲端口。")
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="每个工作进程的线程数；缺省为 4（只有一个进程时为 8）。")
@click.option("--workers", default=None, type=click.IntRange(1, 32),
              help="工作进程数；缺省为每个 CPU 核一个（最多 4 个；Windows 上为 1）。")
def serve_command(corpus_dir, index_dir, instance_dir, host, port, threads, workers):
    """启动网站：先使索引与语料一致，再用 waitress 提供服务（可多进程）。"""
    from . import _stored_secret_key, create_app
    from .serving import WorkerPool, bind_sockets, default_workers, graceful_stop, run_server, shown_address

    kb = KnowledgeBase(corpus_dir, index_dir, instance_dir=instance_dir)
    click.echo("正在检查索引……", err=True)
    try:
        report = run_index(kb, rebuild=False, recover="workspace")
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    errors = [p for p in report.problems if p.severity == "error"]
    for problem in errors:
        click.echo(str(problem), err=True)
    click.echo(f"索引就绪：{report.files} 个文件（新增 {report.added}、更新 {report.updated}、删除 {report.removed}），"
               f"用时 {report.seconds:.1f} 秒。" + (f"{len(errors)} 个文件有错误未编入（见上）。" if errors else ""),
               err=True)
    # The site's saves wait less for another process's index lock than this start did.
    kb.store.lock_timeout, kb.store.on_wait = STORE_LOCK_TIMEOUT, None
    workers = workers or default_workers()
    if workers > 1 and not hasattr(os, "fork"):
        click.echo("本系统不支持多个工作进程，改为 1 个。", err=True)
        workers = 1
    # Every worker must sign sessions with the same key: read or create it once, before forking.
    secret = setting("SECRET_KEY") or _stored_secret_key(Path(instance_dir).resolve())
    config = {"KB": kb, "CORPUS_DIR": corpus_dir, "INDEX_DIR": index_dir, "INSTANCE_PATH": instance_dir,
              "SECRET_KEY": secret}
    kb.warm_up()  # forked workers share the dictionary, catalogue and facet table loaded here
    threads = threads or (8 if workers == 1 else 4)
    try:
        sockets = bind_sockets(host, port, workers)
    except socket.gaierror:
        raise CLIError(f"无法识别监听地址“{host}”，请填写 IP 地址（如 127.0.0.1、0.0.0.0、::1）或本机名称。")
    except OSError as exc:
        raise CLIError(f"无法在 {host}:{port} 上启动网站（{exc.strerror}）。端口可能已被占用，请用 --port 换一个。")
    click.echo(f"网站已启动：请在浏览器中打开 {shown_address(sockets[0])}  （按 Ctrl+C 停止）")
    if workers == 1:
        if hasattr(signal, "SIGTERM") and os.name != "nt":
            signal.signal(signal.SIGTERM, graceful_stop)
        run_server(lambda: create_app(config), sockets[0], threads)
        click.echo("\n网站已停止。")
        return
    click.echo(f"{workers} 个工作进程，每个 {threads} 个线程。", err=True)
    pool = WorkerPool(lambda: create_app(config), sockets, workers, threads,
                      say=lambda text: click.echo(text, err=True), reconcile=lambda: (kb.recover(), kb.index()))
    status = pool.run()
    click.echo("\n网站已停止。")
    if status:
        sys.exit(status)


@cli.group("user")
def user_group():
    """管理办公室账号：编辑（editor）可新建、修改、废止、删除和恢复文档；管理员（admin）另可查看审计日志。"""


def _accounts(instance_dir: str):
    from .accounts import Accounts
    from .database import Database
    return Accounts(Database(instance_dir))


def read_password() -> str:
    """Ask twice on a terminal; read one line from standard input otherwise (for scripts)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CLIError("没有从标准输入读到密码。")
        return line
    for _ in range(3):
        first = click.prompt("密码", hide_input=True, err=True)
        second = click.prompt("再输入一次密码", hide_input=True, err=True)
        if first == second:
            return first
        click.echo("两次输入的密码不一致，请重新输入。", err=True)
    raise CLIError("两次输入的密码不一致。")


@user_group.command("add")
@kb_options
@instance_option
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor", show_default=True,
              help="角色：editor（编辑）或 admin（管理员，另可查看审计日志）。")
def user_add(corpus_dir, index_dir, instance_dir, name, role):
    """新建账号 NAME；在终端上提示输入两次密码，否则从标准输入读取一行。"""
    from .accounts import AccountError
    try:
        user = _accounts(instance_dir).add(name, role, read_password())
    except AccountError as exc:
        raise CLIError(str(exc))
    click.echo(f"已创建{user.role_label}账号“{user.name}”。")


@user_group.command("passwd")
@kb_options
@instance_option
@click.argument("name")
def user_passwd(corpus_dir, index_dir, instance_dir, name):
    """修改 NAME 的密码（该用户已登录的会话随之失效）。"""
    from .accounts import AccountError
    accounts = _accounts(instance_dir)
    if accounts.get(name) is None:
        raise CLIError(f"没有用户“{name}”。可用 policykb user list 查看。")
    try:
        accounts.set_password(name, read_password())
    except AccountError as exc:
        raise CLIError(str(exc))
    click.echo(f"已修改“{name}”的密码。")


@user_group.command("list")
@kb_options
@instance_option
def user_list(corpus_dir, index_dir, instance_dir):
    """列出全部账号。"""
    users = _accounts(instance_dir).all()
    if not users:
        click.echo("还没有账号。用 policykb user add 名字 --role editor 创建。")
    for user in users:
        click.echo(f"{user.name}\t{user.role_label}\t创建于 {user.created_at}\t密码修改于 {user.password_changed_at}")


def main() -> None:
    """Run the command; an unexpected failure becomes one Chinese sentence, not a traceback."""
    import sys
    try:
        cli(prog_name="policykb", standalone_mode=True)
    except Exception as exc:  # click handles its own errors; this is the last line of defence
        if setting("DEBUG"):
            raise
        click.echo(f"错误：出现了意外的内部错误（{type(exc).__name__}：{exc}）。"
                   "已写入的文件不受影响；设置环境变量 POLICYKB_DEBUG=1 再运行可查看详细信息。", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
