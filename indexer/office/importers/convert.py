"""Turn uploaded bytes into a :class:`Draft`: check, sniff, parse (sandboxed), guess metadata."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ...corpus import content_hash
from .draft import Draft
from .errors import ImportRefused
from .guess import guess_meta, structure_plain_text
from .sniff import check_zip, sniff
from .text import encoding_codec

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """Budgets for one imported file (all configurable; defaults suit office documents)."""

    max_bytes: int = 20 * MB
    max_unzipped: int = 100 * MB
    max_entries: int = 1000
    timeout: float = 60.0
    memory_mb: int = 1024


def convert_file(path: str | os.PathLike, limits: ImportLimits = ImportLimits(),
                 encoding: str | None = None, worker: "WorkerSession | None" = None) -> Draft:
    """Read *path* (refusing it before reading when too large) and convert it."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(size, limits, name)
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ImportRefused("broken", f"无法读取文件：{exc.strerror}。", name)
    return convert_bytes(data, name, limits, encoding, worker)


def convert_bytes(data: bytes, filename: str, limits: ImportLimits = ImportLimits(),
                  encoding: str | None = None, worker: "WorkerSession | None" = None) -> Draft:
    """Convert file *data* named *filename* into a draft, or raise ImportRefused.

    :param encoding: of a .txt/.md file (``big5``, ``utf-16``, ...); without it only an encoding
        that is certain is used, and otherwise the file is refused asking for one.
    :param worker: a :class:`WorkerSession` to convert in (many files); else a process of its own.
    :raises ImportRefused: empty, too large, unsupported or disguised type, wrong or uncertain
        encoding, zip bomb, broken or encrypted file, PDF without text layer, parser timeout.
    """
    name = Path(filename or "").name
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits, name)
    if encoding:
        encoding_codec(encoding)  # an unknown name is refused before any work
    kind = sniff(data, name, encoding)
    if kind == "docx":
        check_zip(data, name, limits.max_unzipped, limits.max_entries)
    # Every kind, text included, is parsed in the worker: YAML front matter and long lines are
    # as able to hold a process as a hostile .docx.
    encoding = encoding if kind in ("txt", "md") else None
    result = worker.run(kind, data, name, encoding) if worker else run_worker(kind, data, name, limits, encoding)
    text = result["text"]
    body = structure_plain_text(text, join_wrapped=True) if kind == "pdf" else text
    if not body.strip():
        raise ImportRefused("no_text", "文件中没有正文文字。", name)
    preset = result.get("preset") or {}
    meta, guessed_notes = guess_meta(body, name)
    meta.update(preset)
    if preset and {"date", "doc_no", "issuer"} <= set(preset):
        guessed_notes = [n for n in guessed_notes if not n.startswith("以下字段")]
    return Draft(meta=meta, body=body, kind=kind, source_name=name, source_hash=content_hash(data),
                 notes=tuple(list(result.get("notes") or []) + guessed_notes))


def _worker_command(*args: str) -> tuple[list[str], dict, str]:
    package_root = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ)
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    return [sys.executable, "-m", "indexer.office.importers.worker", *args], env, package_root


def run_worker(kind: str, data: bytes, name: str, limits: ImportLimits, encoding: str | None = None) -> dict:
    """Parse file bytes in a child process bounded in time and memory; return its result."""
    command, env, cwd = _worker_command(kind, str(limits.memory_mb), encoding or "", str(limits.timeout))
    try:
        completed = subprocess.run(command, input=data, capture_output=True, timeout=limits.timeout,
                                   env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise _timed_out(limits, name)
    try:
        result = json.loads(completed.stdout.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise _out_of_memory(name)  # killed by the memory cap or crashed before answering
    return _checked(result, name)


class WorkerSession:
    """One worker process reused for the files of a bulk import, under the same per-file limits.

    A fresh process per file costs ~0.1 s, most of an import of small text files.  The process is
    replaced after a file that timed out, ran out of memory or crashed it, and every
    ``RESTART_EVERY`` files so memory kept from earlier files never eats into the budget.
    """

    RESTART_EVERY = 200

    def __init__(self, limits: ImportLimits = ImportLimits()):
        self.limits = limits
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self._reader: threading.Thread | None = None
        self._files = 0

    def __enter__(self) -> "WorkerSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Let the worker finish (end of input) and wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        self._reader.join()

    def _start(self) -> subprocess.Popen:
        command, env, cwd = _worker_command("--serve", str(self.limits.memory_mb), str(self.limits.timeout))
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        self._answers = queue.Queue()
        # a thread, not select(): pipes cannot be polled on Windows
        self._reader = threading.Thread(target=_read_answers, args=(process.stdout, self._answers), daemon=True)
        self._reader.start()
        self._files = 0
        return process

    def run(self, kind: str, data: bytes, name: str, encoding: str | None = None) -> dict:
        """Convert one file in the worker; return its result or raise ImportRefused."""
        if self._process is None or self._process.poll() is not None or self._files >= self.RESTART_EVERY:
            self.close()
            self._process = self._start()
        self._files += 1
        header = json.dumps({"kind": kind, "encoding": encoding or "", "size": len(data)}).encode() + b"\n"
        try:
            self._process.stdin.write(header + data)
            self._process.stdin.flush()
            line = self._answers.get(timeout=self.limits.timeout)
        except queue.Empty:
            self._kill()
            raise _timed_out(self.limits, name)
        except OSError:  # the worker died while reading the file
            line = b""
        try:
            result = json.loads(line.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            self._kill()
            raise _out_of_memory(name)
        if result.get("reason") == "memory":
            self._kill()  # it exits by itself; do not write the next file into a closing pipe
        return _checked(result, name)

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            try:
                process.stdin.close()
            except OSError:
                pass  # a broken pipe: the worker is gone either way
            self._reader.join()


def _read_answers(stdout, answers: queue.Queue) -> None:
    with stdout:
        for line in stdout:
            answers.put(line)
    answers.put(b"")


def _checked(result: dict, name: str) -> dict:
    if not result.get("ok"):
        raise ImportRefused(result.get("reason", "broken"), result.get("message", "无法读取文件。"), name)
    return result


def _timed_out(limits: ImportLimits, name: str) -> ImportRefused:
    return ImportRefused("timeout", f"文件解析超过 {limits.timeout:g} 秒仍未完成，已放弃。"
                         "文件可能过于复杂或已损坏，请另存后再试。", name)


def _out_of_memory(name: str) -> ImportRefused:
    return ImportRefused("memory", "文件过于复杂，解析时超出资源上限，已放弃。请另存为较小的文件后再试。", name)


def _too_large(size: int, limits: ImportLimits, name: str) -> ImportRefused:
    return ImportRefused("too_large", f"文件有 {size / MB:.1f} MB，超过上限 {limits.max_bytes / MB:.0f} MB。", name)
