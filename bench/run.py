"""Benchmark policykb against the naive whoosh + jieba baseline in one run on one machine.

Usage: python bench/run.py [--corpus DIR] [--quick] [--out docs/benchmarks.md]
See the README section “性能基准” for what is measured.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from queries import QUESTIONS, QUERIES  # noqa: E402

LAW_ARCHIVE = ROOT.parent / "shared" / "data" / "lawrefbook-laws.tar.gz"
NAIVE = Path(__file__).resolve().parent / "naive_baseline.py"
POLICYKB = [sys.executable, "-c", "from webapp.cli import main; main()"]
QUICK_FILES = 300


# -- corpus -------------------------------------------------------------------------------------
def unpack_laws(archive: Path, dest: Path) -> Path:
    """Unpack the law corpus archive into *dest* and return the directory holding the files."""
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return dest


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name != "README.md")


def subset(src: Path, dest: Path, count: int) -> Path:
    """Copy an evenly spread sample of *count* documents (for --quick)."""
    files = corpus_files(src)
    step = max(1, len(files) // count)
    for path in files[::step][:count]:
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for side in ("aliases.yml", "glossary.yml", "userdict.txt", "wording.yml"):
        if (src / side).exists():
            shutil.copy2(src / side, dest / side)
    return dest


_ID_LINE = re.compile(rb"(?m)^(id:[ \t]*[A-Za-z0-9][A-Za-z0-9_.\-]*)")


def scaled(src: Path, dest: Path, factor: int) -> Path:
    """Make *factor* copies of the corpus under new paths (so new ids), hard-linked to save space."""
    for copy in range(factor):
        for path in corpus_files(src):
            rel = path.relative_to(src)
            target = dest / f"copy{copy}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if copy and _ID_LINE.search(data):
                # Front matter ids must differ between copies (files without one get path ids).
                target.write_bytes(_ID_LINE.sub(rb"\1-copy%d" % copy, data, count=1))
                continue
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    for side in ("aliases.yml", "glossary.yml", "userdict.txt", "wording.yml"):
        if (src / side).exists():
            shutil.copy2(src / side, dest / side)
    return dest


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def corpus_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in corpus_files(path)) / 1e6


# -- processes ----------------------------------------------------------------------------------
def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as fh:
                stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def _tree_pss_mb(pid: int) -> float | None:
    """Return the proportional set size of a process tree (shared pages counted once), in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            with open(f"/proc/{current}/task/{current}/children") as fh:
                stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError, StopIteration):
            if current == pid:
                return None
    return total / 1024


