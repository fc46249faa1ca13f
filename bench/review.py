"""Time 方案对照检查 of a generated 30-page plan on the sample corpus (median of 5).

Usage: python bench/review.py [--corpus DIR] [--pages 30] [--runs 5] [--json]

Measured: the review of pasted text (checklist items and, for up to 40 parts, the related passages
from the search), and of the same plan uploaded as .docx (adds the sandboxed conversion in a worker
process).  The result cache is off, so every run searches again; the first run of the process (the
dictionary and index opening) is reported separately.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from indexer import KnowledgeBase  # noqa: E402
from review_plans import as_docx, long_plan  # noqa: E402

CHECKLIST = "shishi-fangan"


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def run(corpus: str, pages: int = 30, runs: int = 5) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(corpus, Path(tmp) / "index", result_cache=0)
        kb.index()
        text = long_plan(pages)
        lines = [(2 if line.startswith(("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")) and "、" in line[:4]
                  else 3 if line.startswith("（") else 0, line) for line in text.splitlines() if line]
        data = as_docx(lines)
        first, report = timed(lambda: kb.review(text, CHECKLIST))
        pasted = [timed(lambda: kb.review(text, CHECKLIST))[0] for _ in range(runs)]
        uploaded = [timed(lambda: kb.review(data, CHECKLIST, filename="方案.docx"))[0] for _ in range(runs)]
        return {
            "pages": pages, "characters": len(text), "docx_kb": round(len(data) / 1024, 1),
            "parts": len(report.parts), "parts_with_related": sum(1 for p in report.parts if p.related),
            "items": len(report.findings), "summary": report.summary,
            "first_run_s": round(first, 3),
            "text_median_s": round(statistics.median(pasted), 3), "text_runs_s": [round(t, 3) for t in pasted],
            "docx_median_s": round(statistics.median(uploaded), 3), "docx_runs_s": [round(t, 3) for t in uploaded],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.corpus, args.pages, args.runs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"方案：{result['pages']} 页，{result['characters']} 字（.docx {result['docx_kb']} KB），"
          f"{result['parts']} 个部分（{result['parts_with_related']} 个配了相关规定），清单 {result['items']} 项："
          f"{result['summary']}")
    print(f"首次检查（含加载词典、打开索引）：{result['first_run_s']} 秒")
    print(f"粘贴文字：中位数 {result['text_median_s']} 秒（{result['text_runs_s']}）")
    print(f"上传 .docx：中位数 {result['docx_median_s']} 秒（{result['docx_runs_s']}）")


if __name__ == "__main__":
    main()
