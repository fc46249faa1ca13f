"""方案对照检查 over generated plans (.txt, .docx with headings and a table, .pdf) on the sample corpus."""
from __future__ import annotations

import pytest

from indexer import ImportRefused
from indexer.review import find_quantities, parse_number, split_plan

from office_files import make_zip_bomb
from review_plans import ALL_OK, GAPS, GAPS_EXPECTED, as_docx, as_pdf, as_text, plan


def statuses(report) -> dict:
    return {f.item_id: f.status for f in report.findings}


def finding(report, item_id):
    return next(f for f in report.findings if f.item_id == item_id)


def review_file(kb, data: bytes, name: str, checklist="shishi-fangan"):
    return kb.review(data, checklist, filename=name)


# -- the whole report, exactly ---------------------------------------------------------------
def test_a_complete_plan_passes_every_item(sample_kb):
    report = sample_kb.review(as_text(plan()), "shishi-fangan")
    assert statuses(report) == ALL_OK
    assert report.passed and report.summary == "12 项中 12 项符合、0 项不符、0 项未见"


def test_known_gaps_give_exactly_the_expected_report(sample_kb):
    report = review_file(sample_kb, as_text(plan(GAPS)).encode(), "机械厂实施方案.txt")
    assert statuses(report) == GAPS_EXPECTED
    assert report.summary == "12 项中 9 项符合、2 项不符、1 项未见" and not report.passed
    assert report.plan_name == "示例机械厂保持共产党员先进性教育活动实施方案" and report.plan_kind == "txt"


def test_30_xueshi_is_a_failure_showing_both_numbers(sample_kb):
    item = finding(sample_kb.review(as_text(plan(GAPS)), "shishi-fangan"), "xueshi")
    assert item.status == "不符"
    assert item.found == ("30 学时",) and item.required == "不少于 40 学时"
    assert "30 学时" in item.detail and "40 学时" in item.detail
    evidence = item.evidence[0]
    assert evidence.sentence == "召开动员大会，组织集中学习培训，学习培训时间不少于30学时。"
    assert "<mark>30学时</mark>" in evidence.html()
    assert evidence.part_label == "三、方法步骤和日程安排 › （一）学习动员阶段（7月下旬至8月下旬）"
    assert (item.citation.doc_id, item.citation.anchor) == ("zzb-2005-dudao-peixun-jianghua", "p55")
    assert "不少于40学时" in item.citation.text


def test_baoxian_huodong_is_a_failure_with_the_proper_name_suggested(sample_kb):
    item = finding(sample_kb.review(as_text(plan(GAPS)), "shishi-fangan"), "huodong-mingcheng")
    assert item.status == "不符"
    assert item.suggestion == "“保先活动”应改为“先进性教育活动”。"
    assert [e.sentence for e in item.evidence] == ["厂党委成立保先活动领导小组，党委书记任组长。"]
    assert "<mark>保先活动</mark>" in item.evidence[0].html()
    assert "不宜称为“先教活动”或“保先活动”" in item.citation.text


def test_no_stage_summary_is_not_seen(sample_kb):
    item = finding(sample_kb.review(as_text(plan(GAPS)), "shishi-fangan"), "jieduan-xiaojie")
    assert item.status == "未见"
    assert "学习动员、分析评议、整改提高" in item.detail and "小结" in item.detail


def test_one_stage_without_its_summary_is_named(sample_kb):
    text = as_text(plan({"阶段结束时进行小结，召开整改提高阶段动员会。": "召开整改提高阶段动员会。"}))
    item = finding(sample_kb.review(text, "shishi-fangan"), "jieduan-xiaojie")
    assert item.status == "未见" and item.detail.startswith("分析评议 部分未见“小结”")


