"""Serve the site with waitress in one or several worker processes.

Whoosh, our ranking and the templates are pure Python, so one process uses one core however many
threads it has.  On POSIX systems ``policykb serve --workers N`` binds the listening sockets, warms
the shared data, and forks N processes; each builds its own application (its own searchers, SQLite
connections and caches) and reads the same index.  Writes stay safe across processes: document
edits and index writes take file locks, and every process reopens its searchers and drops its
cached results when the index generation changes.

On Linux each worker listens on its own ``SO_REUSEPORT`` socket, so the kernel spreads connections
evenly (with one shared socket the first worker to wake took most keep-alive connections and the
mixed load test ran at half the rate).  Before that group is bound, a plain probe bind makes sure
nothing else listens on the port: a second ``policykb serve`` fails with a clear message instead of
silently joining the group.  A worker stops when its parent dies.  Elsewhere the workers share one
socket; Windows has no ``fork``, so one process serves.
"""
from __future__ import annotations

import gc
import os
import signal
import socket
import sys
import threading
import time
from typing import Callable

RESPAWN_WINDOW = 10.0  # a worker that dies sooner than this after starting counts as crashing
MAX_QUICK_DEATHS = 5   # in a row: the site stops instead of restarting workers forever
MAX_BACKOFF = 5.0
PARENT_POLL = 0.5  # seconds between a worker's checks that the supervising process still lives
STOP_GRACE = 10.0  # seconds a worker whose parent died has to finish running requests


def default_workers() -> int:
    """Return one worker per usable core (at most 4) where processes can fork, else 1."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # honours CPU affinity, unlike os.cpu_count()
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _bound(family, kind, proto, address, reuse_port: bool = False, listen: bool = True) -> socket.socket:
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if listen:
            sock.listen(1024)
            sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def bind_sockets(host: str, port: int, count: int = 1) -> list[socket.socket]:
    """Bind *count* listening sockets on *host*:*port* (one shared socket where SO_REUSEPORT is missing).

    *host* may be IPv4, IPv6 (with or without brackets) or a host name; port 0 picks a free port.

    :raises OSError: when the address cannot be bound (already in use, unknown host ...).
    """
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    reuse_port = count > 1 and hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")
    error: OSError | None = None
    for family, kind, proto, _name, address in infos:
        try:
            if not reuse_port:
                return [_bound(family, kind, proto, address)]
            # A plain bind fails if anything listens on the port, SO_REUSEPORT group or not.
            probe = _bound(family, kind, proto, address, listen=False)
            address = probe.getsockname()  # the port the system chose for port 0
            probe.close()
            sockets: list[socket.socket] = []
            try:
                for _ in range(count):
                    sockets.append(_bound(family, kind, proto, address, reuse_port=True))
            except OSError:
                for sock in sockets:
                    sock.close()
                raise
            return sockets
        except OSError as exc:
            error = exc
    raise error or OSError(f"无法解析地址 {host}")


def shown_address(sock: socket.socket) -> str:
    """Return the address to open in a browser (127.0.0.1 for a wildcard, [..] for IPv6)."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run_server(make_app: Callable, sock: socket.socket, threads: int) -> None:
    """Serve *sock* with waitress in this process until interrupted.

    Ctrl+C (and SIGTERM in a worker) lets requests in progress finish for up to 5 s.
    """
    from waitress import create_server

    from .server_errors import Channel

    app = make_app()
    # Waitress reads a whole request body before the application sees it, up to 1 GiB by
    # default: refuse larger ones from the Content-Length header, as the site would.
    limit = app.config.get("MAX_CONTENT_LENGTH") if hasattr(app, "config") else None
    options = {"max_request_body_size": int(limit) + 1} if limit else {}
    server = create_server(app, sockets=[sock], threads=threads, ident="policykb", **options)
    server.channel_class = Channel
    server.upload_mb = getattr(app, "config", {}).get("UPLOAD_MAX_MB")
    server.upload_total_mb = getattr(app, "config", {}).get("UPLOAD_MAX_TOTAL_MB")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies, and watch for it (a worker must never outlive it)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)

    def watch():
        # A fallback where the death signal is missing or was lost: stop like on SIGTERM, and
        # for good once running requests had their time.
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_GRACE)
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def graceful_stop(*_args) -> None:
    """Signal handler: stop serving like Ctrl+C does."""
    raise KeyboardInterrupt  # waitress's run() then lets running requests finish


