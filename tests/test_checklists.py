"""Checklists as data: the shipped ones resolve to real passages; broken ones are named; the CLI."""
from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from indexer import KnowledgeBase
from indexer.review import BrokenChecklist, UnknownChecklist, load_checklists
from webapp import create_app
from webapp.cli import cli

from conftest import SAMPLE_CORPUS
from review_plans import as_text, plan, GAPS

SHIPPED = ("jieduan-xiaojie", "shishi-fangan")


def test_the_shipped_checklists_load():
    found, problems = load_checklists(SAMPLE_CORPUS)
    assert sorted(found) == list(SHIPPED) and problems == []
    assert len(found["shishi-fangan"].items) == 12
    kinds = {item.kind for checklist in found.values() for item in checklist.items}
    assert kinds == {"mentions", "at_least", "forbidden", "sections"}


def test_every_source_anchor_resolves_to_its_quote(sample_kb, tmp_path):
    """Each item's source is a passage of the sample corpus holding its quote, and the document page
    has that anchor (the report's citation link lands on it)."""
    client = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path / "var")}).test_client()
    speech_items = 0
    for checklist in load_checklists(SAMPLE_CORPUS)[0].values():
        for item in checklist.items:
            doc = sample_kb.get_document(item.source.doc)
            assert doc.level in ("group", "provincial", "central"), (item.id, doc.level)
            passage = next(p for p in doc.passages if p.anchor == item.source.anchor)
            assert item.source.quote and item.source.quote in passage.text, (checklist.id, item.id)
            page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
            assert f'id="{item.source.anchor}"' in page, (checklist.id, item.id)
            speech_items += "督导工作骨干培训班" in doc.title
    assert speech_items >= 12  # most items cite the training speech itself


def test_check_reports_no_checklist_problem_on_the_sample_corpus(sample_kb):
    assert [str(p) for p in sample_kb.check() if p.path.startswith("checklists/")] == []


ITEM = """
title: 测试清单
items:
  - id: mingcheng
    requirement: 不用简称。
    source: {doc: rule-a, anchor: p1}
    kind: forbidden
    terms: {保先活动: 先进性教育活动}
  - id: xueshi
    requirement: 学时不少于 40。
    source: {doc: rule-a, anchor: p1}
"""


@pytest.mark.parametrize("tail, where, words", [
    ("    kind: at_least\n    near: [学习]\n    value: 四十\n    unit: 学时\n", "第 2 项（xueshi）：value", "数字"),
    ("    kind: at_least\n    near: [学习]\n    value: 40\n    unit: 小时\n", "第 2 项（xueshi）：unit", "个月"),
    ("    kind: counted\n", "第 2 项（xueshi）：kind", "mentions"),
    ("    kind: at_least\n    value: 40\n    unit: 学时\n", "第 2 项（xueshi）：near", "列表"),
    ("    kind: mentions\n    any: [学习]\n    value: 40\n", "第 2 项（xueshi）：value", "不用这些字段"),
    ("    kind: mentions\n    any: [学习+]\n", "第 2 项（xueshi）：any", "+ 两边"),
    ("    kind: sections\n    sections: 学习动员\n", "第 2 项（xueshi）：sections", "列表"),
])
def test_a_broken_item_is_named_with_its_file_item_and_field(tiny_corpus, tail, where, words):
    path = tiny_corpus / "checklists" / "test.yml"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(ITEM).lstrip() + tail, encoding="utf-8")
    _, problems = load_checklists(tiny_corpus)
    assert len(problems) == 1
    message = str(problems[0])
    assert "checklists/test.yml" in message and where in message and words in message, message


@pytest.mark.parametrize("text, words", [
    ("title: 甲\nitems: [\n", "YAML 第 3 行格式错误"),
    ("- 只是一个列表\n", "字段表"),
    ("title: 甲\nitems: []\n", "至少一项"),
    ("title: 甲\nitems:\n  - id: a\n    requirement: 甲\n    source: rule-a\n    kind: mentions\n    any: [甲]\n",
     "第 1 项（a）：source"),
    ("title: 甲\nitems:\n  - &x {id: a}\n", "引用写法"),
])
def test_a_broken_file_is_named(tiny_corpus, text, words):
    path = tiny_corpus / "checklists" / "broken.yml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    _, problems = load_checklists(tiny_corpus)
    assert len(problems) == 1 and "checklists/broken.yml" in str(problems[0]) and words in str(problems[0])


