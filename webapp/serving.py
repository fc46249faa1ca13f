"""Serve the site with waitress in one or several worker processes.

Whoosh, our ranking and the templates are pure Python, so one process uses one core however many
threads it has.  On POSIX systems ``policykb serve --workers N`` forks N processes after the
listening sockets are bound; each builds its own application (its own searchers, SQLite
connections and caches) and reads the same index.  Writes stay safe across processes: document
edits take a file lock, whoosh has one writer at a time, and every process reopens its searchers
and drops its cached results when the index generation changes.

On Linux each worker gets its own ``SO_REUSEPORT`` socket, so the kernel spreads connections
evenly; elsewhere the workers share one socket.  Windows has no ``fork``: one process serves.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import time
from typing import Callable

RESPAWN_WINDOW = 10.0  # a worker that dies sooner than this after starting counts as crashing
MAX_QUICK_DEATHS = 5


def default_workers() -> int:
    """Return one worker per core (at most 4) where processes can fork, else 1."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def bind_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """Bind *count* listening sockets to one address (one shared socket without SO_REUSEPORT).

    :raises OSError: when the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reuse_port = count > 1 and hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")
    sockets: list[socket.socket] = []
    try:
        for _ in range(count if reuse_port else 1):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            if os.name != "nt":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]  # port 0: the others join the port the first one got
            sock.listen(1024)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def run_server(make_app: Callable, sock: socket.socket, threads: int) -> None:
    """Serve *sock* with waitress in this process until interrupted."""
    from waitress import create_server

    server = create_server(make_app(), sockets=[sock], threads=threads, ident="policykb")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


class _Stop(Exception):
    """Raised by the signal handler to leave the blocking wait for a worker."""


class WorkerPool:
    """Fork worker processes that serve the bound sockets; replace any that die."""

    def __init__(self, make_app: Callable, sockets: list[socket.socket], workers: int, threads: int,
                 say: Callable[[str], None]):
        self.make_app = make_app
        self.sockets = sockets
        self.workers = workers
        self.threads = threads
        self.say = say
        self.children: dict[int, tuple[int, float]] = {}  # pid -> (slot, started)
        self.stopping = False

    def _spawn(self, slot: int) -> None:
        sock = self.sockets[slot % len(self.sockets)]
        stop_signals = {signal.SIGTERM, signal.SIGINT}
        # No stop signal between the fork and recording the child: it would be left running.
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us on Ctrl+C
                signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
                for other in self.sockets:
                    if other is not sock:
                        other.close()
                run_server(self.make_app, sock, self.threads)
            except BaseException as exc:  # noqa: BLE001 - a worker must never return into the parent's code
                print(f"工作进程 {os.getpid()} 异常退出：{exc}", file=sys.stderr, flush=True)
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = (slot, time.monotonic())
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)

    def _stop(self, *_args) -> None:
        self.stopping = True
        raise _Stop  # os.waitpid is retried after a signal (PEP 475) unless the handler raises

    def run(self) -> int:
        """Start the workers and supervise them until SIGTERM or Ctrl+C; return an exit status."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        quick_deaths = 0
        try:
            for slot in range(self.workers):
                self._spawn(slot)
            while not self.stopping:
                try:
                    pid, status = os.waitpid(-1, 0)
                except ChildProcessError:
                    break
                slot, started = self.children.pop(pid, (None, 0.0))
                if slot is None or self.stopping:
                    continue
                if time.monotonic() - started < RESPAWN_WINDOW:
                    quick_deaths += 1
                    if quick_deaths >= MAX_QUICK_DEATHS:
                        self.say("工作进程接连启动失败，网站已停止。请查看上面的错误信息。")
                        return 1
                code = os.waitstatus_to_exitcode(status)
                how = f"被信号 {-code} 终止" if code < 0 else f"退出码 {code}"
                self.say(f"工作进程 {pid} 已退出（{how}），正在重新启动。")
                self._spawn(slot)
            return 0
        except _Stop:
            return 0
        finally:
            self.stopping = True
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second Ctrl+C must not cut the clean-up
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for pid in list(self.children):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 10
            while self.children and time.monotonic() < deadline:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid:
                    self.children.pop(pid, None)
                else:
                    time.sleep(0.05)
            for pid in self.children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for sig, handler in previous.items():
                signal.signal(sig, handler)
