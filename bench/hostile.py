"""Attack the real site: fuzzed queries, XSS/CSRF/auth/path traversal, two editors, searches during rebuilds.

Usage::

    python bench/hostile.py [--fuzz 20000] [--rounds 60] [--searches 5000] [--rebuilds 5] [--only fuzz,attacks,editors,rebuilds] [--keep]

Starts ``policykb serve --workers 2`` on a free port with a copy of the sample corpus and a fresh
instance directory (two editor accounts made with ``policykb user add``), then runs:

1. fuzz: random and hostile GET requests (random unicode, invalid UTF-8, NULs and control
   characters, huge and negative numbers, long strings, query operators, bad facet values) over
   the public pages and the JSON API; counts 5xx answers, dropped connections and answers slower
   than 5 s.
2. attacks: reflected and stored XSS in every query parameter, path segment and form text; CSRF
   on every POST route (no token, forged, empty, another session's); every /admin route without a
   login (and with a forged or logged-out session cookie); path traversal in document ids, static
   paths and upload names.  An attack "got through" when an HTML answer carries the payload
   unescaped, a refused request changed a file, an admin page answered 200 without a login, or an
   answer contains a file from outside the corpus and the static folder.
3. editors: two logged-in editors load the same version of one document and both save at once;
   exactly one save must win, the other must get the conflict page (409, 文档在您编辑期间已被他人修改),
   and the file must hold exactly the winner's text.
4. rebuilds: two threads search while ``policykb index --rebuild`` runs again and again on the
   same corpus and index; every search must answer 200 with the same total as before.

Prints one JSON object per part and a summary; exits 1 when anything got through.
Not run by the test suite.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookies
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from admin_helpers import TOKEN_RE, form_fields  # noqa: E402  (the test suite's form reader)

PASSWORD = "correct horse 9"
EDITORS = ("hostile1", "hostile2")
START_TIMEOUT = 120.0
SLOW = 5.0
SECRET = "HOSTILE-OUTSIDE-MARKER-7f3a9c"  # text of a file next to (outside) the corpus
CONFLICT = "在您编辑期间已被他人修改"
WORDS = ("督导组", "学习培训", "整改", "满意度", "党员", "测评", "第32条", "第三十二条", "集中教育", "补课",
         "\"群众满意度测评\"", "示例集团党发[2005]12号", "40学时", "补课 -测评", "回头看", "先进性教育")


# -- the site ----------------------------------------------------------------------------------------
def policykb(*args: str) -> list[str]:
    return [sys.executable, "-m", "webapp.cli", *args]


def environment(**extra) -> dict:
    return dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT), **extra)


class Site:
    """``policykb serve`` on a temp copy of the sample corpus, with a file planted outside it."""

    def __init__(self, corpus: Path, workers: int, threads: int):
        self.work = Path(tempfile.mkdtemp(prefix="hostile-"))
        self.corpus, self.index, self.var = self.work / "corpus", self.work / "index", self.work / "var"
        shutil.copytree(corpus, self.corpus)
        (self.work / "secret.md").write_text(f"---\nid: secret-outside\ntitle: {SECRET}\nlevel: group\n---\n{SECRET}\n",
                                             encoding="utf-8")
        for name in EDITORS:
            subprocess.run(policykb("user", "add", name, "--role", "editor", "--instance", str(self.var)),
                           input=PASSWORD + "\n", text=True, cwd=ROOT, env=environment(), check=True,
                           capture_output=True)
        self.process = subprocess.Popen(
            policykb("serve", "--port", "0", "--workers", str(workers), "--threads", str(threads),
                     "--corpus", str(self.corpus), "--index", str(self.index), "--instance", str(self.var)),
            cwd=ROOT, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", start_new_session=True)
        self.log: list[str] = []
        found: list[str] = []

        def read():
            for line in self.process.stdout:
                self.log.append(line)
                match = re.search(r"http://(127\.0\.0\.1):(\d+)/", line)
                if match and not found:
                    found.append((match.group(1), int(match.group(2))))
        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while not found and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        if not found:
            self.stop()
            raise SystemExit("the site did not start:\n" + "".join(self.log[-30:]))
        self.host, self.port = found[0]
        self.secret_key = (self.var / "secret_key").read_text(encoding="ascii").strip()

    def client(self, tolerant: bool = False) -> "Client":
        """Return a new client; a tolerant one reports a request without an answer as status 0."""
        return Client(self.host, self.port, timeout=10.0 if tolerant else 60.0, tolerant=tolerant)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def server_errors(self) -> list[str]:
        return [line for line in self.log if "Traceback" in line or "unhandled error" in line]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float

    @property
    def html(self) -> bool:
        return "html" in self.headers.get("Content-Type", "")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """One keep-alive connection with its own cookies; paths are sent exactly as given."""

    def __init__(self, host: str, port: int, timeout: float = 60.0, tolerant: bool = False):
        self.host, self.port, self.timeout, self.tolerant = host, port, timeout, tolerant
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(self, method: str, path: str, data=None, headers: dict | None = None) -> Response:
        sent = dict(headers or {})
        body = data
        if isinstance(data, dict):
            body = urlencode(data).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.monotonic()
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                answer = self.connection.getresponse()
                raw = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                self.reconnects += 1  # an idle keep-alive connection closed by the server: once is normal
            except TimeoutError:
                self.connection.close()
                self.connection = None
                if not self.tolerant:
                    raise
                return Response(0, http.client.HTTPMessage(), f"(no answer within {self.timeout:.0f} s)",
                                time.monotonic() - start)
        seconds = time.monotonic() - start
        for header in answer.headers.get_all("Set-Cookie") or ():
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if answer.will_close:
            self.connection.close()
            self.connection = None
        return Response(answer.status, answer.headers, raw.decode("utf-8", "replace"), seconds)

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data=None, **kw) -> Response:
        return self.request("POST", path, data if data is not None else {}, **kw)

    def login(self, name: str) -> None:
        page = self.get("/admin/login")
        token = TOKEN_RE.search(page.body).group(1)
        answer = self.post("/admin/login", {"csrf_token": token, "name": name, "password": PASSWORD})
        if answer.status != 302:
            raise SystemExit(f"login of {name} failed: {answer.status} {answer.body[:300]}")

    def edit_form(self, doc_id: str) -> dict:
        answer = self.get(f"/admin/documents/{doc_id}/edit")
        if answer.status != 200:
            raise SystemExit(f"edit form of {doc_id}: {answer.status} {answer.body[:300]}")
        return form_fields(answer.body, f"/admin/documents/{doc_id}/edit")


def q(value: str | bytes) -> str:
    """Percent-encode everything (a lone surrogate becomes invalid UTF-8, as a hostile client sends)."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    return quote(value, safe="")