class _Stop(Exception):
    """Raised by the signal handler to leave the blocking wait for a worker."""


class WorkerPool:
    """Fork worker processes that serve the bound sockets; replace any that die."""

    def __init__(self, make_app: Callable, sockets: list[socket.socket], workers: int, threads: int,
                 say: Callable[[str], None], reconcile: Callable[[], None] | None = None):
        self.make_app = make_app
        # Run in a replacement worker before it serves: the worker that died may have saved a file
        # without indexing it, and nothing else would index it until the next restart.
        self.reconcile = reconcile
        self.sockets = sockets
        self.workers = workers
        self.threads = threads
        self.say = say
        self.children: dict[int, tuple[int, float]] = {}  # pid -> (slot, when it started)
        self.stopping = False

    def _spawn(self, slot: int, replacing: bool = False) -> None:
        parent = os.getpid()
        sock = self.sockets[slot % len(self.sockets)]
        stop_signals = {signal.SIGTERM, signal.SIGINT}
        # No stop signal between the fork and recording the child: it would be left running.
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        try:
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    signal.signal(signal.SIGTERM, graceful_stop)
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us on Ctrl+C
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
                    _die_with_parent(parent)
                    for other in self.sockets:
                        if other is not sock:
                            other.close()
                    if replacing and self.reconcile is not None:
                        self._reconcile()
                    run_server(self.make_app, sock, self.threads)
                except KeyboardInterrupt:  # stopped while still starting
                    pass
                except BaseException as exc:  # noqa: BLE001 - a worker must never return into the parent's code
                    print(f"工作进程 {os.getpid()} 异常退出：{exc}", file=sys.stderr, flush=True)
                    code = 1
                finally:
                    os._exit(code)
            self.children[pid] = (slot, time.monotonic())
        finally:
            if os.getpid() == parent:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)

    def _reconcile(self) -> None:
        try:
            self.reconcile()
        except Exception as exc:  # noqa: BLE001 - serving matters more; the next save or start retries
            print(f"工作进程 {os.getpid()} 启动时未能使索引与语料一致：{exc}", file=sys.stderr, flush=True)

    def _stop(self, *_args) -> None:
        self.stopping = True
        raise _Stop  # os.waitpid is retried after a signal (PEP 475) unless the handler raises

    def _start_one(self, slot: int, replacing: bool = False) -> None:
        """Fork a worker for *slot*, retrying with a growing pause while the system refuses."""
        failures = 0
        while True:
            try:
                self._spawn(slot, replacing)
                return
            except OSError as exc:  # out of memory or processes: wait rather than give up the site
                failures += 1
                self.say(f"无法启动工作进程（{exc.strerror or exc}），稍后重试。")
                time.sleep(min(MAX_BACKOFF, 0.5 * failures))

    def run(self) -> int:
        """Start the workers and supervise them until SIGTERM or Ctrl+C; return an exit status."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        gc.collect()
        gc.freeze()  # keep the warmed-up objects out of the collector, so workers share their pages
        quick_deaths = 0
        try:
            for slot in range(self.workers):
                self._start_one(slot)
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
                else:
                    quick_deaths = 0  # it ran fine for a while: an isolated crash, not a broken start
                code = os.waitstatus_to_exitcode(status)
                how = f"被信号 {-code} 终止" if code < 0 else f"退出码 {code}"
                self.say(f"工作进程 {pid} 已退出（{how}），正在重新启动。")
                time.sleep(min(MAX_BACKOFF, 0.5 * quick_deaths))
                self._start_one(slot, replacing=True)
            return 0
        except _Stop:
            return 0
        finally:
            self.stopping = True
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second Ctrl+C must not cut the clean-up
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self._stop_children()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop_children(self) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10  # waitress gives running requests 5 s
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