def test_stages_out_of_order_are_a_failure(sample_kb):
    lines = plan()
    first, second = lines.index(next(l for l in lines if l[1].startswith("（一）"))), \
        lines.index(next(l for l in lines if l[1].startswith("（二）")))
    third = lines.index(next(l for l in lines if l[1].startswith("（三）")))
    swapped = lines[:first] + lines[second:third] + lines[first:second] + lines[third:]
    item = finding(sample_kb.review(as_text(swapped), "shishi-fangan"), "sange-jieduan")
    assert item.status == "不符" and "分析评议、学习动员、整改提高" in item.detail


def test_a_unit_item_named_like_a_stage_does_not_open_the_stage(sample_kb):
    """A deeper heading 1．学习动员大会的准备 under 二、 comes first; the stage is the （一） heading."""
    lines = plan()
    at = lines.index((2, "三、方法步骤和日程安排"))
    lines[at:at] = [(0, "1．学习动员大会的准备"), (0, "各支部提前通知党员，准备会场。")]
    report = sample_kb.review(as_text(lines), "shishi-fangan")
    assert statuses(report) == ALL_OK
    item = finding(report, "jieduan-xiaojie")
    assert item.evidence[0].part_label.endswith("（一）学习动员阶段（7月下旬至8月下旬）")


# -- the three file types -----------------------------------------------------------------------
def test_docx_with_headings_and_a_table(sample_kb):
    """The hours stand only in a table: its column 学时 gives the bare number its unit."""
    lines = plan(dict(GAPS, **{"学习培训时间不少于40学时": "学习培训按下表安排"}))
    table = [["阶段", "时间", "学时"], ["学习动员", "7月下旬至8月下旬", "30"]]
    report = review_file(sample_kb, as_docx(lines, table), "机械厂实施方案.docx")
    assert report.plan_kind == "docx" and report.plan_name == "示例机械厂保持共产党员先进性教育活动实施方案"
    assert statuses(report) == GAPS_EXPECTED
    item = finding(report, "xueshi")
    assert item.found == ("30 学时",)
    assert item.evidence[0].sentence == "阶段：学习动员；时间：7月下旬至8月下旬；学时：30学时。"
    labels = [p.label for p in report.parts]
    assert "三、方法步骤和日程安排 › （二）分析评议阶段（9月上旬至10月上旬）" in labels


def test_complete_docx_passes(sample_kb):
    assert statuses(review_file(sample_kb, as_docx(plan()), "方案.docx")) == ALL_OK


@pytest.fixture(scope="module")
def pdf_plans():
    complete, gaps = as_pdf(plan()), as_pdf(plan(GAPS))
    if complete is None:
        pytest.skip("没有找到含中文字形的字体（fc-list :lang=zh 为空）：无法生成中文 PDF 样本")
    return complete, gaps


def test_pdf_plans(sample_kb, pdf_plans):
    complete, gaps = pdf_plans
    report = review_file(sample_kb, complete, "方案.pdf")
    assert report.plan_kind == "pdf" and statuses(report) == ALL_OK
    assert statuses(review_file(sample_kb, gaps, "方案.pdf")) == GAPS_EXPECTED


def test_stage_summary_review(sample_kb):
    summary = ("示例铸造厂学习动员阶段小结\n"
               "本阶段思想发动比较充分，召开了动员大会。规定的任务基本完成，必经环节都已走完。\n"
               "广泛征求群众意见，收到意见建议45条。三班倒党员集中学习只有28学时，已安排补学。\n"
               "下一阶段动员会定于9月1日召开，由党委书记对分析评议阶段提出要求。\n")
    report = sample_kb.review(summary, "jieduan-xiaojie")
    assert statuses(report) == {"sixiang-fadong": "符合", "renwu-wancheng": "符合", "chengxu-huanjie": "符合",
                                "xueshi": "不符", "buzu-mibu": "符合", "qunzhong-yijian": "符合",
                                "xia-jieduan": "符合", "huodong-mingcheng": "符合", "jigou-mingcheng": "符合"}
    assert finding(report, "xueshi").found == ("28 学时",)