def _child_count(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return len(fh.read().split())
    except OSError:
        return None


def run_measured(cmd: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    """Run *cmd*; return wall seconds, peak RSS of its process tree (MB) and its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    peak = 0
    out: dict = {}

    def drain(name, stream):
        out[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for reader in readers:
        reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        if time.perf_counter() - started > timeout:
            proc.kill()
            break
        time.sleep(0.05)
    for reader in readers:
        reader.join()
    proc.stdout.close()
    proc.stderr.close()
    proc.wait()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak / 1024, "rc": proc.returncode,
            "stdout": out.get("stdout", ""), "stderr": out.get("stderr", "")}


def build_naive(corpus: Path) -> dict:
    """Run the naive baseline; its own timer measures indexing, ours the whole process."""
    run = run_measured([sys.executable, str(NAIVE), str(corpus)])
    text = run["stdout"]
    result = {"peak_mb": run["peak_mb"], "ok": run["rc"] == 0, "error": run["stderr"][-500:]}
    match = re.search(r"([\d.]+) MB in ([\d.]+)s = ([\d.]+) MB/s, index (\d+) MB", text)
    if match:
        result.update(mb=float(match[1]), seconds=float(match[2]), mbps=float(match[3]), index_mb=float(match[4]))
    match = re.search(r"p50 (\d+) ms\s+p95 (\d+) ms", text)
    if match:
        result.update(p50=float(match[1]), p95=float(match[2]))
    return result


def build_ours(corpus: Path, index: Path, env: dict | None = None) -> dict:
    """Full rebuild with the policykb CLI in a subprocess."""
    shutil.rmtree(index, ignore_errors=True)
    run = run_measured(POLICYKB + ["index", "--rebuild", "-q", "--corpus", str(corpus), "--index", str(index)], env)
    match = re.search(r"用时 ([\d.]+) 秒", run["stdout"])
    mb = corpus_mb(corpus)
    seconds = float(match[1]) if match else run["seconds"]
    return {"ok": run["rc"] == 0, "seconds": seconds, "process_seconds": run["seconds"], "mb": mb,
            "mbps": mb / seconds if seconds else 0.0, "index_mb": size_mb(index), "peak_mb": run["peak_mb"],
            "error": run["stderr"][-500:] if run["rc"] else ""}


# -- latency ------------------------------------------------------------------------------------
def percentiles(values_ms: list[float]) -> dict:
    values = sorted(values_ms)
    if not values:
        return {}
    return {"n": len(values), "p50": statistics.median(values),
            "p95": values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))], "max": values[-1]}


def _warm_latency(call, items, reps: int) -> dict:
    """Call once to warm up, then time *call* on every item *reps* times (milliseconds)."""
    call(items[0])
    times = []
    for _ in range(reps):
        for item in items:
            started = time.perf_counter()
            call(item)
            times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def search_latency(kb, queries=QUERIES, reps: int = 3) -> dict:
    """Warm search-with-snippets latency (first page, facets on) over *queries*."""
    return _warm_latency(kb.search, queries, reps)


def ask_latency(kb, questions=QUESTIONS, reps: int = 2) -> dict:
    """Warm ask latency over *questions*."""
    return _warm_latency(kb.ask, questions, reps)


def incremental(kb, corpus: Path) -> dict:
    """Add, modify and delete one document; seconds until the change is searchable.

    A running system has indexed its corpus before: the first update after a full rebuild of a
    just-copied corpus reads every file once (files younger than 2 s get no stat signature, see
    indexer/index/filestate.py), so that update is timed separately as ``first_noop``.
    """
    path = corpus / "bench-incremental.md"
    timings = {}
    started = time.perf_counter()
    kb.index()
    timings["first_noop"] = time.perf_counter() - started

    def settle(step, check):
        started = time.perf_counter()
        kb.index()
        ok = check()
        timings[step] = time.perf_counter() - started if ok else float("nan")

    path.write_text("# 基准测试增量文档\n\n本文件用于测量增量更新：benchalpha。\n", encoding="utf-8")
    settle("add", lambda: kb.search("benchalpha").total == 1)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("# 基准测试增量文档\n\n修改后的内容：benchbeta。\n", encoding="utf-8")
    os.replace(tmp, path)  # a new inode: the hard-linked corpus copies stay untouched
    settle("modify", lambda: kb.search("benchbeta").total == 1 and kb.search("benchalpha").total == 0)
    path.unlink()
    settle("delete", lambda: kb.search("benchbeta").total == 0)
    return timings


def cold_start(corpus: Path, index: Path) -> dict:
    """Seconds from process start to the first answered search (CLI, --json)."""
    run = run_measured(POLICYKB + ["search", "劳动合同", "--json", "--corpus", str(corpus), "--index", str(index)])
    ok = run["rc"] == 0 and '"total"' in run["stdout"]
    return {"seconds": run["seconds"], "ok": ok, "peak_mb": run["peak_mb"]}


# -- load test ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(corpus: Path, index: Path, env: dict | None = None):
    """Start ``policykb serve`` on a free loopback port; return (process, port) or (None, reason).

    The server's messages go to a log file next to the index: an unread pipe fills up with
    waitress's queue warnings under load and then blocks the server.
    """
    port = _free_port()
    cmd = POLICYKB + ["serve", "--corpus", str(corpus), "--index", str(index), "--port", str(port),
                      "--host", "127.0.0.1", "--instance", str(index.parent / f"{index.name}-instance")]
    log_path = index.parent / f"{index.name}-serve.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ, **(env or {})))
    log.close()
    server.log_path = log_path
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, port
        except OSError:
            if server.poll() is not None:
                return None, "服务器未能启动：" + log_path.read_text(encoding="utf-8", errors="replace")[-300:]
            time.sleep(0.2)
    stop_server(server)
    return None, "服务器 120 秒内没有开始监听。"


def stop_server(server) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def drive(port: int, next_path, seconds: float, clients: int, max_requests: int = 200_000) -> dict:
    """Send requests from *clients* keep-alive connections for *seconds*; *next_path(n)* gives the n-th path."""
    lock = threading.Lock()
    stats = {"n": 0, "errors": 0, "not_found": 0, "by_kind": {}}
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            with lock:
                if stats["n"] >= max_requests:
                    break
                n = stats["n"]
                stats["n"] += 1
            path = next_path(n)
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 599
            elapsed = (time.perf_counter() - started) * 1000
            kind = path.split("?")[0].split("/")[1]
            with lock:
                latencies.append(elapsed)
                stats["by_kind"][kind] = stats["by_kind"].get(kind, 0) + 1
                if status == 404:
                    stats["not_found"] += 1
                elif status >= 500:
                    stats["errors"] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "search_rps": stats["by_kind"].get("search", 0) / elapsed, "errors": stats["errors"],
            "not_found": stats["not_found"], "by_kind": stats["by_kind"], **percentiles(latencies)}


def unique_queries() -> list[str]:
    """Return distinct two-word queries built from the benchmark's words (each one a cache miss)."""
    words = list(dict.fromkeys(w for q in QUERIES for w in q.split()
                               if ":" not in w and not w.startswith("-") and '"' not in w))
    return [f"{a} {b}" for a in words for b in words if a != b]


def load_test(corpus: Path, index: Path, doc_ids: list[str], seconds: float = 30, clients: int = 20) -> dict:
    """Serve the site with ``policykb serve`` (default workers) and drive three kinds of traffic.

    - mixed: search pages, /api/ask and document pages from fixed lists, as a class in training
      would send them (repeated queries are answered from the result cache);
    - search: search pages only, from the same fixed list of queries;
    - unique: search pages only, every request a query not asked before (no cache hit).
    """
    server, port = start_server(corpus, index)
    if server is None:
        return {"skipped": port}
    try:
        quote = urllib.parse.quote
        search = [f"/search?q={quote(q)}" for q in QUERIES]
        mixed = search + [f"/api/ask?q={quote(q)}" for q in QUESTIONS[:10]]
        mixed += [f"/documents/{quote(d)}" for d in doc_ids[:20]]
        unique = [f"/search?q={quote(q)}" for q in unique_queries()]
        result = {"clients": clients, "seconds": seconds, "unique_available": len(unique)}
        result["mixed"] = drive(port, lambda n: mixed[(n * 7) % len(mixed)], seconds, clients)
        result["search"] = drive(port, lambda n: search[n % len(search)], seconds, clients)
        result["unique"] = drive(port, lambda n: unique[n % len(unique)], seconds, clients,
                                 max_requests=len(unique))
        result["server_pss_mb"] = _tree_pss_mb(server.pid)
        result["workers"] = _child_count(server.pid)
        return result
    finally:
        stop_server(server)


# -- one scale ----------------------------------------------------------------------------------
def measure_scale(corpus: Path, work: Path, factor: int, load_seconds: float) -> dict:
    from indexer import KnowledgeBase

    index = work / f"index-{factor}x"
    result = {"factor": factor, "files": len(corpus_files(corpus)), "build": build_ours(corpus, index)}
    if not result["build"]["ok"]:
        return result
    kb = KnowledgeBase(corpus, index, result_cache=0)  # latency of real work, not of the result cache
    result["search"] = search_latency(kb)
    result["ask"] = ask_latency(kb)
    result["cold_start"] = cold_start(corpus, index)
    doc_ids = [m["id"] for m in kb.documents()[:20]]
    result["load"] = load_test(corpus, index, doc_ids, seconds=load_seconds) if load_seconds else {"skipped": "未要求"}
    result["incremental"] = incremental(kb, corpus)
    return result


def machine() -> dict:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {"cores": os.cpu_count(), "ram": mem, "python": platform.python_version(),
            "platform": platform.platform(terse=True), "load": load}


def run(corpus_arg: str | None, quick: bool, out: Path, load_seconds: float, keep: bool = False,
        factors: tuple[int, ...] | None = None, segmenters: bool = True, command: str = "") -> dict:
    """Run the whole benchmark; write the Markdown report to *out*; return all figures."""
    work = Path(tempfile.mkdtemp(prefix="policykb-bench-"))
    try:
        if corpus_arg:
            source = Path(corpus_arg)
        else:
            source = unpack_laws(LAW_ARCHIVE, work / "unpacked") / "laws"
        if quick:
            source = subset(source, work / "quick", QUICK_FILES)
        factors = factors or ((1, 2) if quick else (1, 2, 4))
        report = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "quick": quick,
                  "command": command or "python bench/run.py" + (" --quick" if quick else ""),
                  "corpus": {"files": len(corpus_files(source)), "mb": corpus_mb(source)}}
        print(f"语料：{report['corpus']['files']} 个文件，{report['corpus']['mb']:.1f} MB", flush=True)
        report["naive"] = build_naive(source)
        print("朴素基线：", json.dumps(report["naive"], ensure_ascii=False), flush=True)
        base = scaled(source, work / "scale-1x", 1)
        if segmenters:
            report["variants"] = {
                "单进程（rjieba）": build_ours(base, work / "v-serial", {"POLICYKB_INDEX_WORKERS": "1"}),
                "jieba 分词（多进程）": build_ours(base, work / "v-jieba", {"POLICYKB_SEGMENTER": "jieba"}),
            }
            print("变体：", json.dumps(report["variants"], ensure_ascii=False), flush=True)
        report["scales"] = []
        for factor in factors:
            corpus = base if factor == 1 else scaled(source, work / f"scale-{factor}x", factor)
            figures = measure_scale(corpus, work, factor, load_seconds if factor == 1 else 0)
            report["scales"].append(figures)
            print(f"{factor}×：", json.dumps(figures, ensure_ascii=False), flush=True)
            if factor != 1:
                shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(work / f"index-{factor}x", ignore_errors=True)
        report["machine"]["load_after"] = machine()["load"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(report), encoding="utf-8")
        return report
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


# -- report -------------------------------------------------------------------------------------
def _f(value, fmt="{:.1f}", missing="—"):
    return fmt.format(value) if isinstance(value, (int, float)) and value == value else missing


def render(report: dict) -> str:
    """Return the Markdown report."""
    m, naive = report["machine"], report["naive"]
    one = report["scales"][0] if report["scales"] else {}
    build, search = one.get("build", {}), one.get("search", {})
    lines = [
        "# 性能基准",
        "",
        f"- 日期：{report['date']}{'（--quick 冒烟运行）' if report['quick'] else ''}",
        f"- 机器：{m['cores']} 核，内存 {m['ram']}，Python {m['python']}，{m['platform']}；"
        f"开始时 1 分钟负载 {_f(m['load'], '{:.1f}')}，结束时 {_f(m.get('load_after'), '{:.1f}')}"
        "（负载高于核数说明有其他进程同时占用 CPU，绝对数字偏慢，请看同一次运行中的比值）。",
        f"- 语料：{report['corpus']['files']} 个文件，{report['corpus']['mb']:.1f} MB。",
        f"- 命令：`{report['command']}`",
        "",
        "## 与朴素基线对比（1×）",
        "",
        "| 指标 | 朴素基线 | policykb | 比值（基线/本项目） | 目标 |",
        "|---|---|---|---|---|",
        f"| 完整重建（秒） | {_f(naive.get('seconds'))} | {_f(build.get('seconds'))} | "
        f"{_ratio(naive.get('seconds'), build.get('seconds'))} | ≤ 60 秒且 ≥ 2× |",
        f"| 吞吐（MB/s） | {_f(naive.get('mbps'), '{:.2f}')} | {_f(build.get('mbps'), '{:.2f}')} | | |",
        f"| 索引大小（MB） | {_f(naive.get('index_mb'), '{:.0f}')} | {_f(build.get('index_mb'), '{:.0f}')} | | |",
        f"| 峰值内存 RSS（MB，含子进程） | {_f(naive.get('peak_mb'), '{:.0f}')} | {_f(build.get('peak_mb'), '{:.0f}')} | | ≤ 1500 |",
        f"| 检索+摘要 p50（毫秒） | {_f(naive.get('p50'), '{:.0f}')} | {_f(search.get('p50'))} | "
        f"{_ratio(naive.get('p50'), search.get('p50'))} | |",
        f"| 检索+摘要 p95（毫秒） | {_f(naive.get('p95'), '{:.0f}')} | {_f(search.get('p95'))} | "
        f"{_ratio(naive.get('p95'), search.get('p95'))} | ≤ 50 且 ≥ 10× |",
        "",
        "朴素基线：whoosh + jieba 自带 ChineseAnalyzer，每个文件一条记录，整篇高亮（`bench/naive_baseline.py`，"
        "其检索时间是它自己的 16 个查询；本项目用 `bench/queries.py` 中的 "
        f"{len(QUERIES)} 个查询，各跑 3 遍，含分面统计和摘要）。",
        "",
    ]
    if report.get("variants"):
        lines += ["## 建索引方式对比（1×）", "", "| 方式 | 重建（秒） | MB/s | 峰值 RSS（MB） |", "|---|---|---|---|"]
        lines.append(f"| 默认（rjieba，多进程） | {_f(build.get('seconds'))} | {_f(build.get('mbps'), '{:.2f}')} | {_f(build.get('peak_mb'), '{:.0f}')} |")
        for name, figures in report["variants"].items():
            lines.append(f"| {name} | {_f(figures.get('seconds'))} | {_f(figures.get('mbps'), '{:.2f}')} | {_f(figures.get('peak_mb'), '{:.0f}')} |")
        lines.append("")
    lines += ["## 规模增长", "",
              "| 规模 | 文件 | 重建（秒） | 峰值 RSS（MB） | 索引（MB） | 检索 p50 / p95 / 最大（毫秒） | 问答 p50 / p95 / 最大（毫秒） | 冷启动（秒） | 增量 新增 / 修改 / 删除（秒） | 重建后第一次无变化更新（秒） |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for s in report["scales"]:
        b, q, a, inc = s.get("build", {}), s.get("search", {}), s.get("ask"), s.get("incremental", {})
        ask = f"{_f(a.get('p50'))} / {_f(a.get('p95'))} / {_f(a.get('max'))}"
        lines.append(
            f"| {s['factor']}× | {s['files']} | {_f(b.get('seconds'))} | {_f(b.get('peak_mb'), '{:.0f}')} | "
            f"{_f(b.get('index_mb'), '{:.0f}')} | {_f(q.get('p50'))} / {_f(q.get('p95'))} / {_f(q.get('max'))} | {ask} | "
            f"{_f(s.get('cold_start', {}).get('seconds'), '{:.2f}')} | "
            f"{_f(inc.get('add'), '{:.2f}')} / {_f(inc.get('modify'), '{:.2f}')} / {_f(inc.get('delete'), '{:.2f}')} | "
            f"{_f(inc.get('first_noop'), '{:.2f}')} |")
    if len(report["scales"]) > 1:
        first, last = report["scales"][0].get("search", {}), report["scales"][-1].get("search", {})
        lines += ["", f"检索 p95 从 1× 到 {report['scales'][-1]['factor']}× 增长 "
                  f"{_ratio(last.get('p95'), first.get('p95'))}（目标：4× 时不超过 3×）。"]
    load = one.get("load", {})
    lines += ["", f"## 负载测试（1×，本机回环，{load.get('clients', 20)} 个并发客户端，每种 {_f(load.get('seconds'), '{:.0f}')} 秒）", ""]
    if "skipped" in load:
        lines.append(f"未测：{load['skipped']}")
    else:
        lines += [f"`policykb serve` 默认设置（{load.get('workers') or '每核一个'} 个工作进程，结果缓存开启）；"
                  f"测完时网站全部进程的内存（PSS，共享页只算一次）{_f(load.get('server_pss_mb'), '{:.0f}')} MB。", "",
                  "| 流量 | 请求数 | 请求/秒 | 其中检索页/秒 | p50 / p95 / 最大（毫秒） | 错误 | 404 |",
                  "|---|---|---|---|---|---|---|"]
        names = {"mixed": "混合（检索页、/api/ask、文档页，固定列表）", "search": "只有检索页（固定 39 个查询，重复）",
                 "unique": "只有检索页（每个查询都不同，缓存不命中）"}
        for key, name in names.items():
            r = load.get(key)
            if r:
                lines.append(f"| {name} | {r['requests']} | {_f(r['rps'])} | {_f(r['search_rps'])} | "
                             f"{_f(r.get('p50'))} / {_f(r.get('p95'))} / {_f(r.get('max'))} | {r['errors']} | {r['not_found']} |")
    lines.append("")
    return "\n".join(lines)


def _ratio(a, b) -> str:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return "—"
    return f"{a / b:.1f}×"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="policykb 性能基准（与朴素基线在同一次运行中对比）")
    parser.add_argument("--corpus", help="语料目录（默认解压 ../shared/data/lawrefbook-laws.tar.gz）")
    parser.add_argument("--quick", action="store_true", help=f"冒烟运行：取 {QUICK_FILES} 个文件，只测 1×、2×")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="Markdown 报告路径")
    parser.add_argument("--load-seconds", type=float, default=None, help="负载测试时长（默认 30，--quick 为 5）")
    parser.add_argument("--json", help="另存全部数字为 JSON")
    parser.add_argument("--scales", help="规模倍数，逗号分隔（默认 1,2,4；--quick 为 1,2）")
    parser.add_argument("--no-variants", action="store_true", help="不构建单进程和 jieba 两个对照变体")
    args = parser.parse_args(argv)
    load_seconds = args.load_seconds if args.load_seconds is not None else (5 if args.quick else 30)
    factors = tuple(int(x) for x in args.scales.split(",")) if args.scales else None
    report = run(args.corpus, args.quick, Path(args.out), load_seconds, factors=factors,
                 segmenters=not args.no_variants, command=" ".join(["python bench/run.py", *(argv or sys.argv[1:])]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"报告已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