def query(pairs) -> str:
    return "&".join(f"{q(k)}={q(v)}" for k, v in pairs)


# -- 1. fuzz -----------------------------------------------------------------------------------------
HOSTILE = ["", " ", "\x00", "\x00" * 40, "a\x00b", "\r\n", "\r\nSet-Cookie: x=1", "\t", "\x1b[31m", "\x7f",
           "\x85", "\u2028", "\u202e", "\ufeff", "\ud800", "\udfff", "\uffff", "\U0010ffff", "𠀀𪚥", "😀" * 60,
           "A" * 5000, "第" * 3000, "督导组 " * 400, "\"", "\"\"\"", "“", "((((", "))))", "[", "]", "{", "}",
           "-", "--", "- - -", "-督导组", "*", "?", "**?", "body:[a TO 龥]", "title:", "title:督导组", "level:case",
           "年份:", "年份:2005", "年份:99999999999", "年份:-1", "AND OR NOT", "NOT", "\\", "\\\\\\", "%", "%%",
           "%zz", "%00", "{{7*7}}", "${7*7}", "<>", "'", "`", "' OR 1=1 --", "第三十二条", "第32条", "第-1条",
           "第99999999999999999999条", "〔2005〕12号", "[2005]", "NaN", "nan", "inf", "-inf", "1e309", "9" * 400,
           "-1", "0", "-0", "00001", "0x10", "1.5", " 2 ", "+3", "٣", "²", "１２", "Ⅻ", "十二", "None", "null",
           "true", "[]", "{}", "relevance", "date", "date_asc", "title", "central", "case", "现行有效", "已废止",
           "unclassified", "../../etc/passwd", "/etc/passwd", "%2e%2e%2f", "C:\\Windows", "\\\\server\\share"]
NUMBERS = ["-1", "0", "-0", "1", "2", "100", "101", "-99999999", "99999999999999999999999999999999",
           "1e309", "NaN", "inf", "1.0", "0x1", "２", "٣", "²", " ", "", "1" * 5000]
FACETS = ("level", "type", "issuer", "tag", "status")
SEARCH_PARAMS = ("q", *FACETS, "year", "sort", "page", "within")
ROUTES = {  # route -> parameter names it reads
    "/search": SEARCH_PARAMS,
    "/api/search": (*SEARCH_PARAMS, "per_page"),
    "/api/ask": ("q", "level", "limit"),
    "/api/suggest": ("q", "limit"),
    "/api/facets": ("q", *FACETS, "year"),
    "/documents/<id>": ("q",),
    "/api/documents/<id>": (),
    "/reading-lists/<id>": (),
    "/browse": (), "/cases": (), "/tags": (), "/glossary": (), "/": ("q",),
}
WEIGHTS = {"/search": 30, "/api/search": 25, "/api/ask": 15, "/api/suggest": 6, "/api/facets": 6,
           "/documents/<id>": 8, "/api/documents/<id>": 4, "/reading-lists/<id>": 2, "/browse": 1, "/cases": 1,
           "/tags": 1, "/glossary": 1, "/": 1}


def random_text(rng: random.Random) -> str | bytes:
    kind = rng.random()
    if kind < 0.25:
        return rng.choice(HOSTILE)
    if kind < 0.40:
        return "".join(chr(rng.randint(1, 0x10FFFF)) for _ in range(rng.randint(1, 60)))  # incl. surrogates
    if kind < 0.48:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 40)))  # raw bytes, often not UTF-8
    if kind < 0.56:
        return "".join(chr(rng.randint(0, 31)) for _ in range(rng.randint(1, 20)))
    if kind < 0.64:
        return rng.choice(NUMBERS)
    if kind < 0.70:
        return rng.choice(WORDS) * rng.randint(50, 600)
    if kind < 0.76:
        return str(rng.randint(-10 ** 40, 10 ** 40))
    mix = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))] + [rng.choice(HOSTILE)]
    rng.shuffle(mix)
    return " ".join(m for m in mix if isinstance(m, str))


