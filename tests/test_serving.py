"""``policykb serve --workers N``: several processes serve one index and stay consistent."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, write_doc

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"),
                                reason="需要 fork 和 /proc（Linux）")


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for(predicate, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


def search_ids(address: str, q: str) -> list[str]:
    url = f"{address}/api/search?q={urllib.parse.quote(q)}"
    with urllib.request.urlopen(url, timeout=20) as response:  # a new connection each time
        return [hit["id"] for hit in json.load(response)["hits"]]


def start_serve(corpus, tmp_path, *extra):
    """Start ``policykb serve --port 0`` with two workers; return (process, lines, output, address)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "serve", "--port", "0", "--workers", "2", "--threads", "2",
         "--instance", str(tmp_path / "var"), "--corpus", str(corpus), "--index", str(tmp_path / "index"), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    server.reader = threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True)
    server.reader.start()
    output, address = [], None
    while address is None:
        line = lines.get(timeout=60)
        output.append(line)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        address = match.group(1) if match else None
    return server, lines, output, address


def test_workers_share_the_index_survive_a_crash_and_stop_together(tiny_corpus, tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    paths = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "index")]
    server, lines, output, address = start_serve(tiny_corpus, tmp_path)
    reader = server.reader
    try:
        workers = wait_for(lambda: len(children(server.pid)) == 2 and children(server.pid))
        assert workers and len(workers) == 2, "".join(output)

        # Every request opens a new connection, so both workers answer (and cache) these.
        for _ in range(12):
            assert search_ids(address, "巡回检查") == []

        # Another process adds a document: no worker may answer from its stale cache.
        write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "巡回检查办法", "level": "group",
                                        "date": "2005-06-01"}, "巡回检查每月进行一次。\n")
        indexed = subprocess.run([sys.executable, "-m", "webapp.cli", "index", *paths], cwd=ROOT, env=env,
                                 capture_output=True, text=True, encoding="utf-8")
        assert indexed.returncode == 0, indexed.stderr
        for _ in range(12):
            assert search_ids(address, "巡回检查") == ["rule-d"]

        # A worker that dies is replaced, and the site keeps answering meanwhile.
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        assert search_ids(address, "学习培训") == ["rule-a"]
        replaced = wait_for(lambda: (lambda now: len(now) == 2 and victim not in now and now)(children(server.pid)))
        assert replaced, "".join(output)
        for _ in range(6):
            assert search_ids(address, "学习培训") == ["rule-a"]
        survivors = set(replaced)

        # A second site on the same port is refused with a sentence, not silently let in.
        port = address.rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, "-m", "webapp.cli", "serve", "--port", port, "--workers", "2",
                                 "--instance", str(tmp_path / "var2"), *paths],
                                cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert second.returncode != 0 and "端口可能已被占用" in second.stderr, second.stderr
    finally:
        server.terminate()
        code = server.wait(timeout=20)
        reader.join(timeout=10)
        server.stdout.close()
    assert code == 0
    assert wait_for(lambda: not any(alive(pid) for pid in survivors), 10), "workers outlived the server"
    text = "".join(output) + "".join(lines.queue)
    assert "已退出（被信号 9 终止），正在重新启动" in text
    assert "网站已停止" in text


def test_workers_stop_when_the_parent_is_killed(tiny_corpus, tmp_path):
    server, _lines, output, _address = start_serve(tiny_corpus, tmp_path)
    try:
        workers = wait_for(lambda: len(children(server.pid)) == 2 and children(server.pid))
        assert workers, "".join(output)
        os.kill(server.pid, signal.SIGKILL)  # no clean-up code runs in the parent
        server.wait(timeout=10)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), "orphaned workers kept serving"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.reader.join(timeout=10)
        server.stdout.close()
