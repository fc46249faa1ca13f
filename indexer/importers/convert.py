"""Turn uploaded bytes into a :class:`Draft`: check, sniff, parse (sandboxed), guess metadata."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..corpus import content_hash
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
                 encoding: str | None = None) -> Draft:
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
    return convert_bytes(data, name, limits, encoding)


def convert_bytes(data: bytes, filename: str, limits: ImportLimits = ImportLimits(),
                  encoding: str | None = None) -> Draft:
    """Convert file *data* named *filename* into a draft, or raise ImportRefused.

    :param encoding: of a .txt/.md file (``big5``, ``utf-16``, ...); without it only an encoding
        that is certain is used, and otherwise the file is refused asking for one.
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
    result = run_worker(kind, data, name, limits, encoding if kind in ("txt", "md") else None)
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


def run_worker(kind: str, data: bytes, name: str, limits: ImportLimits, encoding: str | None = None) -> dict:
    """Parse file bytes in a child process bounded in time and memory; return its result."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "indexer.importers.worker", kind, str(limits.memory_mb), encoding or ""],
            input=data, capture_output=True, timeout=limits.timeout, env=env, cwd=package_root)
    except subprocess.TimeoutExpired:
        raise ImportRefused("timeout", f"文件解析超过 {limits.timeout:g} 秒仍未完成，已放弃。"
                            "文件可能过于复杂或已损坏，请另存后再试。", name)
    try:
        result = json.loads(completed.stdout.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        # killed by the memory cap or crashed before answering
        raise ImportRefused("memory", "文件过于复杂，解析时超出资源上限，已放弃。请另存为较小的文件后再试。", name)
    if not result.get("ok"):
        raise ImportRefused(result.get("reason", "broken"), result.get("message", "无法读取文件。"), name)
    return result


def _too_large(size: int, limits: ImportLimits, name: str) -> ImportRefused:
    return ImportRefused("too_large", f"文件有 {size / MB:.1f} MB，超过上限 {limits.max_bytes / MB:.0f} MB。", name)
