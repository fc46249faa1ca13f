#!/usr/bin/env python3
"""Check bench/qa_sets/law_natural.jsonl against the statute texts.

Usage:
    python bench/qa_sets/check_law_questions.py [--laws DIR] [--set FILE]

DIR is the ``laws`` directory of the lawrefbook dump (the folder that holds
社会法/, 行政法/, ...).  Default: /tmp/laws/laws if it exists, otherwise
../shared/data/lawrefbook-laws.tar.gz (relative to the repo root) is unpacked
into a temporary directory.

For every item it checks that
  * the file exists and its first ``# `` heading equals ``doc``;
  * the article ``article`` exists in the file;
  * every answer in ``a`` occurs verbatim (whitespace removed) in the text of
    that article (from its ``第X条`` line up to the next article line or
    heading);
  * the question ``q`` does not contain any answer string;
  * the fields have the expected types / values, ids are unique.
It prints summary counts and every failure; exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import atexit
import json
import re
import shutil
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SET = Path(__file__).resolve().parent / "law_natural.jsonl"
DEFAULT_LAWS = Path("/tmp/laws/laws")
TARBALL = REPO.parent / "shared" / "data" / "lawrefbook-laws.tar.gz"

KINDS = {"deadline", "amount", "age", "organ", "permission", "multiple",
         "duration", "count", "other"}
SPLITS = {"dev", "test"}
REQUIRED = {"id": str, "q": str, "a": list, "doc": str, "file": str,
            "article": str, "names_law": bool, "split": str, "kind": str}

CN_NUM = "一二三四五六七八九十百千零〇两"
# An article line: "第X条 ..." or "第X条之一 ..." at the start of a line.
ARTICLE_RE = re.compile(rf"^(第[{CN_NUM}]+条(?:之[{CN_NUM}]+)?)[\s\u3000]")
WS_RE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Remove all whitespace (including full-width spaces)."""
    return WS_RE.sub("", text.replace("\u3000", ""))


def unpack_tarball() -> Path:
    if not TARBALL.exists():
        sys.exit(f"法规目录不存在，且找不到压缩包 {TARBALL}；请用 --laws 指定目录")
    tmp = Path(tempfile.mkdtemp(prefix="laws_"))
    atexit.register(shutil.rmtree, tmp, True)
    with tarfile.open(TARBALL) as tf:
        try:
            tf.extractall(tmp, filter="data")
        except TypeError:  # Python without the extraction filter argument
            tf.extractall(tmp)
    laws = tmp / "laws"
    return laws if laws.is_dir() else tmp


def first_heading(lines: list[str]) -> str | None:
    for line in lines:
        if line.startswith("# "):
            return line[2:].strip()
    return None


def articles(lines: list[str]) -> dict[str, list[str]]:
    """Map article label -> list of article texts (a label may repeat)."""
    out: dict[str, list[str]] = {}
    cur: str | None = None
    buf: list[str] = []

    def flush() -> None:
        if cur is not None:
            out.setdefault(cur, []).append("\n".join(buf))

    for line in lines:
        m = ARTICLE_RE.match(line)
        if m or line.startswith("#"):
            flush()
            cur, buf = (m.group(1), [line]) if m else (None, [])
        elif cur is not None:
            buf.append(line)
    flush()
    return out


