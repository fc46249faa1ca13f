"""The ``policykb`` command: the knowledge-base commands plus the ones that need the site."""
from __future__ import annotations

import click

from indexer import KnowledgeBase, PolicyKBError
from indexer.cli import CLIError, cli, kb_options, run_index


@cli.command("serve")
@kb_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；在局域网内共享时用 0.0.0.0。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="端口；0 表示自动选择空闲端口。")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="工作线程数。")
def serve_command(corpus_dir, index_dir, host, port, threads):
    """启动网站：先使索引与语料一致，再用 waitress 提供服务。"""
    from waitress import create_server

    from . import create_app

    kb = KnowledgeBase(corpus_dir, index_dir)
    click.echo("正在检查索引……", err=True)
    try:
        report = run_index(kb, rebuild=False)
    except PolicyKBError as exc:
        raise CLIError(str(exc))
    errors = [p for p in report.problems if p.severity == "error"]
    for problem in errors:
        click.echo(str(problem), err=True)
    click.echo(f"索引就绪：{report.files} 个文件（新增 {report.added}、更新 {report.updated}、删除 {report.removed}），"
               f"用时 {report.seconds:.1f} 秒。" + (f"{len(errors)} 个文件有错误未编入（见上）。" if errors else ""),
               err=True)
    app = create_app({"KB": kb, "CORPUS_DIR": corpus_dir, "INDEX_DIR": index_dir})
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="policykb")
    except OSError as exc:
        raise CLIError(f"无法在 {host}:{port} 上启动网站（{exc.strerror}）。端口可能已被占用，请用 --port 换一个。")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"网站已启动：请在浏览器中打开 http://{shown}:{server.effective_port}/  （按 Ctrl+C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("\n网站已停止。")
    finally:
        server.close()


def main() -> None:
    """Run the command; an unexpected failure becomes one Chinese sentence, not a traceback."""
    import os
    import sys
    try:
        cli(prog_name="policykb", standalone_mode=True)
    except Exception as exc:  # click handles its own errors; this is the last line of defence
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        click.echo(f"错误：出现了意外的内部错误（{type(exc).__name__}：{exc}）。"
                   "已写入的文件不受影响；设置环境变量 POLICYKB_DEBUG=1 再运行可查看详细信息。", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
