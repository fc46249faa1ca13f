"""`policykb eval` on hand-made CMRC 2018 and SQuAD 2.0 files and on an office's own question list."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer import KnowledgeBase
from indexer.cli import cli
from indexer.evaluate import EvalFileError, evaluate, load_contexts

from conftest import write_doc

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
    assert result.exit_code != 0 and "找不到评测文件" in result.output


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


# -- an office's own questions (JSON Lines) against an existing corpus and index ---------------
def office_questions(tmp_path, lines, name="questions.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
                              for line in lines) + "\n", encoding="utf-8")
    return path


HIT = {"id": "hit", "q": "学习培训的时间一般不少于多少学时？", "a": ["40 学时"], "doc": "rule-a",
       "split": "dev", "kind": "学时"}
WRONG = {"id": "wrong", "q": "示例水库由谁负责管理？", "a": ["示例县人民政府"], "doc": "示例水库管理办法",
         "split": "test"}
NOTHING = {"q": "火星上有多少只猫？", "a": ["42只"], "split": "test"}


@pytest.fixture
def office(tmp_path):
    """An existing corpus of two tiny documents, indexed; returns the --corpus/--index arguments."""
    corpus = tmp_path / "corpus"
    write_doc(corpus, "a.md", {"id": "rule-a", "title": "关于学习培训的规定", "level": "group",
                               "doc_type": "通知", "issuer": "集团党委", "date": "2005-03-01"},
              "学习培训的时间一般不少于40学时。\n第三十二条 督导组应当每周报告一次工作。\n")
    write_doc(corpus, "b.md", {"id": "rule-b", "title": "示例水库管理办法", "level": "group",
                               "doc_type": "办法", "issuer": "示例县", "date": "2006-05-01"},
              "示例水库位于示例县北部，建于1958年。\n示例水库由示例县水利局负责管理。\n")
    KnowledgeBase(corpus, tmp_path / "index").index()
    return ["--corpus", str(corpus), "--index", str(tmp_path / "index")]


def run_eval(*args):
    result = CliRunner().invoke(cli, ["eval", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def test_office_questions_report_hits_misses_and_refusals(tmp_path, office):
    path = office_questions(tmp_path, [HIT, "", WRONG, NOTHING])
    report = json.loads(run_eval(path, *office, "--json").output)
    qa = report["qa"]
    assert report["questions"] == 3
    assert qa["accuracy_at_1"] == pytest.approx(1 / 3, abs=1e-3)
    assert qa["accuracy_at_3"] == pytest.approx(1 / 3, abs=1e-3)
    assert qa["refusal_rate"] == pytest.approx(1 / 3, abs=1e-3)
    # "doc" matches the id (rule-a) or the exact title (示例水库管理办法); only 2 questions have one
    assert qa["right_document_rate"] == 1.0 and qa["questions_with_doc"] == 2
    assert qa["by_kind"]["学时"] == {"label": "学时", "questions": 1, "accuracy_at_1": 1.0, "accuracy_at_3": 1.0}
    assert qa["by_kind"]["actor"]["accuracy_at_1"] == 0.0  # no "kind": the detected question type
    wrong, nothing = report["misses"]
    assert wrong["id"] == "wrong" and wrong["doc_id"] == "rule-b" and "示例县水利局" in wrong["answer"]
    assert nothing["id"] == "L4" and nothing["line"] == 4 and nothing["answer"] == ""

    text = run_eval(path, *office).output
    assert "3 个问题" in text and "答案准确率@1" in text and "0.333" in text
    assert "未命中 2 题" in text and "示例水库由谁负责管理？" in text and "示例县人民政府" in text
    assert "示例水库管理办法（rule-b）" in text and "未找到明确答案" in text
    assert "学习培训的时间" not in text  # answered right: not listed


@pytest.mark.parametrize("doc, right", [("rule-b", 1.0), ("示例水库管理办法", 1.0), ("rule-a", 0.0),
                                        ("示例水库", 0.0)])
def test_expected_document_matches_id_or_exact_title(tmp_path, office, doc, right):
    path = office_questions(tmp_path, [dict(WRONG, doc=doc)])
    report = json.loads(run_eval(path, *office, "--json").output)
    assert report["qa"]["right_document_rate"] == right


def test_right_answer_from_another_document_is_listed(tmp_path, office):
    path = office_questions(tmp_path, [dict(HIT, doc="rule-b")])
    report = json.loads(run_eval(path, *office, "--json").output)
    assert report["qa"]["accuracy_at_1"] == 1.0 and report["qa"]["right_document_rate"] == 0.0
    assert [(m["id"], m["right_answer"], m["right_document"]) for m in report["misses"]] == [("hit", True, False)]
    text = run_eval(path, *office).output
    assert "未命中 1 题" in text and "答案正确，出处不对" in text and "应出自：rule-b" in text


@pytest.mark.parametrize("split, questions, accuracy", [("dev", 1, 1.0), ("test", 2, 0.0)])
def test_split_keeps_only_that_split(tmp_path, office, split, questions, accuracy):
    path = office_questions(tmp_path, [HIT, WRONG, NOTHING])
    report = json.loads(run_eval(path, *office, "--split", split, "--json").output)
    assert report["questions"] == questions and report["qa"]["accuracy_at_1"] == accuracy
    assert "split=" + split in run_eval(path, *office, "--split", split).output


def test_split_with_no_question_is_an_error(tmp_path, office):
    path = office_questions(tmp_path, [dict(HIT, split="dev")])
    result = CliRunner().invoke(cli, ["eval", str(path), *office, "--split", "test"])
    assert result.exit_code != 0 and "没有可用的问题" in result.output and "split 为 test" in result.output


def test_show_misses_limits_the_list_and_json_has_all(tmp_path, office):
    path = office_questions(tmp_path, [WRONG, NOTHING])
    text = run_eval(path, *office, "--show-misses", "1").output
    assert "示例水库由谁负责管理？" in text and "火星上有多少只猫？" not in text and "另有 1 题未列出" in text
    assert len(json.loads(run_eval(path, *office, "--show-misses", "1", "--json").output)["misses"]) == 2


def test_first_line_with_q_is_a_question_list_and_env_names_the_kb(tmp_path, office):
    path = office_questions(tmp_path, [HIT], name="我们的问题.txt")
    env = {"POLICYKB_CORPUS": office[1], "POLICYKB_INDEX": office[3]}
    result = CliRunner().invoke(cli, ["eval", str(path), "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["qa"]["accuracy_at_1"] == 1.0


def test_office_predictions_and_baseline(tmp_path, office):
    path = office_questions(tmp_path, [HIT, WRONG, NOTHING])
    predictions = tmp_path / "pred.jsonl"
    report = json.loads(run_eval(path, *office, "--baseline", "--predictions", predictions, "--json").output)
    assert report["baseline"]["accuracy_at_1"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["baseline"]["right_document_rate"] == 1.0
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["hit", "wrong", "L3"]
    assert "40学时" in lines[0]["answer"] and lines[0]["doc_id"] == "rule-a" and lines[2]["answer"] == ""
    text = run_eval(path, *office, "--baseline").output
    assert "基线" in text and "文件正确率" in text


@pytest.mark.parametrize("bad, problem", [
    ('{"q": "学时多少？", "a": ["40学时"]', "第 3 行不是 JSON"),
    ('["学时多少？"]', "第 3 行不是 JSON 对象"),
    ('{"a": ["40学时"]}', "第 3 行缺少 q"),
    ('{"q": "学时多少？"}', "第 3 行缺少 a"),
    ('{"q": "学时多少？", "a": "40学时"}', "第 3 行的 a 不是字符串列表"),
    ('{"q": "学时多少？", "a": [40]}', "第 3 行的 a 不是字符串列表"),
    ('{"q": "学时多少？", "a": [" "]}', "第 3 行的 a 不是字符串列表"),
    ('{"q": "学时多少？", "a": ["40学时"], "doc": ["rule-a"]}', "第 3 行的 doc 不是字符串"),
])
def test_malformed_line_names_file_and_line(tmp_path, office, bad, problem):
    path = office_questions(tmp_path, [HIT, "", bad])
    result = CliRunner().invoke(cli, ["eval", str(path), *office])
    assert result.exit_code != 0
    assert "questions.jsonl" in result.output and problem in result.output
    assert "Traceback" not in result.output and "准确率" not in result.output


def test_overlong_question_is_a_listed_refusal_not_a_crash(tmp_path, office):
    path = office_questions(tmp_path, [HIT, {"q": "学时" * 150 + "？", "a": ["40学时"]}])
    result = run_eval(path, *office)
    assert "0.500" in result.output and "问题过长" in result.output


@pytest.mark.parametrize("name, content, says", [
    ("missing.json", None, "找不到评测文件"),
    ("missing.jsonl", None, "找不到评测文件"),
    ("folder", "dir", "是文件夹"),
    ("broken.json", b"{bad", "不是合法的 JSON：第 1 行第 2 列"),
    ("latin.json", b"\xff\xfe\x00bad", "不是 UTF-8 编码的文本"),
    ("latin.jsonl", b'{"q": "\xff"}', "不是 UTF-8 编码的文本"),
])
def test_eval_file_errors_are_sentences_naming_the_file(tmp_path, name, content, says):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(cli, ["eval", str(path)])
    assert result.exit_code == 1
    assert says in result.output and str(path) in result.output
    # no Python exception text and no click English
    for raw in ("Errno", "codec", "Expecting", "Error:", "Invalid value"):
        assert raw not in result.output