def check_item(item: dict, laws: Path, cache: dict) -> tuple[list[str], list[str]]:
    errs: list[str] = []
    warns: list[str] = []
    for key, typ in REQUIRED.items():
        if key not in item:
            errs.append(f"缺少字段 {key}")
        elif not isinstance(item[key], typ):
            errs.append(f"字段 {key} 类型应为 {typ.__name__}")
    if errs:
        return errs, warns
    extra = set(item) - set(REQUIRED)
    if extra:
        warns.append(f"多余字段 {sorted(extra)}")
    if item["split"] not in SPLITS:
        errs.append(f"split 非法: {item['split']}")
    if item["kind"] not in KINDS:
        errs.append(f"kind 非法: {item['kind']}")
    answers = item["a"]
    if not answers or not all(isinstance(a, str) and squash(a) for a in answers):
        errs.append("a 必须是非空字符串列表")
        return errs, warns

    q = squash(item["q"])
    for a in answers:
        if squash(a) in q:
            errs.append(f"问题中包含答案「{a}」")

    path = laws / item["file"]
    if not path.is_file():
        errs.append(f"文件不存在: {item['file']}")
        return errs, warns
    if path not in cache:
        lines = path.read_text(encoding="utf-8").splitlines()
        cache[path] = (first_heading(lines), articles(lines))
    heading, arts = cache[path]
    if heading != item["doc"]:
        errs.append(f"标题不符: 文件为「{heading}」, doc 为「{item['doc']}」")
    texts = arts.get(item["article"])
    if not texts:
        errs.append(f"文件中找不到 {item['article']}")
        return errs, warns
    if len(texts) > 1:
        warns.append(f"{item['article']} 在文件中出现 {len(texts)} 次，只检查第一次")
    body = squash(texts[0])
    for a in answers:
        if squash(a) not in body:
            errs.append(f"答案「{a}」不在 {item['article']} 原文中")
    return errs, warns


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--laws", type=Path, help="laws 目录（含 社会法/ 等子目录）")
    ap.add_argument("--set", type=Path, default=DEFAULT_SET, help="问题集 jsonl")
    args = ap.parse_args()

    laws = args.laws or (DEFAULT_LAWS if DEFAULT_LAWS.is_dir() else unpack_tarball())
    if not laws.is_dir():
        sys.exit(f"法规目录不存在: {laws}")

    items: list[dict] = []
    failures: list[str] = []
    warnings: list[str] = []
    for n, line in enumerate(args.set.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as e:
            failures.append(f"第 {n} 行 JSON 解析失败: {e}")

    cache: dict = {}
    ids = Counter(it.get("id") for it in items)
    for dup, c in ids.items():
        if c > 1:
            failures.append(f"id 重复: {dup} ×{c}")
    seen_q: dict[str, str] = {}
    seen_art: dict[tuple, str] = {}
    for it in items:
        iid = it.get("id", "?")
        errs, warns = check_item(it, laws, cache)
        failures += [f"{iid}: {e}" for e in errs]
        warnings += [f"{iid}: {w}" for w in warns]
        q = squash(str(it.get("q", "")))
        if q in seen_q:
            failures.append(f"{iid}: 问题与 {seen_q[q]} 完全相同")
        seen_q.setdefault(q, iid)
        key = (it.get("file"), it.get("article"))
        if key in seen_art:
            failures.append(f"{iid}: 与 {seen_art[key]} 问的是同一条 {key[1]}")
        seen_art.setdefault(key, iid)

    total = len(items)
    splits = Counter(it.get("split") for it in items)
    kinds = Counter(it.get("kind") for it in items)
    named = sum(1 for it in items if it.get("names_law") is True)
    docs = {(it.get("doc"), it.get("file", "").split("/")[0]) for it in items}
    files = {it.get("file") for it in items}
    folders = Counter(it.get("file", "").split("/")[0] for it in items)

    print(f"问题总数: {total}")
    print("按 split: " + ", ".join(f"{k}={v}" for k, v in sorted(splits.items())))
    if total:
        print(f"提到法律名称 (names_law=true): {named}/{total} = {named / total:.0%}")
    print(f"不同法律/法规 (按 doc 标题): {len({d for d, _ in docs})}; 不同文件: {len(files)}")
    print("按目录: " + ", ".join(f"{k}={v}" for k, v in folders.most_common()))
    print("按 kind: " + ", ".join(f"{k}={v}" for k, v in kinds.most_common()))
    for w in warnings:
        print(f"警告 {w}")
    print(f"失败: {len(failures)}")
    for f in failures:
        print(f"  失败 {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
