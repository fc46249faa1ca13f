"""The benchmark script runs end to end on a tiny corpus (no timing asserts: speed is measured
by bench/run.py itself, never by tests)."""
from __future__ import annotations

import importlib.util
import json
import sys

from conftest import ROOT, SAMPLE_CORPUS


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def test_quick_bench_measures_everything_on_a_tiny_corpus(tmp_path):
    bench = load_bench()
    out = tmp_path / "benchmarks.md"
    report = bench.run(str(SAMPLE_CORPUS), quick=True, out=out, load_seconds=1, segmenters=False)
    assert report["naive"]["ok"] and report["naive"]["seconds"] >= 0
    assert [s["factor"] for s in report["scales"]] == [1, 2]
    one, two = report["scales"]
    assert one["build"]["ok"] and two["build"]["ok"]
    assert two["files"] == 2 * one["files"]
    assert two["build"]["index_mb"] > one["build"]["index_mb"]  # copies got new ids, not dropped
    assert one["search"]["n"] == 3 * len(bench.QUERIES) >= 90
    assert one["cold_start"]["ok"]
    assert all(v == v for v in one["incremental"].values()), one["incremental"]  # no NaN: searchable
    for kind in ("mixed", "search", "unique"):  # the site answered every kind of traffic without errors
        load = one["load"][kind]
        assert load["requests"] > 0 and load["errors"] == 0 and load["not_found"] == 0, (kind, load)
    assert set(one["load"]["mixed"]["by_kind"]) == {"search", "api", "documents"}
    text = out.read_text(encoding="utf-8")
    assert "| 1× |" in text and "| 2× |" in text and "朴素基线" in text and "缓存不命中" in text
    json.dumps(report, ensure_ascii=False)


def test_query_lists_are_large_enough():
    bench = load_bench()
    assert len(bench.QUERIES) >= 30 and len(bench.QUESTIONS) >= 30
    assert any("第三十二条" in q for q in bench.QUERIES) and any("第32条" in q for q in bench.QUERIES)
    assert any("〔" in q for q in bench.QUERIES) and any("年份:" in q for q in bench.QUERIES)


def test_review_bench_runs_on_a_short_plan():
    spec = importlib.util.spec_from_file_location("bench_review", ROOT / "bench" / "review.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.run(str(SAMPLE_CORPUS), pages=2, runs=1)
    assert result["items"] == 12 and result["summary"] == "12 项中 12 项符合、0 项不符、0 项未见"
    assert result["parts"] > 2 and len(result["text_runs_s"]) == len(result["docx_runs_s"]) == 1