def random_request(rng: random.Random, doc_ids: list[str]) -> str:
    route = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    names = ROUTES[route]
    path = route
    if "<id>" in route:
        value = rng.choice(doc_ids) if rng.random() < 0.3 else random_text(rng)
        segment = q(value)
        if rng.random() < 0.1 and isinstance(value, str):
            segment = quote(value.encode("utf-8", "surrogatepass"), safe="/.")  # raw slashes and dots
        path = route.replace("<id>", segment or "%20")
    pairs = []
    for _ in range(rng.randint(0, 6) if names else rng.randint(0, 2)):
        if names and rng.random() < 0.9:
            name = rng.choice(names)
        else:
            name = random_text(rng) if rng.random() < 0.5 else rng.choice(("per_page", "limit", "page", "x", ""))
        if name in ("page", "per_page", "limit") and rng.random() < 0.7:
            value = rng.choice(NUMBERS)
        elif name in FACETS and rng.random() < 0.3:
            value = rng.choice(("central", "case", "group", "现行有效", "通知", "督导组")) + rng.choice(("", "x", "\x00"))
        else:
            value = random_text(rng)
        pairs.append((name, value))
        if rng.random() < 0.05:
            pairs += [(name, random_text(rng)) for _ in range(rng.randint(20, 60))]  # repeated facets
    return path + ("?" + query(pairs) if pairs else "")


