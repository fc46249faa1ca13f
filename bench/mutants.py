"""Break the code on purpose, one promise at a time, and check that the test suite notices.

Usage: python bench/mutants.py [--list] [--keep] [NAME ...]

Each break in ``BREAKS`` is (name, file, exact old text, new text, test files, description).
For each one the working tree is copied to a temporary directory (without .git, indexes and
caches), the old text is replaced by the new text (it must occur exactly once), and the named
test files run there with that copy first on the path.  A break is *caught* when pytest reports
failing tests (exit status 1), *missed* when they all pass; any other pytest status (a syntax
error in the break, no tests collected) is reported as an error.  The exit status is 0 only when
every break was caught.  Not run by CI: it takes several minutes.

To add a promise: append one ``Break`` to the list below, with the smallest change that breaks
it and the test files that should notice.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Break:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    description: str


QA = ("tests/test_qa.py", "tests/test_qa_promises.py", "tests/test_natural_qa.py", "tests/test_qa_floors.py")
ADMIN = ("tests/test_admin.py", "tests/test_csrf.py")
FACETS = ("tests/test_webapp.py", "tests/test_facet_recount.py")
RELIABILITY_INPUT = ("tests/test_reliability_input.py",)
RELIABILITY_PROCESS = ("tests/test_reliability_process.py",)


def csrf_exempt(name: str, view: str, form: str) -> Break:
    """Exempt one view from the CSRF check (as a decorator or an app.py line would)."""
    return Break(name, "webapp/auth.py", "    csrf.init_app(app)\n",
                 f"    csrf.init_app(app)\n    csrf.exempt(\"{view}\")\n", ADMIN,
                 f"只有{form}不查 CSRF 令牌")


RECOUNT = "    for name in clauses:\n"  # indexer/search/facets.py: count_facets recounts each filtered facet


def facet_not_recounted(name: str, label: str) -> Break:
    """Skip the disjunctive recount of one facet (the others still recount)."""
    return Break(f"{name}-facet-skipped", "indexer/search/facets.py", RECOUNT,
                 f"    for name in [n for n in clauses if n != {name!r}]:\n", FACETS,
                 f"{label}分面选中后不再去掉自身条件重新计数")


BREAKS = [
    # -- the breaks issue 15 found unnoticed ------------------------------------------------------
    Break("unit-binding", "indexer/search/run.py",
          "if _NUMBER_RE.match(token) and i + 1 < len(meaningful) and not _NUMBER_RE.match(meaningful[i + 1]):",
          "if False:",
          ("tests/test_search.py",), "8学时≠32学时：数字与单位不再绑定（各自成为必选词）"),
    csrf_exempt("csrf-exempt-edit", "webapp.admin.editor.update", "修改保存表单（POST /admin/documents/<id>/edit）"),
    csrf_exempt("csrf-exempt-status", "webapp.admin.lifecycle.set_status", "状态表单（POST /admin/documents/<id>/status）"),
    csrf_exempt("csrf-exempt-untrash", "webapp.admin.lifecycle.untrash", "回收站恢复表单"),
    csrf_exempt("csrf-exempt-preview", "webapp.admin.editor.preview", "实时预览（POST /admin/preview，令牌在请求头中）"),
    Break("write-in-place", "indexer/corpus/reader.py",
          "    while True:\n        tmp = os.path.join(path.parent, f\".tmp-{uuid.uuid4().hex[:12]}\")",
          "    with open(path, \"wb\") as handle:\n        handle.write(data)\n    return\n"
          "    while True:\n        tmp = os.path.join(path.parent, f\".tmp-{uuid.uuid4().hex[:12]}\")",
          ("tests/test_atomic_write.py", "tests/test_editing.py"),
          "语料文件就地写入（截断后写，没有临时文件、没有改名、没有 fsync）"),
    Break("write-no-fsync", "indexer/corpus/reader.py",
          "            handle.flush()\n            os.fsync(handle.fileno())\n", "            handle.flush()\n",
          ("tests/test_atomic_write.py",), "语料文件写入临时文件后不 fsync 就改名（断电后可能是空文件）"),
    Break("min-evidence-0.25", "indexer/qa/answerer.py", "MIN_EVIDENCE = 0.35", "MIN_EVIDENCE = 0.25", QA,
          "证据下限从 0.35 降到 0.25"),
    Break("min-evidence-0.5", "indexer/qa/answerer.py", "MIN_EVIDENCE = 0.35", "MIN_EVIDENCE = 0.5", QA,
          "证据下限从 0.35 升到 0.5"),
    Break("min-score-0.1", "indexer/qa/answerer.py", "MIN_SCORE = 0.2", "MIN_SCORE = 0.1", QA, "得分下限从 0.2 降到 0.1"),
    Break("floors-0", "indexer/qa/answerer.py", "MIN_EVIDENCE = 0.35\nMIN_SCORE = 0.2",
          "MIN_EVIDENCE = 0\nMIN_SCORE = 0", QA, "两个拒答下限都为 0"),
    facet_not_recounted("year", "年份"),
    facet_not_recounted("level", "级别"),
    facet_not_recounted("doc_type", "文种"),
    facet_not_recounted("issuer", "发文机关"),
    facet_not_recounted("tags", "主题标签"),
    facet_not_recounted("status", "状态"),
    Break("repealed-like-current", "indexer/qa/answerer.py",
          'STATUS_FACTOR = {"现行有效": 1.0, "已被替代": 0.6, "已废止": 0.5}',
          'STATUS_FACTOR = {"现行有效": 1.0, "已被替代": 1.0, "已废止": 1.0}',
          QA, "已废止、已被替代的文件在问答中与现行文件同等排序"),
    Break("measure-word-dropped", "indexer/search/run.py",
          'MEASURE_WORDS = frozenset({"个"})', "MEASURE_WORDS = frozenset()",
          ("tests/test_search.py",), "数字后的量词“个”被当作停用词丢掉（3个月、5个工作日查不到）"),
    # -- breaks the suite already caught when the issue was filed -------------------------------------
    Break("article-numerals", "indexer/analysis/textnorm.py",
          'return f"第{value}{unit}"', 'return f"第{number}{unit}"',
          ("tests/test_analysis.py", "tests/test_search.py"), "条款号中的中文数字不再规范化（第三十二条≠第32条）"),
    Break("alias-expansion", "indexer/search/run.py",
          "names = self.aliases[piece]", "names = []",
          ("tests/test_search.py",), "检索不再把简称扩展为全称"),
    Break("csrf-off", "webapp/auth.py", "    csrf.init_app(app)\n", "", ADMIN, "整个网站关闭 CSRF 保护"),
    Break("zip-bomb", "indexer/office/importers/sniff.py", "    if total > max_unzipped:", "    if False:",
          ("tests/test_importers.py", "tests/test_admin.py"), "去掉 Word 文件解压后大小的检查（压缩炸弹）"),
    Break("index-before-write", "indexer/office/workspace.py",
          "        atomic_write(path, new)\n        info = self.history_store.append(doc_id, new, author=author, "
          "action=action, summary=summary, path=relpath)\n        self.pending.end(doc_id)\n"
          "        indexed, notice = self._reindex(relpath)\n",
          "        indexed, notice = self._reindex(relpath)\n        atomic_write(path, new)\n"
          "        info = self.history_store.append(doc_id, new, author=author, action=action, summary=summary, "
          "path=relpath)\n        self.pending.end(doc_id)\n",
          ("tests/test_editing.py", "tests/test_admin.py"), "修改时先更新索引、后写文件"),
    Break("facet-recount-removed", "indexer/search/facets.py", RECOUNT, "    for name in ():\n",
          FACETS, "检索页的分面不再去掉自身条件重新计数"),
    Break("per-address-lockout", "webapp/accounts.py",
          ', (f"addr:{address}", self.per_address)]', "]",
          ("tests/test_admin.py",), "忽略同一来源地址的登录失败次数"),
    Break("related-citation-ignored", "indexer/search/catalog.py",
          "                score += 1  # the citations", "                score += 0  # the citations",
          ("tests/test_catalog.py",), "相关文档不再考虑引用关系（同分时引用的文档不再靠前）"),
    Break("related-level-ignored", "indexer/search/catalog.py",
          "                score += 0.5\n", "                score += 0\n",
          ("tests/test_catalog.py",), "相关文档不再考虑级别相同"),
    Break("related-replacement-ignored", "indexer/search/catalog.py",
          "                score += 10\n", "                score += 0\n",
          ("tests/test_catalog.py",), "相关文档不再把替代与被替代的文件排在最前"),
    # -- Q&A promises (issue 10 and later) ----------------------------------------------------------
    Break("nicknames-emptied", "indexer/search/naming.py", "NICKNAMES = {", "NICKNAMES = {} and {",
          QA, "法律的俗称（交通法、消法……）不再指向法律"),
    Break("wording-factor-1", "indexer/corpus/wording.py", "WORDING_FACTOR = 0.7", "WORDING_FACTOR = 1.0",
          QA, "口语词换成的规范用语与原词同等计分"),
    Break("unnamed-factor-1", "indexer/qa/answerer.py", "UNNAMED_FACTOR = 0.5", "UNNAMED_FACTOR = 1.0",
          QA, "问题点名某部法律时，其他文件的段落不再降权"),
    Break("local-factor-1", "indexer/qa/answerer.py", "LOCAL_FACTOR = 0.5", "LOCAL_FACTOR = 1.0",
          QA, "问题未提地名时，地方性规定不再让位于全国性规定"),
    Break("single-char-factor-1", "indexer/qa/coverage.py", "SINGLE_CHAR_FACTOR = 0.4", "SINGLE_CHAR_FACTOR = 1.0",
          QA, "单字词（去、给、快）与实词同等计分"),
    Break("literal-boost-1", "indexer/search/run.py", "LITERAL_BOOST = 3.0", "LITERAL_BOOST = 1.0",
          ("tests/test_search.py", "tests/test_natural_qa.py"), "直接写出简称的文档不再排在只用全称的文档前面"),
    Break("background-off", "indexer/qa/answerer.py", "max(specificity(t), min(", "max(1.0, min(", QA,
          "日常常用词（一直、拖着）与规定里的术语分量相同"),
    Break("background-nouns-discounted", "indexer/analysis/background.py", "NOUN_TAGS = (\"n\", \"vn\")",
          "NOUN_TAGS = (\"@\",)", QA, "常用名词（费用、标准）也打折，近领域问题拿到编造的答案"),
    Break("corpus-share-ignored", "indexer/qa/answerer.py", "CORPUS_SHARE = 5.0", "CORPUS_SHARE = 0.0", QA,
          "语料里用得很广的常用词（工作、阶段）也打折"),
    Break("partial-phrase-zero", "indexer/qa/coverage.py", "PARTIAL_FACTOR = 0.5", "PARTIAL_FACTOR = 0.0", QA,
          "只出现一部分的说法（汇报上去→汇报）不计分"),
    Break("mention-trail-short", "indexer/search/naming.py", "(?:(?:里面|里头|当中|里|中|上)?(?:明确|有)?", "(?:(?:明确|有)?", QA, "“……法里规定的”中的“规定”又被当作关键词"),
    Break("tentative-without-form", "indexer/qa/answerer.py",
          "and best.typed and (question.qtype in TYPED_EVIDENCE or bool(question.unit))", "and best.typed", QA,
          "没有固定答案形式的问题（怎么解决）也给出“可能的答案”"),
    Break("ranges-ignored", "indexer/qa/sentencescore.py", "fit = range_fit(values, folded[start:end]) if values else 0", "fit = 0", QA,
          "问题里的数字（交了六年）不再与条文的区间（满五年不足十年）比较"),
    Break("value-group-repaired", "indexer/qa/repair.py",
          "or any(all(doc_frequency(t) for t in alt) for alt in group) or is_value_group(group):",
          "or any(all(doc_frequency(t) for t in alt) for alt in group):", QA,
          "问题里的“十二年”被拆成“十二”“年”去找，区间不再能对上"),
    Break("period-ignored", "indexer/qa/sentencescore.py", "        if periods and fit <= 0:", "        if False:", QA,
          "问“一个月最多多少”时不再优先写明“每月”的限额"),
    Break("period-mark-ignored", "indexer/qa/sentencescore.py", "answers = spans_for_period(periods, folded, fitting)",
          "answers = fitting", QA, "问每月的限额，加亮的却是每日的限额"),
    # hardening (issue 11, input side)
    Break("yaml-timestamps-back", "indexer/corpus/yamlread.py", "if tag != TIMESTAMP_TAG]", "]", RELIABILITY_INPUT,
          "YAML 又把 2005-02-30 当作日期解析，一个不存在的日期让检查、建索引和网站出错"),
    Break("yaml-aliases-allowed", "indexer/corpus/yamlread.py",
          "if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):",
          "if False:", RELIABILITY_INPUT, "YAML 引用（锚点、别名）不再拒绝，几百字节展开成几百万项"),
    Break("yaml-type-tags-allowed", "indexer/corpus/yamlread.py", 'if getattr(event, "tag", None) not in (None, "!"):',
          "if False:", RELIABILITY_INPUT, "!!float 之类的类型标记不再拒绝"),
    Break("utf16-bom-ignored", "indexer/office/importers/text.py", "    for bom, codec in _BOMS:\n",
          "    for bom, codec in ():\n", RELIABILITY_INPUT, "带 BOM 的 UTF-16 文本又被当作二进制拒绝"),
    Break("within-unbounded", "webapp/search.py", "if len(combined) > MAX_QUERY_CHARS:", "if False:",
          RELIABILITY_INPUT, "在结果中搜索不限长度，生成几十 KB 的跳转地址"),
    # hardening (issue 11, processes and crashes)
    Break("worker-outlives-parent", "indexer/index/parallel.py", "        if parent is not None:\n            die_with_parent(parent)",
          "        if False:\n            die_with_parent(parent)", RELIABILITY_PROCESS,
          "并行重建的主进程被杀后，建索引的子进程继续活着并占住索引锁"),
    Break("stale-lock-kept", "indexer/fileio.py", "                _take_over(path, inode)\n                continue\n",
          "                pass\n",
          RELIABILITY_PROCESS, "持锁进程已死的旧锁不再接管，建索引一直等下去"),
    Break("next-control-chars", "webapp/auth.py", "    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):",
          "    if False:", RELIABILITY_PROCESS, "登录后的 next 含回车换行时出现 500"),
    Break("throttle-not-atomic", "webapp/accounts.py", 'conn.execute("BEGIN IMMEDIATE")', 'conn.execute("BEGIN")',
          RELIABILITY_PROCESS, "并发输错密码时检查次数超过上限"),
    Break("body-limit-default", "webapp/serving.py", 'options = {"max_request_body_size": int(limit) + 1} if limit else {}',
          "options = {}", RELIABILITY_PROCESS, "waitress 先读完最多 1 GiB 的请求体，再拒绝超限上传"),
    Break("file-mode-lost", "indexer/corpus/reader.py", '            if mode is not None and hasattr(os, "fchmod"):',
          "            if False:", RELIABILITY_PROCESS, "修改过的文档变成 0600，不再保留原来的权限"),
    Break("tmp-debris-kept", "indexer/office/crashrepair.py", "removed = sum(remove_tmp_files(folder) for folder in",
          "removed = sum(0 for folder in", RELIABILITY_PROCESS, "中断写入留下的 .tmp-* 文件在启动时不再清理"),
    Break("bad-header-no-answer", "webapp/server_errors.py", 'if (getattr(self.request, "path", None) or "")',
          'if (self.request.path or "")', RELIABILITY_PROCESS, "请求头无法解析（含 NUL、没有冒号）时网站不作回应"),
    Break("authority-ignored", "indexer/qa/answerer.py", "status *= authority(meta)", "status *= 1.0", QA,
          "未分级的司法解释、规章与法律同等，问题没点名时不再先给出法律"),
    Break("interpretation-near-law", "indexer/search/naming.py", '("interpretation", 0.6)', '("interpretation", 0.9)', QA,
          "用词更贴近问题的司法解释压过法律本身"),
]

IGNORE = shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", ".pytest_cache", "*.pyc", "node_modules")


def copy_tree(dst: Path) -> Path:
    shutil.copytree(ROOT, dst, ignore=IGNORE, symlinks=True)
    return dst


def apply(tree: Path, item: Break) -> str | None:
    """Apply *item* to *tree*; return an error message when its old text is not there exactly once."""
    path = tree / item.file
    if not path.exists():
        return f"文件 {item.file} 不存在"
    text = path.read_text(encoding="utf-8")
    count = text.count(item.old)
    if count != 1:
        return f"{item.file}：要替换的原文出现 {count} 次（应为 1 次），请更新这一条"
    path.write_text(text.replace(item.old, item.new), encoding="utf-8")
    return None


def run_tests(tree: Path, item: Break, python: str, timeout: int) -> tuple[str, str]:
    """Run the break's test files in *tree*; return (verdict, detail)."""
    missing = [t for t in item.tests if not (tree / t).exists()]
    if missing:
        return "error", "测试文件不存在：" + "、".join(missing)
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-rf", *item.tests]
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "error", f"超过 {timeout} 秒"
    # pytest escapes non-ASCII test ids (\\u7763…): show them as typed
    out = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), proc.stdout)
    lines = out.strip().splitlines()
    failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in lines if line.startswith("FAILED ")]
    summary = lines[-1].strip("= ") if lines else proc.stderr.strip()[-200:]
    if proc.returncode == 1:
        return "caught", summary + ("；例如 " + failed[0] if failed else "")
    if proc.returncode == 0:
        return "missed", summary
    return "error", f"pytest 退出状态 {proc.returncode}：{summary}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="只运行这些名字的破坏（缺省全部）")
    parser.add_argument("--list", action="store_true", help="只列出破坏清单")
    parser.add_argument("--keep", action="store_true", help="保留临时副本（用于查看失败的测试）")
    parser.add_argument("--python", default=sys.executable, help="运行 pytest 的 Python（缺省为当前解释器）")
    parser.add_argument("--timeout", type=int, default=1200, help="每条破坏的测试时限（秒）")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {b.name for b in BREAKS}
    if unknown:
        parser.error("没有这些名字的破坏：" + "、".join(sorted(unknown)))
    chosen = [b for b in BREAKS if not args.names or b.name in args.names]
    if args.list:
        for item in chosen:
            print(f"{item.name:24} {item.file:28} {item.description}")
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="policykb-mutants-") as tmp:
        for n, item in enumerate(chosen, 1):
            tree = copy_tree(Path(tmp) / f"{n:02d}-{item.name}")
            started = time.monotonic()
            problem = apply(tree, item)
            verdict, detail = ("error", problem) if problem else run_tests(tree, item, args.python, args.timeout)
            took = time.monotonic() - started
            results.append((item, verdict))
            print(f"{verdict:7} {item.name:24} {took:5.0f} s  {item.description}\n        {detail}", flush=True)
            if args.keep:
                print(f"        副本：{tree}")
            else:
                shutil.rmtree(tree, ignore_errors=True)
        if args.keep:
            input("按回车删除临时副本……")
    caught = sum(v == "caught" for _, v in results)
    print(f"\n{caught}/{len(results)} 条破坏被测试发现；"
          f"未发现 {sum(v == 'missed' for _, v in results)} 条，出错 {sum(v == 'error' for _, v in results)} 条。")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
