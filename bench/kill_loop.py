"""Kill the site during saves and a parallel rebuild's main process with SIGKILL, again and again.

Usage::

    python bench/kill_loop.py [--site-kills 20] [--rebuild-kills 20] [--rebuild-corpus DIR] [--src TREE] [--keep]

Part 1 starts ``policykb serve --workers 2`` on a copy of the sample corpus, logs two editors in
over HTTP and lets each append numbered lines to its own document as fast as the site answers;
after 1–3 s it kills the site (alternately the whole process group, so a worker dies in the
middle of a save, and the main process alone), restarts it and goes on.  A save counts as
acknowledged when the site answered with its redirect to the document page.

Part 2 starts ``policykb index --rebuild`` with two build workers on a corpus of ≥ 200 documents
(``--rebuild-corpus``; by default 240 generated documents), kills its main process once the
workers run, and then runs ``policykb index`` (bounded by a timeout).

Reported: lost saves (acknowledged lines missing from the document's file), hangs (a restart or
an index that did not finish in time, a save without any answer), orphaned build workers still
alive 3 s after their parent died, and debris left after a restart (``.tmp-*`` files, pending
save records, documents both live and in the trash, more than one index generation, versions
filed as （系统外） after the first), and how many repairs the restarts announced (已修复).
``--src`` runs the commands from another source tree (e.g. ``git archive main``) for comparison.
Not run by the test suite.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from admin_helpers import form_fields  # noqa: E402  (the test suite's form reader)

PASSWORD = "correct horse 9"
EDITORS = {"editor1": "sheng-2005-dudao-banfa", "editor2": "zy-2005-sange-jieduan"}
START_TIMEOUT = 120.0
SAVE_TIMEOUT = 60.0
INDEX_TIMEOUT = 300.0


SRC = ROOT  # the source tree whose policykb is killed (--src)


def policykb(*args: str) -> list[str]:
    return [sys.executable, "-m", "webapp.cli", *args]


def environment(**extra) -> dict:
    return dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(SRC), **extra)


# -- part 1: the site ------------------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError: that is the acknowledgement


class Editor(threading.Thread):
    """Append numbered lines to one document through the web form, recording acknowledged ones."""

    def __init__(self, name: str, doc_id: str, site: "Site"):
        super().__init__(daemon=True)
        self.name, self.doc_id, self.site = name, doc_id, site
        self.acknowledged: list[str] = []
        self.attempts = 0
        self.hangs = 0
        self.stop = threading.Event()
        self.counter = 0

    def _opener(self):
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def _call(self, opener, path: str, data: dict | None = None):
        url = self.site.address + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(url, body, timeout=SAVE_TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), exc.headers

    def run(self):
        while not self.stop.is_set():
            if not self.site.up.wait(1):
                continue
            try:
                opener = self._opener()
                status, html, _ = self._call(opener, "/admin/login")
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
                status, _, headers = self._call(opener, "/admin/login", {"csrf_token": csrf, "name": self.name,
                                                                          "password": PASSWORD})
                if status != 302:
                    time.sleep(0.2)
                    continue
                while not self.stop.is_set():
                    status, html, _ = self._call(opener, f"/admin/documents/{self.doc_id}/edit")
                    if status != 200:
                        break
                    fields = form_fields(html, f"/admin/documents/{self.doc_id}/edit")
                    self.counter += 1
                    line = f"保存标记{self.name}第{self.counter:05d}次。"
                    fields["body"] = fields["body"].rstrip("\n") + "\n\n" + line + "\n"
                    self.attempts += 1
                    status, _, headers = self._call(opener, f"/admin/documents/{self.doc_id}/edit", fields)
                    if status == 302 and f"/documents/{self.doc_id}" in headers.get("Location", ""):
                        self.acknowledged.append(line)
            except TimeoutError:
                if self.site.up.is_set():
                    self.hangs += 1
            except (OSError, AttributeError, AssertionError, ValueError):
                time.sleep(0.05)  # the site was killed under us: log in again once it is back


class Site:
    """One ``policykb serve`` at a time on the same directories; restarted after each kill."""

    def __init__(self, work: Path):
        self.work = work
        self.process: subprocess.Popen | None = None
        self.address = ""
        self.up = threading.Event()
        self.start_hangs = 0
        self.repairs = 0

    def start(self) -> bool:
        self.process = subprocess.Popen(
            policykb("serve", "--port", "0", "--workers", "2", "--threads", "4", "--corpus", str(self.work / "corpus"),
                     "--index", str(self.work / "index"), "--instance", str(self.work / "var")),
            cwd=SRC, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", start_new_session=True)
        found: list[str] = []

        def read():
            for line in self.process.stdout:
                self.log.append(line)
                if line.startswith("已修复："):
                    self.repairs += 1
                match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
                if match and not found:
                    found.append(match.group(1))
        self.log: list[str] = []
        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while not found and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        if not found:
            self.start_hangs += 1
            print("site did not start:\n" + "".join(self.log[-20:]), file=sys.stderr)
            return False
        self.address = found[0]
        self.up.set()
        return True

    def kill(self, whole_group: bool) -> None:
        self.up.clear()
        if whole_group:
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 15  # workers stop on their parent's death (SIGTERM, ≤ 5 s)
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.stdout.close()

    def stop(self) -> None:
        self.up.clear()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.process.stdout.close()


def debris(work: Path) -> dict[str, int]:
    """Count what a restart should have cleaned or repaired."""
    corpus, var, index = work / "corpus", work / "var", work / "index"
    found = {"tmp_files": sum(1 for root in (corpus, var, index) for _ in root.rglob(".tmp-*")),
             "pending_saves": len(list((var / "pending").glob("*.json"))) if (var / "pending").is_dir() else 0,
             "generations": max(0, len(list(index.glob("gen-*"))) - 1), "live_and_in_trash": 0}
    trash = var / "trash"
    if trash.is_dir():
        for entry in trash.glob("*/entry.json"):
            path = json.loads(entry.read_text(encoding="utf-8"))["path"]
            if (corpus / path).exists():
                found["live_and_in_trash"] += 1
    return found


def outside_versions(work: Path, doc_id: str) -> int:
    versions = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((work / "var" / "history" / doc_id).glob("v*.json"))]
    return sum(1 for v in versions[1:] if v["author"] == "（系统外）")


def site_loop(kills: int, keep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="kill-site-"))
    shutil.copytree(ROOT / "corpus", work / "corpus")
    for name in EDITORS:
        subprocess.run(policykb("user", "add", name, "--role", "editor", "--instance", str(work / "var")),
                       input=PASSWORD + "\n", text=True, cwd=SRC, env=environment(), check=True, capture_output=True)
    site = Site(work)
    editors = [Editor(name, doc_id, site) for name, doc_id in EDITORS.items()]
    totals = {"kills": 0, "restarts_with_debris": 0}
    left: dict[str, int] = {}
    if not site.start():
        raise SystemExit("the site does not start")
    for editor in editors:
        editor.start()
    for number in range(kills):
        time.sleep(random.uniform(1.0, 3.0))
        site.kill(whole_group=number % 2 == 0)
        totals["kills"] += 1
        if not site.start():
            break
        now = debris(work)
        if any(now.values()):
            totals["restarts_with_debris"] += 1
            for key, value in now.items():
                left[key] = left.get(key, 0) + value
    time.sleep(2)
    for editor in editors:
        editor.stop.set()
    for editor in editors:
        editor.join(timeout=SAVE_TIMEOUT + 5)
    site.stop()
    lost = 0
    for editor in editors:
        text = next((work / "corpus").rglob(f"{editor.doc_id}.md")).read_text(encoding="utf-8")
        lost += sum(1 for line in editor.acknowledged if line not in text)
    result = dict(totals, saves_attempted=sum(e.attempts for e in editors),
                  saves_acknowledged=sum(len(e.acknowledged) for e in editors), lost_saves=lost,
                  save_hangs=sum(e.hangs for e in editors), start_hangs=site.start_hangs, debris_after_restart=left,
                  repairs_announced=site.repairs,
                  versions_filed_as_outside=sum(outside_versions(work, d) for d in EDITORS.values()))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        result["work"] = str(work)
    return result


# -- part 2: a parallel rebuild ----------------------------------------------------------------------
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


def generated_corpus(root: Path, documents: int = 240, lines: int = 150) -> None:
    words = "督导组 学习培训 整改 党员 群众 满意度 集中 教育 阶段 报告 检查 领导 干部 基层 组织 制度 落实 考核 评议 意见".split()
    for i in range(documents):
        body = "\n".join(f"第{j + 1}条 {words[(i + j) % 20]}{words[(i * 3 + j) % 20]}应当每{j % 9 + 1}周"
                         f"{words[(j * 7) % 20]}一次，不少于{i % 50 + j}学时。" for j in range(lines))
        path = root / f"d{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: d{i:04d}\ntitle: 第{i}号规定\nlevel: group\ndate: '2005-03-01'\n---\n{body}\n",
                        encoding="utf-8")


def rebuild_loop(kills: int, corpus: Path | None, keep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="kill-rebuild-"))
    if corpus is None:
        corpus = work / "corpus"
        generated_corpus(corpus)
    index = work / "index"
    env = environment(POLICYKB_INDEX_WORKERS="2")
    result = {"kills": 0, "killed_before_workers": 0, "orphaned_workers": 0, "index_hangs": 0, "index_failures": 0,
              "debris_after_index": 0}
    for _ in range(kills):
        build = subprocess.Popen(policykb("index", "--rebuild", "-q", "--corpus", str(corpus), "--index", str(index)),
                                 cwd=SRC, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and build.poll() is None and len(workers) < 2:
            workers = children(build.pid)
            time.sleep(0.02)
        time.sleep(random.uniform(0.0, 1.0))
        if build.poll() is not None or not workers:
            result["killed_before_workers"] += 1
        os.kill(build.pid, signal.SIGKILL) if build.poll() is None else None
        build.wait()
        result["kills"] += 1
        time.sleep(3)
        orphans = [pid for pid in workers if alive(pid)]
        result["orphaned_workers"] += len(orphans)
        try:
            done = subprocess.run(policykb("index", "-q", "--corpus", str(corpus), "--index", str(index)), cwd=SRC,
                                  env=env, capture_output=True, text=True, encoding="utf-8", timeout=INDEX_TIMEOUT)
        except subprocess.TimeoutExpired:
            result["index_hangs"] += 1
            continue
        finally:
            for pid in orphans:  # so that the next round measures this code, not the last one's leftovers
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        if done.returncode != 0:
            result["index_failures"] += 1
            print(done.stderr, file=sys.stderr)
        leftovers = max(0, len(list(index.glob("gen-*"))) - 1) + len(list(index.glob(".tmp-*")))
        result["debris_after_index"] += leftovers
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    global SRC, INDEX_TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-kills", type=int, default=20)
    parser.add_argument("--rebuild-kills", type=int, default=20)
    parser.add_argument("--rebuild-corpus", type=Path, help="a corpus of at least 200 documents")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument("--index-timeout", type=float, default=INDEX_TIMEOUT,
                        help="seconds before a policykb index after a kill counts as hanging")
    parser.add_argument("--src", type=Path, help="run policykb from this source tree instead of this one")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    SRC = (args.src or ROOT).resolve()
    INDEX_TIMEOUT = args.index_timeout
    random.seed(args.seed)
    report = {}
    if args.site_kills:
        report["site"] = site_loop(args.site_kills, args.keep)
        print(json.dumps({"site": report["site"]}, ensure_ascii=False), flush=True)
    if args.rebuild_kills:
        report["rebuild"] = rebuild_loop(args.rebuild_kills, args.rebuild_corpus, args.keep)
        print(json.dumps({"rebuild": report["rebuild"]}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
