"""`policykb eval` on hand-made CMRC 2018 and SQuAD 2.0 files."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.qa_eval import EvalFileError, evaluate, load_contexts

CMRC = [
    {"context_id": "T_1", "title": "示例水库",
     "context_text": "示例水库位于示例县北部，建于1958年。水库总库容为1.2亿立方米，主要用于灌溉和防洪。"
                     "水库由示例县水利局负责管理。",
     "qas": [{"query_id": "T_1_Q0", "query_text": "示例水库是哪一年建成的？", "answers": ["1958年"]},
             {"query_id": "T_1_Q1", "query_text": "示例水库由谁负责管理？", "answers": ["示例县水利局"]}]},
    {"context_id": "T_2", "title": "青石桥",
     "context_text": "青石桥是一座石拱桥，全长48米。桥上刻有狮子32只。该桥于2001年被列为省级文物保护单位。",
     "qas": [{"query_id": "T_2_Q0", "query_text": "青石桥上刻有多少只狮子？", "answers": ["32只"]}]},
]

SQUAD = {"version": "v2.0", "data": [{"title": "示例茶园", "paragraphs": [{
    "context": "示例茶园种植面积约300亩，出产的绿茶以清明前采摘的最为名贵。茶园每年四月举办采茶节。",
    "qas": [{"id": "s1", "question": "示例茶园每年什么时候举办采茶节？", "answers": [{"text": "四月", "answer_start": 0}],
             "is_impossible": False},
            {"id": "s2", "question": "茶园的园长是谁？", "answers": [], "is_impossible": True},
            {"id": "s3", "question": "茶园出产绿茶吗？", "answers": [{"text": "YES"}], "is_impossible": False}]}]}]}


@pytest.fixture
def cmrc_file(tmp_path):
    path = tmp_path / "cmrc.json"
    path.write_text(json.dumps(CMRC, ensure_ascii=False), encoding="utf-8")
    return path


def test_both_layouts_load(tmp_path, cmrc_file):
    contexts = load_contexts(cmrc_file)
    assert [len(c.questions) for c in contexts] == [2, 1]
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    contexts = load_contexts(squad)
    # unanswerable and YES/NO items are skipped
    assert [q[0] for q in contexts[0].questions] == ["s1"]


def test_unknown_layout_is_a_sentence(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"questions": []}', encoding="utf-8")
    with pytest.raises(EvalFileError, match="SQuAD"):
        load_contexts(path)


def test_evaluate_reports_metrics_and_predictions(tmp_path, cmrc_file):
    predictions = tmp_path / "pred.jsonl"
    report = evaluate(cmrc_file, predictions=predictions, baseline=True)
    assert report["questions"] == 3
    qa = report["qa"]
    assert qa["accuracy_at_1"] == 1.0 and qa["passage_recall_at_1"] == 1.0 and qa["mrr"] == 1.0
    assert set(qa["by_type"]) == {"time", "actor", "quantity"}
    assert "baseline" in report and 0 <= report["baseline"]["accuracy_at_1"] <= 1
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["T_1_Q0", "T_1_Q1", "T_2_Q0"]
    assert "32只" in lines[2]["answer"] and lines[2]["doc_id"] == "T_2" and "32只" in lines[2]["passage"]


def test_cli_eval(tmp_path, cmrc_file):
    result = CliRunner().invoke(cli, ["eval", str(cmrc_file), "--baseline", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "答案句准确率@1" in result.output and "基线" in result.output and "2 个问题" in result.output
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "missing.json")])
    assert result.exit_code != 0 and "无法读取评测文件" in result.output


# -- string booleans (CJRC / CAIL write is_impossible as "true"/"false") ----------------------
def squad_file(tmp_path, flags):
    qas = [{"id": f"s{n}", "question": "示例茶园每年什么时候举办采茶节？", "answers": [{"text": "四月"}],
            "is_impossible": flag} for n, flag in enumerate(flags)]
    data = {"version": "v2.0", "data": [{"title": "示例茶园", "paragraphs": [{
        "context": "示例茶园种植面积约300亩。茶园每年四月举办采茶节。", "qas": qas}]}]}
    path = tmp_path / "cjrc_like.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("flags, kept", [
    (["false", "true"], ["s0"]),
    (["FALSE", "True", " false "], ["s0", "s2"]),
    (["0", "1", 0, 1], ["s0", "s2"]),
    ([False, True, None], ["s0", "s2"]),
])
def test_string_booleans_are_read(tmp_path, flags, kept):
    contexts = load_contexts(squad_file(tmp_path, flags))
    assert [q[0] for q in contexts[0].questions] == kept


def test_unknown_boolean_is_a_sentence(tmp_path):
    with pytest.raises(EvalFileError, match="s0 的 is_impossible 值“maybe”无法识别"):
        load_contexts(squad_file(tmp_path, ["maybe"]))


def test_zero_usable_questions_is_an_error_naming_the_file(tmp_path):
    path = squad_file(tmp_path, ["true", "true"])
    with pytest.raises(EvalFileError) as info:
        load_contexts(path)
    assert str(path) in str(info.value) and "没有可用的问题" in str(info.value)
    result = CliRunner().invoke(cli, ["eval", str(path)])
    assert result.exit_code != 0
    assert "cjrc_like.json 中没有可用的问题" in result.output and "无答案 2 题" in result.output
    assert "准确率" not in result.output


def test_cjrc_like_file_is_evaluated(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(squad_file(tmp_path, ["false", "true"]))])
    assert result.exit_code == 0, result.output
    assert "1 个问题" in result.output