def fuzz(site: Site, total: int, threads: int, seed: int) -> dict:
    doc_ids = sorted(p.stem for p in site.corpus.rglob("*.md") if not p.name.startswith(("_", ".")))
    doc_ids = [d for d in doc_ids if d.lower() != "readme"]
    lock = threading.Lock()
    stats = {"requests": 0, "server_errors": 0, "dropped": 0, "slow": 0, "max_seconds": 0.0, "by_status": {},
             "by_route": {}, "examples": []}
    counter = iter(range(total))

    def work(number: int):
        rng = random.Random(seed * 1000 + number)
        client = site.client()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            path = random_request(rng, doc_ids)
            route = next(r for r in ROUTES if path.split("?")[0].startswith(r.split("<")[0])
                         and (r != "/" or path.split("?")[0] == "/"))
            try:
                answer = client.get(path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    stats["requests"] += 1
                    stats["dropped"] += 1
                    if len(stats["examples"]) < 10:
                        stats["examples"].append({"path": path[:300], "error": repr(exc)})
                client = site.client()
                continue
            with lock:
                stats["requests"] += 1
                stats["by_status"][answer.status] = stats["by_status"].get(answer.status, 0) + 1
                stats["by_route"][route] = stats["by_route"].get(route, 0) + 1
                stats["max_seconds"] = max(stats["max_seconds"], answer.seconds)
                bad = answer.status >= 500 or answer.seconds > SLOW
                stats["server_errors"] += answer.status >= 500
                stats["slow"] += answer.seconds > SLOW
                if bad and len(stats["examples"]) < 10:
                    stats["examples"].append({"path": path[:300], "status": answer.status,
                                              "seconds": round(answer.seconds, 2), "body": answer.body[:200]})
        stats.setdefault("reconnects", 0)
        with lock:
            stats["reconnects"] += client.reconnects

    started = time.monotonic()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["max_seconds"] = round(stats["max_seconds"], 3)
    stats["by_status"] = dict(sorted(stats["by_status"].items()))
    return stats


MALFORMED = {  # requests no HTTP library sends: waitress refuses them itself, before the application
    "NUL in a header value": b"GET {path} HTTP/1.1\r\nHost: x\r\nCookie: session=\x00\x00\r\n\r\n",
    "control character in a header value": b"GET {path} HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n",
    "header line without a colon": b"GET {path} HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
    "space in a header name": b"GET {path} HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
    "garbage request line": b"GARBAGE {path}\r\n\r\n",
    "NUL in the request line": b"GET {path}\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad Content-Length": b"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "negative Content-Length": b"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "unsupported Transfer-Encoding": b"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    "bad chunk size": b"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
    "300 KB of headers": b"GET {path} HTTP/1.1\r\nHost: x\r\nCookie: " + b"x" * 300000 + b"\r\n\r\n",
    "absolute URI of another host": b"GET http://evil.example{path} HTTP/1.1\r\nHost: evil.example\r\n\r\n",
}


def malformed(site: Site) -> dict:
    """Send each malformed request to a page and to the API; every one must get an answer within 5 s."""
    result = {"sent": 0, "answered": 0, "no_answer": 0, "server_errors": 0, "examples": []}
    for label, template in MALFORMED.items():
        for path in (b"/search?q=x", b"/api/search?q=x"):
            result["sent"] += 1
            sock = socket.create_connection((site.host, site.port), timeout=SLOW)
            received = b""
            try:
                sock.sendall(template.replace(b"{path}", path))
                while b"\r\n" not in received:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            except (TimeoutError, ConnectionResetError, BrokenPipeError):
                pass  # a reset after the status line arrived is waitress closing an over-long request
            finally:
                sock.close()
            status = re.match(rb"HTTP/1\.[01] (\d{3})", received)
            if status is None:
                result["no_answer"] += 1
                if len(result["examples"]) < 10:
                    result["examples"].append({"request": label, "path": path.decode(), "answer": received[:80].decode("latin-1")})
                continue
            result["answered"] += 1
            result["server_errors"] += int(status.group(1)) >= 500 and int(status.group(1)) != 501
    return result


# -- 2. attacks --------------------------------------------------------------------------------------
XSS = ["<script>alert(1)</script>", "\"><script>alert(1)</script>", "'><img src=x onerror=alert(1)>",
       "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<svg/onload=alert(1)>",
       "\" onmouseover=\"alert(1)", "' onfocus='alert(1)' autofocus='", "</textarea><script>alert(1)</script>",
       "</title><script>alert(1)</script>", "<iframe src=javascript:alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
       "<details open ontoggle=alert(1)>", "<body onload=alert(1)>", "督导组<script>alert(1)</script>",
       "<ScRiPt>alert(1)</sCrIpT>"]


class ActiveMarkup(HTMLParser):
    """Find markup that would run script: injected tags and attributes, not escaped text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}={value[:40]}>")
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and \
                    (value.startswith("javascript:") or "<script" in value):
                self.found.append(f"<{tag} {name}={value[:40]}>")
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def active_markup(html: str) -> str:
    reader = ActiveMarkup()
    reader.feed(html)
    reader.close()
    return "; ".join(reader.found[:3])


TRAVERSAL = ["../secret", "../../secret", "../../../secret.md", "..%2fsecret", "..%2f..%2fsecret",
             "%2e%2e%2fsecret", "%2e%2e/%2e%2e/secret", "%252e%252e%252fsecret", "..%5csecret", "..\\..\\secret",
             "/etc/passwd", "%2fetc%2fpasswd", "....//....//etc/passwd", "..%c0%afetc%c0%afpasswd",
             "%00../secret", "secret%00.md", ".../secret", "../../../../../../../../etc/passwd", "..;/secret",
             "file:///etc/passwd", "~/.bashrc", "documents/../../secret", ".", "..", "...", "%2e", "%2e%2e",
             "..%00/secret", "%c0%ae%c0%ae/secret", "corpus/../secret"]
STATIC = ["../__init__.py", "../../pyproject.toml", "%2e%2e/__init__.py", "..%2f__init__.py",
          "%2e%2e%2f%2e%2e%2fpyproject.toml", "/etc/passwd", "%2fetc%2fpasswd", "..%5c__init__.py",
          "....//__init__.py", ".%2e/__init__.py", "%2e%2e%5c__init__.py", "..%252f__init__.py",
          "../templates/base.html", "%2e%2e/templates/base.html", "style.css/../../__init__.py",
          "..%00/__init__.py", "%c0%ae%c0%ae/__init__.py"]
UPLOAD_NAMES = ["../../{tag}.md", "../../../../tmp/{tag}.md", "/tmp/{tag}.md", "..\\..\\{tag}.md",
                "%2e%2e%2f{tag}.md", "corpus/../../{tag}.md", "\x00{tag}.md", "{tag}.md\x00.docx"]


class Attacks:
    """Count attempts and what got through, with the request and answer of each breach."""

    def __init__(self, site: Site):
        self.site = site
        self.attempts: dict[str, int] = {}
        self.through: dict[str, int] = {}
        self.breaches: list[dict] = []
        self.leak_markers = [SECRET, site.secret_key, "root:x:0:", "def create_app", "[project]", "{% extends"]

    def count(self, kind: str, ok: bool, request: str, answer: Response | None, why: str = "") -> None:
        if answer is not None and answer.status == 0:
            ok, why = False, answer.body
        self.attempts[kind] = self.attempts.get(kind, 0) + 1
        if not ok:
            self.through[kind] = self.through.get(kind, 0) + 1
            if len(self.breaches) < 40:
                self.breaches.append({"kind": kind, "request": request[:300], "why": why,
                                      "status": answer.status if answer else None,
                                      "body": answer.body[:300] if answer else ""})

    def snapshot(self) -> dict[str, str]:
        """Hash every file that a refused request must not change (corpus, history, trash, outside file)."""
        files = {}
        for root in (self.site.corpus, self.site.var / "history", self.site.var / "trash", self.site.work):
            if not root.exists():
                continue
            paths = root.rglob("*") if root != self.site.work else root.glob("*")
            for path in paths:
                if path.is_file() and not path.name.startswith(".tmp-"):
                    files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        return files

    # reflected XSS --------------------------------------------------------------------------------
    def xss_check(self, kind: str, client: Client, path: str, payload: str) -> None:
        answer = client.get(path)
        why = self.unsafe(answer, payload)
        if not why and answer.status in (301, 302, 303, 307, 308) and answer.location:
            location = answer.location
            if "<" in location or '"' in location:
                why = f"raw payload in Location: {location[:200]}"
            else:
                target = urlsplit(location)
                follow = client.get(target.path + ("?" + target.query if target.query else ""))
                why = self.unsafe(follow, payload)
        self.count(kind, not why, path, answer, why)

    def unsafe(self, answer: Response, payload: str) -> str:
        if answer.status >= 500:
            return "server error"
        if not answer.html:
            ctype = answer.headers.get("Content-Type", "")
            if payload in answer.body and not ("json" in ctype and answer.headers.get("X-Content-Type-Options") == "nosniff"):
                return f"payload in a {ctype} answer without nosniff"
            return ""
        if payload in answer.body or payload.lower() in answer.body.lower():
            return "raw payload in the page"
        found = active_markup(answer.body)
        return f"active markup in the page: {found}" if found else ""

    def xss(self, editor: Client) -> None:
        anonymous = self.site.client(tolerant=True)
        doc = "zy-2005-sange-jieduan"
        for payload in XSS:
            p = q(payload)
            for name in SEARCH_PARAMS:
                self.xss_check("xss", anonymous, f"/search?{query([('q', '督导组'), (name, payload)])}", payload)
                self.xss_check("xss", anonymous, f"/api/search?{query([('q', '督导组'), (name, payload)])}", payload)
            for path in (f"/api/search?per_page={p}", f"/api/ask?q={p}", f"/api/ask?q=督导组&level={p}".replace("督导组", q("督导组")),
                         f"/api/ask?limit={p}", f"/api/suggest?q={p}", f"/api/suggest?limit={p}", f"/api/facets?q={p}",
                         f"/api/facets?level={p}", f"/documents/{p}", f"/api/documents/{p}", f"/reading-lists/{p}",
                         f"/documents/{doc}?q={p}", f"/browse?q={p}", f"/?q={p}", f"/admin/login?next={p}",
                         f"/admin/login?next=/{p}", f"/search?q={q('如何')}{p}{q('？')}"):
                self.xss_check("xss", anonymous, path, payload)
            for path in (f"/admin/?q={p}", f"/admin/?level={p}", f"/admin/?page={p}", f"/admin/new?level={p}",
                         f"/admin/documents/{p}/edit", f"/admin/documents/{p}/history", f"/admin/trash?q={p}",
                         f"/admin/documents/{doc}/history/{p}"):
                self.xss_check("xss-admin", editor, path, payload)
            token = TOKEN_RE.search(editor.get("/admin/new").body).group(1)
            body = json.dumps({"body": f"# 标题\n\n{payload}\n\n[链接](javascript:alert(1))\n"}).encode()
            answer = editor.post("/admin/preview", body, headers={"Content-Type": "application/json",
                                                                   "X-CSRFToken": token})
            html = json.loads(answer.body).get("html", "") if answer.status == 200 else ""
            why = "" if answer.status == 200 else f"preview answered {answer.status}"
            if active_markup(html) or "<script" in html.lower():
                why = f"active markup in the preview: {active_markup(html) or html[:200]}"
            self.count("xss-preview", not why, "POST /admin/preview " + payload, answer, why)
        self.stored_xss(editor)

    def stored_xss(self, editor: Client) -> None:
        """Save a document whose fields carry payloads, then look at every page that shows it."""
        token = TOKEN_RE.search(editor.get("/admin/new").body).group(1)
        payload = XSS[2]
        fields = {"csrf_token": token, "title": f"督导存储测试{payload}", "level": "group", "doc_type": "通知",
                  "issuer": f"机关{XSS[6]}", "doc_no": f"测〔2005〕{XSS[4]}号", "date": "2005-03-01",
                  "tags": f"标签{XSS[0]}，督导", "summary": f"摘要{XSS[8]}", "status": "现行有效",
                  "body": f"# 存储测试\n\n督导存储测试正文 {XSS[0]} {XSS[3]} {XSS[11]}\n\n<iframe src=javascript:alert(1)></iframe>\n"}
        answer = editor.post("/admin/new", fields)
        if answer.status != 302:
            self.count("xss-stored", False, "POST /admin/new (stored XSS)", answer, "the document was not saved")
            return
        doc_id = answer.location.rsplit("/", 1)[-1]
        anonymous = self.site.client(tolerant=True)
        for path in (f"/documents/{doc_id}", f"/search?q={q('督导存储测试')}", f"/search?q={q('督导存储测试')}&tag={q('标签' + XSS[0])}",
                     f"/browse", f"/tags", f"/api/suggest?q={q('督导存储')}"):
            page = anonymous.get(path)
            why = "" if page.status == 200 else f"answered {page.status}"
            if page.html and active_markup(page.body):
                why = f"active markup: {active_markup(page.body)}"
            self.count("xss-stored", not why, path, page, why)
        for path in (f"/admin/?q={q('督导存储')}", f"/admin/documents/{doc_id}/edit", f"/admin/documents/{doc_id}/history",
                     "/admin/audit"):
            page = editor.get(path)
            why = "" if page.status in (200, 403) else f"answered {page.status}"
            if page.html and active_markup(page.body):
                why = f"active markup: {active_markup(page.body)}"
            self.count("xss-stored", not why, path, page, why)

    # CSRF ------------------------------------------------------------------------------------------
    def csrf(self, editor: Client, other: Client) -> None:
        doc = "jt-2005-jianbao-07"
        fields = editor.edit_form(doc)
        good_token = fields["csrf_token"]
        other_token = other.edit_form(doc)["csrf_token"]
        edited = dict(fields, body=fields["body"] + "\n\nCSRF 修改。\n")
        new_doc = {"title": "CSRF 新建文档", "level": "group", "date": "2005-03-01", "body": "CSRF 正文。\n"}
        routes = [
            (f"/admin/documents/{doc}/edit", edited),
            (f"/admin/documents/{doc}/delete", {}),
            (f"/admin/documents/{doc}/status", {"status": "已废止", "base_version": fields.get("base_version", "")}),
            (f"/admin/documents/{doc}/history/1/restore", {}),
            ("/admin/new", new_doc),
            ("/admin/trash/nothing/restore", {}),
            ("/admin/preview", {"body": "x"}),
            ("/admin/logout", {}),
        ]
        variants = {"none": None, "empty": "", "forged": "IjAwMDAwMDAwIg.Zz1xYQ.forged-signature-00000000000",
                    "another session's": other_token, "random": uuid.uuid4().hex}
        for path, data in routes:
            for label, token in variants.items():
                for via_header in (False, True):
                    body = {k: v for k, v in data.items() if k != "csrf_token"}
                    headers = {}
                    if token is not None and not via_header:
                        body["csrf_token"] = token
                    elif token is not None:
                        headers["X-CSRFToken"] = token
                    elif via_header:
                        continue
                    before = self.snapshot()
                    answer = editor.post(path, body, headers=headers)
                    after = self.snapshot()
                    changed = sorted(set(before.items()) ^ set(after.items()))
                    why = ""
                    if answer.status < 400 or answer.status >= 500:
                        why = f"answered {answer.status}"
                    if changed:
                        why += f" changed {changed[:3]}"
                    if path == "/admin/logout" and editor.get("/admin/").status != 200:
                        why += " the editor was logged out"
                        editor.login(EDITORS[0])
                    self.count("csrf", not why, f"POST {path} token={label}{' (header)' if via_header else ''}",
                               answer, why.strip())
        # a login without a token must not log anyone in (login CSRF)
        for label, token in variants.items():
            stranger = self.site.client(tolerant=True)
            stranger.get("/admin/login")
            body = {"name": EDITORS[0], "password": PASSWORD}
            if token is not None:
                body["csrf_token"] = token
            answer = stranger.post("/admin/login", body)
            logged_in = stranger.get("/admin/").status == 200
            why = ("answered %d" % answer.status if answer.status < 400 else "") + (" logged in" if logged_in else "")
            self.count("csrf", not why, f"POST /admin/login token={label}", answer, why.strip())
        # GET on POST-only routes changes nothing
        for path, _data in routes:
            if path.endswith("/edit") or path == "/admin/new":
                continue  # GET shows the form there
            before = self.snapshot()
            answer = editor.get(path)
            changed = before != self.snapshot()
            why = ("changed files" if changed else "") + (" answered 200" if answer.status == 200 else "")
            self.count("csrf", not why, f"GET {path}", answer, why.strip())
        if good_token:  # sanity: the same forms with the right token do work (so refusals above mean something)
            answer = editor.post("/admin/preview", json.dumps({"body": "x"}).encode(),
                                 headers={"Content-Type": "application/json", "X-CSRFToken": good_token})
            if answer.status != 200:
                raise SystemExit(f"preview with a valid token failed: {answer.status} {answer.body[:200]}")

    # auth -----------------------------------------------------------------------------------------
    def auth(self, editor: Client) -> None:
        doc = "zy-2005-sixiang-zhidu"
        gets = ["/admin/", "/admin/audit", f"/admin/documents/{doc}/edit", f"/admin/documents/{doc}/history",
                f"/admin/documents/{doc}/history/1", "/admin/new", "/admin/trash", "/admin/upload"]
        posts = [f"/admin/documents/{doc}/delete", f"/admin/documents/{doc}/edit", f"/admin/documents/{doc}/status",
                 f"/admin/documents/{doc}/history/1/restore", "/admin/new", "/admin/preview",
                 "/admin/trash/x/restore", "/admin/upload", "/admin/logout"]
        variants = ["/admin", "/admin//", "/admin/./", "//admin/", "/admin/%2e/", "/static/../admin/",
                    "/admin/login/../", "/%61dmin/", "/admin/;x", "/ADMIN/", "/Admin/audit", "/admin/audit/",
                    "/admin/%2e%2e/admin/audit", "/admin/login/..%2faudit", "/api/../admin/",
                    f"/admin/documents/{doc}/edit/", f"/admin/documents/{doc}%2fedit", "/admin/audit?next=/admin/",
                    "/admin/audit%00", "/admin/audit%20"]
        # a copied cookie of a session that logged out, and forged cookies
        leaver = self.site.client(tolerant=True)
        leaver.login(EDITORS[1])
        copied = dict(leaver.cookies)
        token = TOKEN_RE.search(leaver.get("/admin/new").body).group(1)
        leaver.post("/admin/logout", {"csrf_token": token})
        cookies = {"anonymous": {}, "logged out (copied)": copied,
                   "forged": {"session": "eyJ1c2VyIjoiaG9zdGlsZTEiLCJzdGFtcCI6IngifQ.Zz1xYQ.forged"},
                   "garbage": {"session": "x" * 5000}}  # NULs in a cookie: see MALFORMED
        for label, jar in cookies.items():
            client = self.site.client(tolerant=True)
            client.cookies = {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in jar.items()}
            for path in gets + variants:
                answer = client.get(q_path(path))
                why = self.admin_leak(answer, path)
                self.count("auth", not why, f"GET {path} ({label})", answer, why)
            for path in posts:
                answer = client.post(path, {"csrf_token": "", "status": "已废止", "body": "x"})
                why = self.admin_leak(answer, path)
                self.count("auth", not why, f"POST {path} ({label})", answer, why)
        # an editor is not an administrator
        for path in ("/admin/audit", "/admin/audit?page=2"):
            answer = editor.get(path)
            self.count("auth", answer.status == 403, f"GET {path} (editor)", answer,
                       "" if answer.status == 403 else f"answered {answer.status}")

    def admin_leak(self, answer: Response, path: str) -> str:
        if answer.status >= 500:
            return "server error"
        if answer.status in (301, 302, 303, 307, 308):
            where = urlsplit(answer.location).path
            return "" if where.startswith("/admin/login") or not where.startswith("/admin") \
                or where.rstrip("/") in ("/admin",) else f"redirect to {answer.location}"
        if answer.status != 200:
            return ""
        if 'name="password"' in answer.body and "/admin/login" in answer.body:
            return ""  # the login form itself
        return "200 without a login"

    # path traversal -------------------------------------------------------------------------------
    def leaked(self, answer: Response) -> str:
        for marker in self.leak_markers:
            if marker and marker in answer.body:
                return f"answer contains {marker[:20]!r}"
        return "server error" if answer.status >= 500 else ""

    def traversal(self, editor: Client) -> None:
        anonymous = self.site.client(tolerant=True)
        secret = str(self.site.work / "secret.md")
        ids = TRAVERSAL + [secret, secret.lstrip("/"), quote(secret, safe=""), "..%2f" * 8 + "etc%2fpasswd"]
        before = self.snapshot()
        for raw in ids:
            for template in ("/documents/{}", "/api/documents/{}", "/reading-lists/{}"):
                path = template.format(raw if "%" in raw else quote(raw, safe="/.~:;"))
                answer = anonymous.get(path)
                self.count("traversal", not self.leaked(answer), path, answer, self.leaked(answer))
            for template in ("/admin/documents/{}/edit", "/admin/documents/{}/history", "/admin/documents/{}/history/1"):
                path = template.format(raw if "%" in raw else quote(raw, safe="/.~:;"))
                answer = editor.get(path)
                self.count("traversal", not self.leaked(answer), path, answer, self.leaked(answer))
        for raw in STATIC:
            path = "/static/" + (raw if "%" in raw else quote(raw, safe="/.~"))
            answer = anonymous.get(path)
            self.count("traversal", not self.leaked(answer), path, answer, self.leaked(answer))
        # writes: saves and new documents aimed outside the corpus
        fields = editor.edit_form("jt-2005-dudao-zhoubao-zhidu")
        for raw in ("..%2fsecret", "..%2f..%2fsecret", "%2e%2e%2fsecret", quote(secret, safe="")):
            answer = editor.post(f"/admin/documents/{raw}/edit", dict(fields, body="覆盖。\n", csrf_token=fields["csrf_token"]))
            self.count("traversal", answer.status >= 400 and answer.status < 500, f"POST /admin/documents/{raw}/edit",
                       answer, "" if 400 <= answer.status < 500 else f"answered {answer.status}")
        for raw in ("../secret", "../../evil", "/tmp/hostile-evil", "..\\evil", "a/../../evil", "%2e%2e%2fevil"):
            answer = editor.post("/admin/new", {"csrf_token": fields["csrf_token"], "id": raw, "title": f"越界{raw}",
                                                "level": "group", "date": "2005-03-01", "body": "越界。\n"})
            # a file written outside the corpus shows in the snapshot comparison at the end
            self.count("traversal", answer.status < 500, f"POST /admin/new id={raw}", answer,
                       "answered %d" % answer.status if answer.status >= 500 else "")
        tag = "hostile-upload-" + uuid.uuid4().hex[:8]
        for template in UPLOAD_NAMES:
            name = template.format(tag=tag)
            boundary = "----hostile" + uuid.uuid4().hex
            content = f"# 上传越界测试\n\n{tag} 正文。\n".encode()
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{fields['csrf_token']}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"level\"\r\n\r\ngroup\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                    f"Content-Type: text/markdown\r\n\r\n").encode("utf-8", "surrogatepass") + content + f"\r\n--{boundary}--\r\n".encode()
            answer = editor.post("/admin/upload", body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            why = self.leaked(answer)
            self.count("traversal", not why, f"POST /admin/upload filename={name!r}", answer, why)
        strays = [str(p) for base in (self.site.work, Path("/tmp"), ROOT) for p in base.rglob(f"*{tag}*")
                  if base != Path("/tmp") or p.parent == Path("/tmp")]
        self.count("traversal", not strays, "files created by the uploads", None, f"created {strays}")
        after = self.snapshot()
        outside = [p for p in set(before) ^ set(after) | {p for p in before if before[p] != after.get(p)}
                   if not p.startswith(str(self.site.corpus)) and not p.startswith(str(self.site.var))]
        self.count("traversal", not outside, "files outside the corpus changed", None, f"changed {outside}")

    def report(self) -> dict:
        return {"attempts": sum(self.attempts.values()), "by_kind": self.attempts,
                "got_through": sum(self.through.values()), "through_by_kind": self.through, "breaches": self.breaches}


def q_path(path: str) -> str:
    """Quote only what http.client refuses (spaces, controls, non-ASCII); keep the attack's own escapes."""
    return quote(path, safe="/%?&=;.~:+")


def attacks(site: Site) -> dict:
    assert active_markup("<p><img src=x onerror=alert(1)></p>") and active_markup('<a href="javascript:alert(1)">x</a>')
    assert not active_markup("<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    editor, other = site.client(tolerant=True), site.client(tolerant=True)
    editor.login(EDITORS[0])
    other.login(EDITORS[1])
    attack = Attacks(site)
    attack.xss(editor)
    attack.csrf(editor, other)
    attack.auth(editor)
    attack.traversal(editor)
    return attack.report()


# -- 3. two editors ----------------------------------------------------------------------------------
def body_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


def normal(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def two_editors(site: Site, rounds: int, doc_id: str = "zy-2005-wutiao-yuanze") -> dict:
    clients = [site.client(), site.client()]
    for client, name in zip(clients, EDITORS):
        client.login(name)
    path = next(site.corpus.rglob(f"{doc_id}.md"))
    result = {"rounds": 0, "one_saved_one_conflict": 0, "both_saved": 0, "none_saved": 0, "unclean_conflict": 0,
              "file_not_winner": 0, "different_base_versions": 0, "max_seconds": 0.0, "examples": []}
    for number in range(1, rounds + 1):
        forms = [client.edit_form(doc_id) for client in clients]
        if forms[0]["base_version"] != forms[1]["base_version"]:
            result["different_base_versions"] += 1
        texts = [forms[i]["body"].rstrip("\n") + f"\n\n第{number}轮同时保存：编辑{'甲乙'[i]}的修改。\n" for i in range(2)]
        answers: list[Response | None] = [None, None]
        barrier = threading.Barrier(2)

        def save(i: int):
            data = dict(forms[i], body=texts[i], note=f"第{number}轮")
            barrier.wait()
            answers[i] = clients[i].post(f"/admin/documents/{doc_id}/edit", data)

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result["rounds"] += 1
        result["max_seconds"] = max(result["max_seconds"], *(a.seconds for a in answers))
        saved = [i for i, a in enumerate(answers) if a.status == 302 and a.location.endswith(f"/documents/{doc_id}")]
        conflicts = [i for i, a in enumerate(answers) if a.status == 409 and CONFLICT in a.body]
        body = normal(body_of(path))
        if len(saved) == 2:
            result["both_saved"] += 1
        elif not saved:
            result["none_saved"] += 1
        elif len(conflicts) == 1 and conflicts[0] != saved[0]:
            result["one_saved_one_conflict"] += 1
        else:
            result["unclean_conflict"] += 1
        if body not in (normal(texts[0]), normal(texts[1])) or saved and body != normal(texts[saved[0]]):
            result["file_not_winner"] += 1
        if (len(saved) != 1 or len(conflicts) != 1) and len(result["examples"]) < 5:
            result["examples"].append({"round": number, "answers": [(a.status, a.location, a.body[:200]) for a in answers]})
    result["max_seconds"] = round(result["max_seconds"], 3)
    result["conflict_message"] = CONFLICT
    return result


# -- 4. searches during rebuilds -----------------------------------------------------------------
def rebuilds(site: Site, searches: int, minimum_rebuilds: int) -> dict:
    queries = [w for w in WORDS] + [f"{a} {b}" for a in WORDS[:6] for b in WORDS[6:10]]
    baseline = {}
    client = site.client()
    for text in queries:
        answer = client.get(f"/api/search?q={q(text)}")
        baseline[text] = json.loads(answer.body)["total"]
    lock = threading.Lock()
    stats = {"searches": 0, "errors": 0, "changed_totals": 0, "max_seconds": 0.0, "examples": []}
    stop = threading.Event()

    def search(number: int):
        rng = random.Random(number)
        client = site.client()
        while not stop.is_set():
            text = rng.choice(queries)
            html = rng.random() < 0.5
            path = f"/search?q={q(text)}" if html else f"/api/search?q={q(text)}"
            why = ""
            try:
                answer = client.get(path)
                if answer.status != 200:
                    why = f"answered {answer.status}: {answer.body[:200]}"
                elif not html and json.loads(answer.body)["total"] != baseline[text]:
                    why = f"total {json.loads(answer.body)['total']} instead of {baseline[text]}"
                    with lock:
                        stats["changed_totals"] += 1
                    why = ""  # counted apart: a different total is not a failed request
            except (OSError, http.client.HTTPException, ValueError) as exc:
                why, answer = repr(exc), None
                client = site.client()
            with lock:
                stats["searches"] += 1
                if answer is not None:
                    stats["max_seconds"] = max(stats["max_seconds"], answer.seconds)
                if why:
                    stats["errors"] += 1
                    if len(stats["examples"]) < 10:
                        stats["examples"].append({"path": path, "why": why})

    threads = [threading.Thread(target=search, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    runs = []
    while len(runs) < minimum_rebuilds or stats["searches"] < searches:
        started = time.monotonic()
        done = subprocess.run(policykb("index", "--rebuild", "-q", "--corpus", str(site.corpus), "--index", str(site.index)),
                              cwd=ROOT, env=environment(), capture_output=True, text=True, encoding="utf-8", timeout=600)
        runs.append({"code": done.returncode, "seconds": round(time.monotonic() - started, 1),
                     "searches_so_far": stats["searches"], **({"stderr": done.stderr[-300:]} if done.returncode else {})})
    stop.set()
    for thread in threads:
        thread.join()
    stats["max_seconds"] = round(stats["max_seconds"], 3)
    stats["rebuilds"] = len(runs)
    stats["rebuild_failures"] = sum(1 for r in runs if r["code"])
    stats["rebuild_runs"] = runs
    return stats


# -- main ------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz", type=int, default=20000, help="number of fuzzed requests")
    parser.add_argument("--fuzz-threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=60, help="two-editor rounds")
    parser.add_argument("--searches", type=int, default=5000, help="searches during the rebuilds (at least)")
    parser.add_argument("--rebuilds", type=int, default=5, help="rebuilds during the searches (at least)")
    parser.add_argument("--only", default="fuzz,attacks,editors,rebuilds", help="comma-separated parts to run")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the corpus to copy (default: sample)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    site = Site(args.corpus, args.workers, args.threads)
    report: dict = {"site": f"http://{site.host}:{site.port}/", "work": str(site.work)}
    failures = 0
    try:
        if "fuzz" in parts:
            report["fuzz"] = fuzz(site, args.fuzz, args.fuzz_threads, args.seed)
            failures += report["fuzz"]["server_errors"] + report["fuzz"]["slow"] + report["fuzz"]["dropped"]
            print(json.dumps({"fuzz": report["fuzz"]}, ensure_ascii=False), flush=True)
            report["malformed"] = malformed(site)
            failures += report["malformed"]["no_answer"] + report["malformed"]["server_errors"]
            print(json.dumps({"malformed": report["malformed"]}, ensure_ascii=False), flush=True)
        if "attacks" in parts:
            report["attacks"] = attacks(site)
            failures += report["attacks"]["got_through"]
            print(json.dumps({"attacks": report["attacks"]}, ensure_ascii=False), flush=True)
        if "editors" in parts:
            report["editors"] = two_editors(site, args.rounds)
            e = report["editors"]
            failures += e["rounds"] - e["one_saved_one_conflict"] + e["file_not_winner"]
            print(json.dumps({"editors": e}, ensure_ascii=False), flush=True)
        if "rebuilds" in parts:
            report["rebuilds"] = rebuilds(site, args.searches, args.rebuilds)
            failures += report["rebuilds"]["errors"] + report["rebuilds"]["rebuild_failures"]
            print(json.dumps({"rebuilds": report["rebuilds"]}, ensure_ascii=False), flush=True)
    finally:
        site.stop()
        tracebacks = site.server_errors()
        report["server_tracebacks"] = len(tracebacks)
        if tracebacks:
            print("".join(site.log[-60:]), file=sys.stderr)
        if not args.keep:
            shutil.rmtree(site.work, ignore_errors=True)
    summary = {k: report[k] for k in ("server_tracebacks",)}
    for part in ("fuzz", "malformed", "attacks", "editors", "rebuilds"):
        if part in report:
            r = report[part]
            summary[part] = {k: r[k] for k in r if k not in ("examples", "breaches", "rebuild_runs", "by_route")}
    print(json.dumps({"summary": summary, "failures": failures}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