# -- numerals and units -----------------------------------------------------------------------
@pytest.mark.parametrize("written", ["四十", "40", "４０"])
def test_numerals_all_read_as_40(sample_kb, written):
    assert parse_number(written) == 40
    text = as_text(plan({"不少于40学时": f"不少于{written}学时"}))
    item = finding(sample_kb.review(text, "shishi-fangan"), "xueshi")
    assert item.status == "符合" and item.found == ("40 学时",)


@pytest.mark.parametrize("text, expected", [
    ("集中学习三个月", [(3, "个月")]),
    ("学习动员阶段一个半月", [(1.5, "个月")]),
    ("安排两个月", [(2, "个月")]),
    ("分析评议5周", [(5, "周")]),
    ("提前半个月", [(0.5, "个月")]),
    ("5个工作日内报送", [(5, "天")]),
    ("不少于四十个学时", [(40, "学时")]),
    ("2005年7月开始，7月10日前报送，7月底完成，第3周检查", []),
])
def test_quantities_with_units(text, expected):
    assert [(q.value, q.unit) for q in find_quantities(text)] == expected


def test_weeks_count_toward_months(sample_kb):
    text = as_text(plan({"全厂集中学习教育时间不少于3个月。": "全厂集中学习教育时间为10周。"}))
    item = finding(sample_kb.review(text, "shishi-fangan"), "jizhong-shijian")
    assert item.status == "不符" and item.found == ("10 周（约 2.3 个月）",)


def test_a_partial_number_is_not_the_total(sample_kb):
    text = as_text(plan({"学习培训时间不少于40学时": "学习培训时间不少于40学时，其中集体学习不少于24学时"}))
    assert finding(sample_kb.review(text, "shishi-fangan"), "xueshi").found == ("40 学时",)


def test_a_conversion_rate_is_not_the_total(sample_kb):
    text = as_text(plan({"学习培训时间不少于40学时": "学习培训时间不少于40学时，每半天集中学习按3学时计算"}))
    assert finding(sample_kb.review(text, "shishi-fangan"), "xueshi").found == ("40 学时",)


def test_a_plan_missing_the_number_is_not_seen(sample_kb):
    text = as_text(plan({"学习培训时间不少于40学时": "学习培训以自学为主"}))
    assert finding(sample_kb.review(text, "shishi-fangan"), "xueshi").status == "未见"


def test_pasted_plain_text_splits_at_numbered_lines():
    parsed = split_plan("# 方案\n\n一、总体要求\n\n要求一。\n\n（一）学习动员阶段\n\n学习。\n", "方案")
    assert [p.label for p in parsed.parts] == ["一、总体要求", "一、总体要求 › （一）学习动员阶段"]


# -- what the rules say beside each part ----------------------------------------------------
def test_each_part_has_relevant_passages(sample_kb):
    report = sample_kb.review(as_text(plan()), "shishi-fangan")
    parts = {p.label: p for p in report.parts}
    stage = parts["三、方法步骤和日程安排 › （二）分析评议阶段（9月上旬至10月上旬）"]
    assert stage.related and any("分析评议" in r.snippet for r in stage.related)
    assert all(r.doc_id and r.title for p in report.parts for r in p.related)
    assert "sange-jieduan" in stage.findings


def test_related_passages_can_be_left_out(sample_kb):
    report = sample_kb.review(as_text(plan()), "shishi-fangan", related=False)
    assert report.parts and not any(p.related for p in report.parts)


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("data, name, words", [
    (b"", "empty.docx", "0 字节"),
    (b"PK\x03\x04 truncated zip", "plan.docx", "损坏"),
    (b"%PDF-1.4\n1 0 obj <<>> garbage", "plan.pdf", "损坏"),
    ("第一条 看起来像文本。".encode(), "setup.exe", "不支持 .exe"),
    (make_zip_bomb(zero_mb=105), "bomb.docx", "解压"),
])
def test_unreadable_or_hostile_files_get_the_importers_messages(sample_kb, data, name, words):
    with pytest.raises(ImportRefused) as err:
        review_file(sample_kb, data, name)
    assert words in str(err.value) and name in str(err.value)