def _checklist(root, name="test", source="{doc: rule-a, anchor: p1, quote: 不少于40学时}"):
    path = root / "checklists" / f"{name}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(f"""
        title: 测试清单
        items:
          - id: mingcheng
            requirement: 不用简称。
            source: {source}
            kind: forbidden
            terms: {{保先活动: 先进性教育活动}}
          - id: xueshi
            requirement: 学习培训不少于 40 学时。
            source: {source}
            kind: at_least
            near: [学习培训]
            value: 40
            unit: 学时
          - id: zhoubao
            requirement: 每周报告一次，报告间隔不超过 7 天。
            source: {source}
            kind: at_most
            near: [报告]
            value: 7
            unit: 天
          - id: baoxian
            requirement: 方案要部署先进性教育活动。
            source: {source}
            kind: mentions
            any: [先进性教育活动]
        """).lstrip(), encoding="utf-8")
    return path


@pytest.mark.parametrize("source, words", [
    ("{doc: no-such-doc, anchor: p1}", "出处文档“no-such-doc”不存在"),
    ("{doc: rule-a, anchor: p99}", "没有段落“p99”"),
    ("{doc: rule-a, anchor: p1, quote: 不少于80学时}", "找不到引文“不少于80学时”"),
])
def test_check_names_a_source_that_does_not_resolve(tiny_corpus, source, words):
    _checklist(tiny_corpus, source=source)
    result = CliRunner().invoke(cli, ["check", "--corpus", str(tiny_corpus)])
    assert result.exit_code == 1, result.output
    assert "checklists/test.yml" in result.output and "第 1 项（mingcheng）" in result.output
    assert words in result.output


def test_check_passes_with_a_good_checklist(tiny_corpus):
    _checklist(tiny_corpus)
    result = CliRunner().invoke(cli, ["check", "--corpus", str(tiny_corpus)])
    assert result.exit_code == 0, result.output


def test_at_most_and_aliases_on_a_small_corpus(tiny_kb):
    _checklist(tiny_kb.corpus.root)
    report = tiny_kb.review("一、安排\n保先活动的学习培训不少于40学时。督导组每10天报告一次。\n", "test")
    got = {f.item_id: f.status for f in report.findings}
    # 保先活动 is the alias table's short name of 先进性教育活动: it counts as a mention, and is improper
    assert got == {"mingcheng": "不符", "xueshi": "符合", "zhoubao": "不符", "baoxian": "符合"}
    zhoubao = next(f for f in report.findings if f.item_id == "zhoubao")
    assert zhoubao.found == ("10 天",) and zhoubao.required == "不超过 7 天"


def test_unknown_and_broken_checklists_are_named(tiny_kb):
    _checklist(tiny_kb.corpus.root)
    with pytest.raises(UnknownChecklist) as err:
        tiny_kb.review("方案", "nope")
    assert str(err.value) == "没有名为“nope”的检查清单。可用的清单：test。"
    (tiny_kb.corpus.root / "checklists" / "bad.yml").write_text("title: [\n", encoding="utf-8")
    with pytest.raises(BrokenChecklist) as err:
        tiny_kb.review("方案", "bad")
    assert "checklists/bad.yml" in str(err.value) and "格式错误" in str(err.value)
    assert sorted(tiny_kb.checklists()) == ["test"]  # the broken one is left out of the list


# -- policykb review ---------------------------------------------------------------------------
@pytest.fixture
def cli_args(sample_kb):
    return ["--corpus", str(SAMPLE_CORPUS), "--index", str(sample_kb.index_dir)]


def test_cli_review_passes_a_complete_plan(cli_args, tmp_path):
    path = tmp_path / "方案.txt"
    path.write_text(as_text(plan()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--checklist", "shishi-fangan", *cli_args])
    assert result.exit_code == 0, result.output
    assert "结论：12 项中 12 项符合、0 项不符、0 项未见。" in result.output


def test_cli_review_exits_1_on_gaps_and_prints_json(cli_args, tmp_path):
    path = tmp_path / "方案.txt"
    path.write_text(as_text(plan(GAPS)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(path), "--checklist", "shishi-fangan", *cli_args])
    assert result.exit_code == 1
    assert "[不符] 学习动员阶段的学习培训时间不少于 40 学时。" in result.output
    assert "【30学时】" in result.output and "建议：“保先活动”应改为“先进性教育活动”。" in result.output
    result = CliRunner().invoke(cli, ["review", str(path), "--checklist", "shishi-fangan", "--json", *cli_args])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == "12 项中 9 项符合、2 项不符、1 项未见"
    assert {f["status"] for f in data["findings"]} == {"符合", "不符", "未见"}
    xueshi = next(f for f in data["findings"] if f["item_id"] == "xueshi")
    assert xueshi["found"] == ["30 学时"] and xueshi["citation"]["url"].endswith("#p55")


@pytest.mark.parametrize("args, words", [
    (["{plan}", "--checklist", "nope"], "没有名为“nope”的检查清单。可用的清单：jieduan-xiaojie、shishi-fangan。"),
    (["{missing}", "--checklist", "shishi-fangan"], "找不到方案文件"),
    (["{folder}", "--checklist", "shishi-fangan"], "是文件夹"),
    (["{broken}", "--checklist", "shishi-fangan"], "Word 文件已损坏"),
])
def test_cli_review_bad_input_is_a_sentence(cli_args, tmp_path, args, words):
    (tmp_path / "方案.txt").write_text(as_text(plan()), encoding="utf-8")
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04 truncated zip")
    names = {"plan": tmp_path / "方案.txt", "missing": tmp_path / "没有.txt", "folder": tmp_path,
             "broken": tmp_path / "坏.docx"}
    args = [a.format(**{k: str(v) for k, v in names.items()}) for a in args]
    result = CliRunner().invoke(cli, ["review", *args, *cli_args])
    assert result.exit_code == 1 and words in result.output, result.output
    assert "Traceback" not in result.output


def test_cli_review_names_a_broken_checklist(tiny_corpus, tmp_path):
    (tiny_corpus / "checklists").mkdir()
    (tiny_corpus / "checklists" / "bad.yml").write_text("title: 甲\nitems: []\n", encoding="utf-8")
    plan_file = tmp_path / "方案.txt"
    plan_file.write_text("方案。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(plan_file), "--checklist", "bad", "--corpus", str(tiny_corpus),
                                      "--index", str(tmp_path / "idx")])
    assert result.exit_code == 1 and "检查清单 checklists/bad.yml" in result.output and "至少一项" in result.output
    assert not (tmp_path / "idx").exists()  # refused before building an index
