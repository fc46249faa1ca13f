"""Answer feedback (有用 / 没用) and the misses log, in the instance SQLite database.

Nothing personal is stored: a row holds the question as typed, what happened (refused, a low
score, marked useful or not), the answer given and when.  The rate limit counts by a hash of the
visitor's address kept in memory only, for a few minutes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from indexer import QueryError

from .context import get_kb
from .office import get_office

bp = Blueprint("feedback", __name__)

EVENTS = {"refused": "拒答", "low": "低分", "useless": "没用", "useful": "有用"}
MISS_EVENTS = ("refused", "low", "useless")

SCHEMA = """
CREATE TABLE IF NOT EXISTS question_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    grouping TEXT NOT NULL,
    event TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    doc_id TEXT NOT NULL DEFAULT '',
    score REAL
);
CREATE INDEX IF NOT EXISTS question_log_at ON question_log (at);
"""

_PUNCT_RE = re.compile(r"[\s\W_]+", re.U)
_FILLER_RE = re.compile(r"^(请问|我想问一下|我想问|问一下|想问一下)|(吗|呢|啊|呀|吧)$")
SIMILAR = 0.5  # bigram overlap (Jaccard) at which two wordings count as one question


def grouping_key(question: str) -> str:
    """Return the question without width, punctuation, spaces and polite fillers."""
    text = _PUNCT_RE.sub("", unicodedata.normalize("NFKC", question)).lower()
    for _ in range(2):
        text = _FILLER_RE.sub("", text)
    return text[:200]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


@dataclass
class MissGroup:
    """Questions of similar wording with what happened to them."""

    question: str
    grouping: str
    wordings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=lambda: {k: 0 for k in EVENTS})
    asked: int = 0
    answer: str = ""
    doc_id: str = ""
    last: float = 0.0
    in_set: bool = False

    @property
    def last_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.last))


class QuestionLog:
    """Append question events and group them for the misses page."""

    def __init__(self, db, retention_days: int):
        self.db = db
        self.retention = max(1, int(retention_days)) * 86400
        self._ready = False
        self._purged = 0.0

    def _schema(self, conn) -> None:
        if not self._ready:
            conn.executescript(SCHEMA)
            self._ready = True

    def record(self, question: str, event: str, answer: str = "", doc_id: str = "", score=None) -> None:
        if event not in EVENTS:
            raise ValueError(event)
        now = time.time()
        with self.db.connect() as conn:
            self._schema(conn)
            conn.execute("INSERT INTO question_log (at, question, grouping, event, answer, doc_id, score) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (now, question[:200], grouping_key(question), event, answer[:500], doc_id[:200], score))
            if now - self._purged > 3600:  # the retention setting: older rows go
                conn.execute("DELETE FROM question_log WHERE at < ?", (now - self.retention,))
                self._purged = now

    def groups(self, limit: int = 5000) -> list[MissGroup]:
        """Return groups with at least one miss (refused, low score, 没用), most frequent first."""
        with self.db.connect() as conn:
            self._schema(conn)
            rows = conn.execute("SELECT * FROM question_log WHERE at >= ? ORDER BY id DESC LIMIT ?",
                                (time.time() - self.retention, limit)).fetchall()
        by_key: dict[str, MissGroup] = {}
        for row in rows:  # newest first: the first row of a wording gives its latest answer
            group = by_key.get(row["grouping"])
            if group is None:
                group = by_key[row["grouping"]] = MissGroup(row["question"], row["grouping"], last=row["at"])
            if row["question"] not in group.wordings:
                group.wordings.append(row["question"])
            group.counts[row["event"]] += 1
            group.asked += row["event"] in ("refused", "low")
            if not group.answer and row["answer"]:
                group.answer, group.doc_id = row["answer"], row["doc_id"]
        merged: list[MissGroup] = []
        for group in sorted(by_key.values(), key=lambda g: -sum(g.counts.values())):
            grams = _bigrams(group.grouping)
            for target in merged:
                other = _bigrams(target.grouping)
                if len(grams & other) / len(grams | other) >= SIMILAR:
                    for word in group.wordings:
                        if word not in target.wordings:
                            target.wordings.append(word)
                    for key, count in group.counts.items():
                        target.counts[key] += count
                    target.asked += group.asked
                    target.answer = target.answer or group.answer
                    target.doc_id = target.doc_id or group.doc_id
                    target.last = max(target.last, group.last)
                    break
            else:
                merged.append(group)
        misses = [g for g in merged if any(g.counts[e] for e in MISS_EVENTS)]
        return sorted(misses, key=lambda g: (-(g.counts["refused"] + g.counts["low"] + g.counts["useless"]), -g.last))


class RateLimit:
    """At most *limit* submissions per 10 minutes per address hash (memory only, per process)."""

    def __init__(self, limit: int):
        self.limit = int(limit)
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._salt = os.urandom(16)

    def allow(self, address: str) -> bool:
        key = hashlib.sha256(self._salt + (address or "").encode()).hexdigest()[:16]
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - 600}
            times = [t for t in self._seen.get(key, []) if t > now - 600]
            if len(times) >= self.limit:
                self._seen[key] = times
                return False
            times.append(now)
            self._seen[key] = times
            return True


# -- the office's question set (policykb eval's JSON Lines file) ----------------------------------
def question_set_path() -> Path:
    configured = current_app.config.get("QUESTION_SET")
    return Path(configured) if configured else Path(get_kb().corpus.root) / "questions.jsonl"


def question_set_questions(path: Path) -> set[str]:
    found = set()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return found
    for line in text.split("\n"):
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and isinstance(item.get("q"), str):
            found.add(grouping_key(item["q"]))
    return found


def add_to_question_set(path: Path, question: str, answer: str, doc: str) -> str:
    """Append one question to the JSON Lines file atomically; return its id."""
    from indexer import atomic_write
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    lines = [line for line in old.decode("utf-8-sig").split("\n") if line.strip()]
    qid = f"web-{len(lines) + 1}"
    item = {"id": qid, "q": question, "a": [answer]}
    if doc:
        item["doc"] = doc
    text = "\n".join(lines + [json.dumps(item, ensure_ascii=False)]) + "\n"
    atomic_write(path, text.encode("utf-8"))
    return qid


# -- app wiring -------------------------------------------------------------------------------------
def configure(app) -> None:
    """Open the question log and the feedback limit (settings ``FEEDBACK_*``: ``indexer.SETTINGS``)."""
    db = get_office_db(app)
    app.extensions["policykb.questions"] = QuestionLog(db, app.config["FEEDBACK_RETENTION_DAYS"])
    app.extensions["policykb.feedback_limit"] = RateLimit(app.config["FEEDBACK_PER_10_MINUTES"])
    app.register_blueprint(bp)


def get_office_db(app):
    return app.extensions["policykb.office"].db


def question_log() -> QuestionLog:
    return current_app.extensions["policykb.questions"]


def note_answer(question: str, answer_set) -> None:
    """Log a refused or weakly answered question shown on the site (never fails the page)."""
    try:
        if not answer_set.answers:
            question_log().record(question, "refused")
            return
        top = answer_set.answers[0]
        if answer_set.tentative or top.score < float(current_app.config["FEEDBACK_LOW_SCORE"]):
            question_log().record(question, "low", top.text, top.doc_id, top.score)
    except Exception:  # the log is a help for the office; a locked database must not break a search
        current_app.logger.warning("logging a missed question failed", exc_info=True)


@bp.post("/feedback")
def submit():
    """Record 有用 / 没用 for the answer a question got, then go back to the results."""
    question = request.form.get("q", "").replace("\x00", "").strip()[:200]
    verdict = request.form.get("verdict", "")
    if not question or verdict not in ("useful", "useless"):
        abort(400)
    back = url_for("search.results", q=question)
    if not current_app.extensions["policykb.feedback_limit"].allow(request.remote_addr or ""):
        return render_template("error.html", status=429, title="反馈太频繁",
                               message="您提交反馈太频繁了，请过几分钟再试。谢谢您的意见。", q=question), 429
    try:
        answers = get_kb().ask(question, limit=1)
    except QueryError:
        abort(400)
    top = answers.answers[0] if answers.answers else None
    question_log().record(question, verdict, top.text if top else "", top.doc_id if top else "",
                          top.score if top else None)
    flash("谢谢您的反馈，办公室会据此改进知识库。" if verdict == "useless" else "谢谢您的反馈。", "success")
    return redirect(back)


def misses_csv(groups: list[MissGroup]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["问题", "其他写法", "被问次数", "拒答", "低分", "没用", "有用", "给出的回答", "出处", "最近时间", "已在问题集"])
    for g in groups:
        writer.writerow([g.question, "；".join(w for w in g.wordings if w != g.question), g.asked,
                         g.counts["refused"], g.counts["low"], g.counts["useless"], g.counts["useful"],
                         g.answer, g.doc_id, g.last_text, "是" if g.in_set else ""])
    return "\ufeff" + out.getvalue()


__all__ = ["bp", "configure", "note_answer", "QuestionLog", "grouping_key", "EVENTS", "get_office"]
