"""Questions in people's own words: named documents, everyday wording, filler, literal words before
their expansion, answer types, trimming, refusals and out-of-scope questions (issue 10).

Every corpus is made in the test, so each case shows the one behaviour it is about.
"""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase

from indexer.qa import coverage
from indexer.errors import CorpusError
from indexer.search.naming import TitleIndex
from indexer.qa.question import looks_like_question

from conftest import write_doc

LAW = {"level": "central", "doc_type": "法律", "issuer": "全国人大常委会"}


def _kb(tmp_path, docs: dict, side: dict | None = None) -> KnowledgeBase:
    root = tmp_path / "corpus"
    for n, (doc_id, (title, body, extra)) in enumerate(docs.items()):
        front = {"id": doc_id, "title": title, **LAW, "date": f"20{10 + n:02d}-01-01", **extra}
        write_doc(root, f"{doc_id}.md", front, body)
    for name, text in (side or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index", result_cache=0)
    kb.index()
    return kb


def _top(kb, question):
    found = kb.ask(question)
    assert found.answers, (question, found.message)
    return found.answers[0]


# -- 1. the question names its document ------------------------------------------------------------
@pytest.fixture
def two_laws(tmp_path):
    body_a = """
    # 中华人民共和国甲乙劳动法
    第十九条 劳动合同期限一年以上的，试用期不得超过二个月。
    第二十条 用人单位应当按时支付工资。
    """
    body_b = """
    # 中华人民共和国丙丁服务法
    第八条 服务合同期限一年以上的，试用期不得超过六个月。
    第九条 服务机构应当公开收费标准。
    """
    return _kb(tmp_path, {"jiayi": ("中华人民共和国甲乙劳动法", body_a, {}),
                          "bingding": ("中华人民共和国丙丁服务法", body_b, {})})


@pytest.mark.parametrize("question", [
    "按甲乙劳动法，试用期最长多久？",              # short title: no 中华人民共和国, no 《》
    "《中华人民共和国甲乙劳动法》规定试用期最长多久？",
    "甲乙劳动法里试用期最长多久？",
])
def test_named_law_answers_from_that_law(two_laws, question):
    top = _top(two_laws, question)
    assert top.doc_id == "jiayi"
    assert "二个月" in top.text


def test_other_law_named_answers_from_it(two_laws):
    assert _top(two_laws, "丙丁服务法规定试用期最长多久？").doc_id == "bingding"


def test_everyday_names_of_statutes_name_them():
    metas = [{"id": "road", "title": "中华人民共和国道路交通安全法", "date": "2021-04-29"},
             {"id": "cons", "title": "中华人民共和国消费者权益保护法", "date": "2013-10-25"}]
    titles = TitleIndex(metas)
    assert titles.find("按交通法，闯红灯罚多少钱？")[0].doc_ids == ("road",)
    assert titles.find("消法规定退货期限是几天？")[0].doc_ids == ("cons",)


def test_national_rule_before_a_local_restatement(tmp_path):
    docs = {"local": ("北京市实施《中华人民共和国某某法》办法", "第九条 罚款应当在收到决定书之日起15日内缴纳。\n", {}),
            "national": ("中华人民共和国某某法", "第九条 当事人应当自收到处罚决定书之日起十五日内缴纳罚款。\n", {})}
    kb = _kb(tmp_path, docs)
    assert _top(kb, "收到罚款决定书以后几天内要交罚款？").doc_id == "national"
    assert _top(kb, "在北京收到罚款决定书以后几天内要交罚款？").doc_id == "local"


def test_title_index_prefers_newest_version_and_keeps_older():
    metas = [{"id": "v1", "title": "中华人民共和国某某法", "date": "2017-01-01"},
             {"id": "v2", "title": "中华人民共和国某某法", "date": "2023-09-01"},
             {"id": "other", "title": "某市实施《中华人民共和国某某法》办法", "date": "2020-01-01"}]
    found = TitleIndex(metas).find("按某某法规定，申请期限是多少天？")
    assert [n.doc_ids for n in found] == [("v2",)]
    assert found[0].older == ("v1",)


def test_title_ending_names_a_long_title():
    metas = [{"id": "banfa", "title": "示例省保持共产党员先进性教育活动督导工作办法", "date": "2005-01-01"}]
    assert TitleIndex(metas).find("根据督导工作办法，督导组几个人？")[0].doc_ids == ("banfa",)
    # a bare common word names nothing
    assert TitleIndex(metas).find("有什么工作办法？") == []


def test_year_of_an_older_version_gets_a_note(tmp_path):
    body = "# 中华人民共和国某某法\n第九条 申请人可以自知道之日起六十日内提出申请。\n"
    kb = _kb(tmp_path, {"old": ("中华人民共和国某某法", body.replace("六十", "三十"), {"date": "2017-09-01"}),
                        "new": ("中华人民共和国某某法", body, {"date": "2023-09-01"})})
    top = _top(kb, "2017年的某某法规定多少天内提出申请？")
    assert top.doc_id == "new" and "六十日内" in top.text
    assert "较早版本" in top.note


# -- 2. everyday words, official text ---------------------------------------------------------------
WORDING = """
- everyday: [老板, 厂里]
  official: [用人单位]
- everyday: [辞退, 开除]
  official: [解除劳动合同]
"""


def _labour(tmp_path, wording: str | None):
    body = """
    第四十条 用人单位解除劳动合同，应当提前三十日以书面形式通知劳动者本人。
    第四十一条 职工代表大会每年至少召开一次会议。
    """
    return _kb(tmp_path, {"labour": ("示例劳动规定", body, {})},
               {"wording.yml": wording} if wording is not None else None)


def test_everyday_words_find_the_official_sentence(tmp_path):
    top = _top(_labour(tmp_path, None), "老板要辞退我，得提前几天通知？")   # the built-in table
    assert "提前三十日" in top.text


def test_the_corpus_table_adds_its_own_words(tmp_path):
    question = "头家要散伙，得提前几天通知？"
    assert not any("提前三十日" in a.text for a in _labour(tmp_path / "a", None).ask(question).answers)
    own = "- everyday: [头家]\n  official: [用人单位]\n- everyday: [散伙]\n  official: [解除劳动合同]\n"
    assert "提前三十日" in _top(_labour(tmp_path / "b", own), question).text


def test_the_corpus_table_overrides_the_built_in_entry(tmp_path):
    kb = _labour(tmp_path, "- everyday: [老板]\n  official: [职工代表大会]\n")
    assert kb.wording()["老板"] == ("职工代表大会",)
    assert kb.wording()["辞退"]   # the rest of the built-in table stays


def test_the_literal_word_outweighs_its_official_translation(tmp_path):
    body = """
    用人单位解除劳动合同的，应当向劳动者说明理由。
    开除学籍的，应当在决定作出后十日内通知本人。
    """
    kb = _kb(tmp_path, {"mixed": ("示例规定", body, {})}, {"wording.yml": WORDING})
    assert "开除学籍" in _top(kb, "开除了要几天内通知本人？").text


@pytest.mark.parametrize("text, reason", [
    ("- everyday: [老板]\n", "缺少"),
    ("- everyday: [老板]\n  official: [老板]\n", "同时出现"),
    ("- everyday: [老板]\n  official: [用人单位]\n- everyday: [老板]\n  official: [雇主]\n", "第 1 项"),
    ("老板: 用人单位\n", "应为列表"),
])
def test_bad_wording_table_is_a_named_problem(tmp_path, text, reason):
    kb = _labour(tmp_path, None)
    (kb.corpus.root / "wording.yml").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        kb.corpus.wording()
    assert "wording.yml" in str(caught.value) and reason in str(caught.value)
    problems = [p for p in kb.check() if p.path == "wording.yml"]
    assert problems and reason in problems[0].message


# -- 3. spoken filler ---------------------------------------------------------------------------------
def test_spoken_filler_does_not_pick_the_answer(tmp_path):
    body = """
    下面请大家一般先到会场签到。
    督导日志由组长审核。
    """
    kb = _kb(tmp_path, {"rules": ("督导组工作规程", body, {})})
    top = _top(kb, "请问下面大家说的督导日志一般到底由谁审核呢？")
    assert "由组长审核" in top.text


# -- 4. the literal word before its expansion (ask and search) ----------------------------------------
@pytest.fixture
def alias_kb(tmp_path):
    docs = {
        "speech": ("培训班上的讲话", "一律不宜称为“保先办”，应当使用全称。\n", {}),
        "notice1": ("工作通知", "领导小组办公室负责日常联系。领导小组办公室设在组织部。\n", {}),
        "notice2": ("工作安排", "领导小组办公室每周汇总情况。领导小组办公室负责督查。\n", {}),
    }
    return _kb(tmp_path, docs, {"aliases.yml": "保先办: [领导小组办公室]\n"})


def test_search_puts_the_document_with_the_typed_word_first(alias_kb):
    page = alias_kb.search("保先办")
    assert page.total == 3 and page.hits[0].id == "speech"


def test_ask_answers_from_the_sentence_with_the_typed_word(alias_kb):
    assert _top(alias_kb, "保先办能不能用？").doc_id == "speech"


# -- 5. the answer type, with its unit ----------------------------------------------------------------
def test_days_are_answered_with_days_not_money(tmp_path):
    body = """
    第十条 违反本规定的，处五千元罚款。
    第十一条 当事人应当在收到通知之日起十五日内提出申请。
    """
    kb = _kb(tmp_path, {"rule": ("示例申请规定", body, {})})
    assert "十五日内" in _top(kb, "收到通知以后多少天内要提出申请？").text
    assert "五千元" in _top(kb, "违反规定罚多少钱？").text


def test_total_hours_not_a_sub_total(tmp_path):
    body = "学习培训时间一般不少于40学时，其中集体学习不少于8个半天。\n"
    kb = _kb(tmp_path, {"plan": ("学习培训安排", body, {})})
    answer = _top(kb, "学习培训一共不少于多少学时？")
    assert "<mark>" in answer.html and "40学时" in answer.html.split("<mark>")[1].split("</mark>")[0]


def test_age_question_wants_an_age(tmp_path):
    body = """
    第五条 学校每学年应当组织两次体检。
    第十一条 凡年满六周岁的儿童，其父母应当送其入学。
    """
    kb = _kb(tmp_path, {"edu": ("示例入学规定", body, {})},
             {"wording.yml": "- everyday: [上学]\n  official: [入学]\n- everyday: [孩子]\n  official: [儿童]\n"})
    assert "六周岁" in _top(kb, "孩子满几岁就得送去上学？").text


# -- 6. trimming keeps the text after the question words --------------------------------------------
def test_trim_keeps_the_answer_after_the_question_words(tmp_path):
    body = ("对于督导过程中通过个别谈话、召开座谈会、查阅资料、列席会议、走访群众、发放问卷、设立意见箱、"
            "开通举报电话和电子信箱、开展专项检查和随机抽查等多种方式了解到的，"
            "对于群众来信来访中集中反映、经初步核实确有其事、在本单位长期得不到解决的突出问题，"
            "对于督导过程中发现的涉及面广、情况复杂、影响较大、群众反映强烈、需要多个部门共同研究处理的重大问题，"
            "以及在工作中遇到的需要上级明确政策界限的各类疑难事项，督导组应当及时整理材料，"
            "报告派出党委，由派出党委研究后作出决定。\n")
    kb = _kb(tmp_path, {"rules": ("督导工作规程", body, {})})
    top = _top(kb, "督导中发现影响较大、群众反映强烈的重大问题，最后由谁作出决定？")
    from indexer.qa.trimming import MAX_ANSWER_CHARS
    assert len(body) > MAX_ANSWER_CHARS + 10
    assert len(top.text) <= MAX_ANSWER_CHARS and "由派出党委研究后作出决定" in top.text
    # asked what to do, with no answer pattern to steer the window: it still goes on past the
    # question's words to what the rule says is done
    top = _top(kb, "督导中发现影响较大、群众反映强烈的重大问题，该怎么处理？")
    assert "督导组应当及时整理材料" in top.text, top.text


def test_a_sentence_that_fits_the_answer_window_is_shown_whole(tmp_path):
    # a long rule of 187 characters: its conditions first, what is done at the end; cut to 160
    # characters it lost either its beginning or the decision (CJRC dev 0.539 to 0.551 at 200)
    body = ("对于督导过程中通过个别谈话、召开座谈会、查阅资料、列席会议、走访群众、发放问卷、设立意见箱、"
            "开通举报电话和电子信箱、开展专项检查和随机抽查等多种方式了解到的，"
            "对于督导过程中发现的涉及面广、情况复杂、影响较大、群众反映强烈、需要多个部门共同研究处理的重大问题，"
            "以及在工作中遇到的需要上级明确政策界限的各类疑难事项，督导组应当及时整理材料，"
            "报告派出党委，由派出党委研究后作出决定。")
    assert 160 < len(body) <= 200
    kb = _kb(tmp_path, {"rules": ("督导工作规程", body + "\n", {})})
    top = _top(kb, "督导中发现群众反映强烈的重大问题，最后由谁作出决定？")
    assert top.text == body, top.text


# -- 7 and 8. refusals, possible answers, out-of-scope questions ------------------------------------
@pytest.fixture
def plain_kb(tmp_path):
    body = """
    第三条 今天召开的会议由办公室负责记录。
    第四条 督导组成员上岗前集中培训不少于三天。
    第五条 差旅费按照本单位规定报销。
    """
    return _kb(tmp_path, {"rules": ("督导组工作规定", body, {})})


@pytest.mark.parametrize("question", ["今天天气怎么样", "火星基地怎么申请？", "护照丢了去哪里补办？"])
def test_out_of_scope_questions_are_refused(plain_kb, question):
    found = plain_kb.ask(question)
    assert found.answers == () and found.message == "未找到明确答案"


def test_a_possible_answer_must_say_the_question_s_key_word(tmp_path):
    body = "第三十二条 督导组应当每周报告一次工作。\n第三十三条 学习培训的时间一般不少于40学时。\n"
    kb = _kb(tmp_path, {"rules": ("督导组工作规定", body, {})})
    assert kb.ask("巡回检查多久一次？").answers == ()


def test_a_named_document_without_the_key_word_gives_no_possible_answer(tmp_path):
    body = "# 示例督导工作办法\n第十条 督导组的主要职责是：\n（一）了解情况；（二）督促检查。\n"
    kb = _kb(tmp_path, {"banfa": ("示例督导工作办法", body, {}),
                        "money": ("示例财务规定", "第一条 差旅费按照本单位规定报销。\n", {})})
    assert kb.ask("督导工作办法里督导组的经费怎么解决？").answers == ()


def test_the_article_number_is_not_marked_as_the_answer(tmp_path):
    body = "第五条 督导组一般由3至5人组成。\n第六条 督导组成员应当具备下列条件。\n"
    kb = _kb(tmp_path, {"banfa": ("示例督导工作办法", body, {})})
    marked = _top(kb, "督导组一般由几人组成？").html.split("<mark>")[1].split("</mark>")[0]
    assert "3至5人" in marked and not marked.startswith("第五条")


def test_the_same_sentence_is_not_answered_twice(tmp_path):
    body = "督导组成员上岗前集中培训不少于三天。\n"
    kb = _kb(tmp_path, {"a": ("督导规定甲", body, {}), "b": ("督导规定乙", body, {})})
    texts = [a.text for a in kb.ask("督导组成员上岗前培训不少于几天？").answers]
    assert len(texts) == len(set(texts)) == 1


def test_weak_evidence_from_a_named_document_is_a_labelled_possible_answer(tmp_path):
    body = "# 示例督导工作办法\n第七条 督导组由三至五人组成，组长由派出党委指定。\n第八条 督导组应当每周报告一次工作。\n"
    kb = _kb(tmp_path, {"banfa": ("示例督导工作办法", body, {}),
                        "money": ("示例财务规定", "第一条 差旅费按照本单位规定报销。\n第二条 会议费由秘书统一报销。\n", {}),
                        "meeting": ("示例会议制度", "第一条 会议由办公室负责记录，干部轮流值班。\n", {})})
    found = kb.ask("督导工作办法里，督导组一般配几个干部和秘书？")
    assert found.tentative and found.answers[0].tentative
    assert found.answers[0].doc_id == "banfa" and "三至五人" in found.answers[0].text
    assert found.to_dict()["message"].startswith("未找到明确答案")
    # the same question without naming the document is not answered
    assert not kb.ask("督导组一般配几个干部和秘书？").answers


# -- 8. the site: quoted terms and 指什么 -------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("分析评议阶段的“近年来”指什么", True),
    ("“近年来”从什么时候算起？", True),
    ("分析评议阶段的近年来指什么", True),
    ("\"近年来\" 分析评议", False),
    ("学时 -补课", False),
    ("级别:中央 学时", False),
])
def test_questions_with_quoted_terms_are_questions(text, expected):
    assert looks_like_question(text) is expected


# -- near-domain questions on the sample corpus: the words are there, the answer is not ------------
@pytest.mark.parametrize("question", [
    "差旅费怎么报销？", "党费按什么比例交？", "党员每月交多少党费？", "用车怎么安排？", "督导组可以用公车吗？",
])
def test_near_domain_questions_are_refused(sample_kb, question):
    found = sample_kb.ask(question)
    assert found.answers == (), [a.text for a in found.answers]


@pytest.mark.parametrize("question, expected", [
    ("督导组成员可以接受宴请吗？", "不得接受被督导单位的宴请"),
    ("督导组能不能直接向基层下达指令？", "不得直接向基层下达指令"),
])
def test_near_domain_questions_the_rules_do_answer_are_answered(sample_kb, question, expected):
    found = sample_kb.ask(question)
    assert found.answers and expected in found.answers[0].text and not found.tentative


def test_a_sentence_without_the_unit_asked_is_weak_evidence(tmp_path):
    body = "第三条 党员应当按月交纳党费。\n第四条 党费按照工资收入的百分之一交纳。\n"
    kb = _kb(tmp_path, {"fee": ("党费收缴规定", body, {})})
    assert "百分之一" in _top(kb, "党费按什么比例交？").text
    kb2 = _kb(tmp_path / "two", {"fee": ("党费收缴规定", "第三条 党员应当按月交纳党费，累计6个月不交的要谈话。\n", {})})
    assert kb2.ask("党费按什么比例交？").answers == ()


# -- everyday words weigh less than the words rules use (background.py) ----------------------------
def _filler_docs(count: int = 12) -> dict:
    # documents that share no word with the questions, so that a test corpus has a realistic
    # spread of document frequencies (in a 3-document corpus every word is "widely used")
    return {f"f{i}": (f"示例管理制度{i}", f"第一条 本制度第{i}项规定由办公室负责解释。\n第二条 本制度自印发之日起施行。\n", {})
            for i in range(count)}


def test_everyday_words_of_a_story_do_not_outweigh_the_term_asked_about(tmp_path):
    # The story (对方一直拖着不还) shares four everyday words with the wrong rule; the rule on
    # 诉讼时效 shares only the term. Everyday words are common in general Chinese and count less.
    kb = _kb(tmp_path, {
        **_filler_docs(),
        "civil": ("示例民事规定", "第一条 向人民法院请求保护民事权利的诉讼时效期间为三年。\n", {}),
        "loan": ("示例借款须知", "第一条 借给对方的款项一直没有约定期限，对方拖着不还的，出借人可以随时催告，"
                 "给予对方三十日的准备时间。\n", {}),
    })
    top = _top(kb, "对方一直拖着不还，诉讼时效是几年？")
    assert top.doc_id == "civil" and "三年" in top.text


def test_a_word_the_corpus_uses_widely_keeps_its_weight(tmp_path):
    # 工作 and 基础 are everyday words, but these documents use them throughout: they still decide.
    docs = {f"d{i}": (f"示例制度{i}", f"第一条 本单位的工作由领导小组统一安排，第{i}项工作按计划推进。\n", {}) for i in range(3)}
    docs["rule"] = ("示例联系点制度", "第一条 联系点的选择应当兼顾先进和后进，不宜都选工作基础好的单位。\n"
                                      "第二条 联系点由领导干部自行确定，报领导小组备案。\n", {})
    kb = _kb(tmp_path, docs)
    top = _top(kb, "联系点能不能都选工作基础好的单位？")
    assert top.doc_id == "rule" and "不宜都选" in top.text


def test_a_phrase_found_in_part_counts_for_its_share():
    # 汇报上去 (two words) where a passage says only 汇报: part of the phrase, not nothing
    group = ((("汇报", "上去"),))
    held = coverage.groups_present([group, (("督导组",),)], [" 督导组 及时 汇报 ", " 督导组 及时 处理 "])
    assert 0 < held[0][0] < 1 and held[1][0] == 0
    assert coverage.group_share(group, {"汇报"}) == held[0][0] == coverage.group_in_string(group, " 汇报 ")


def test_words_after_a_named_document_belong_to_the_mention(tmp_path):
    # 里规定的 is part of naming the law, not a key word: the rule that merely says 规定 does not win.
    body = ("第十二条 每年6月5日为环境日。\n"
            "第三十条 违反本法环境保护规定的，按日连续处罚，并依照有关规定公告。\n")
    kb = _kb(tmp_path, {"env": ("示例环境保护法", body, {})})
    top = _top(kb, "环境保护法里规定的环境日是哪天？")
    assert "6月5日" in top.text



# -- the question's own number against the ranges a rule states (ranges.py) -------------------------
UNEMPLOYMENT = ("第四十六条 失业人员失业前累计缴费满一年不足五年的，领取失业保险金的期限最长为十二个月；"
                "累计缴费满五年不足十年的，领取失业保险金的期限最长为十八个月；"
                "累计缴费十年以上的，领取失业保险金的期限最长为二十四个月。\n")


@pytest.mark.parametrize("question, expected", [
    ("交了六年失业保险，失业金最长能领多久？", "十八个月"),
    ("失业前交了两年保险，失业金最多领几个月？", "十二个月"),
    ("我交了十二年失业保险，失业了能领多长时间？", "二十四个月"),
])
def test_the_tier_whose_range_holds_the_question_s_number_answers(tmp_path, question, expected):
    kb = _kb(tmp_path, {**_filler_docs(4), "si": ("示例社会保险规定", UNEMPLOYMENT, {})})
    top = _top(kb, question)
    assert expected in top.text and all(other not in top.text for other in {"十二个月", "十八个月", "二十四个月"} - {expected})


def test_an_age_in_the_question_is_held_by_the_rule_for_that_age(tmp_path):
    body = ("第二十一条 违反治安管理行为人有下列情形之一的，不执行行政拘留处罚：\n"
            "（一）已满十四周岁不满十六周岁的；\n（二）七十周岁以上的。\n"
            "第二十二条 违反治安管理的，处五日以下拘留。\n")
    kb = _kb(tmp_path, {**_filler_docs(4), "zhian": ("示例治安规定", body, {})})
    top = _top(kb, "七十多岁的老人违反治安管理，会执行拘留吗？")
    assert "七十周岁以上" in top.text or "不执行行政拘留处罚" in top.text
    assert "五日以下拘留" not in top.text


def test_numbers_and_ranges_are_read_in_chinese_and_digits():
    from indexer.qa.ranges import cn_number, question_values, range_fit
    assert [cn_number(t) for t in ("十八", "二百", "一万五千", "两", "12", "半")] == [18, 200, 15000, 2, 12, 0.5]
    assert question_values("签了两年的劳动合同") == [("month", 24.0)]
    six = question_values("交了6年")
    assert range_fit(six, "满五年不足十年的") == 1 and range_fit(six, "满一年不足五年的") == -1
    assert range_fit(six, "十年以上的") == -1 and range_fit(six, "期限最长为十八个月") == 0
    assert range_fit(question_values("不到半年"), "不满六个月的，支付半个月工资") == 1


# -- unclassified documents: the law before the rules that implement or interpret it -----------------
def _unclassified_kb(tmp_path, files: dict[str, str]) -> KnowledgeBase:
    """Index *files* (name → text) without front matter, as a folder of statutes is indexed."""
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    for i in range(4):
        (root / f"f{i}.md").write_text(f"# 示例管理规定{i}\n\n第一条 本规定自发布之日起施行。\n", encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index", result_cache=0)
    kb.index()
    return kb


def test_an_unclassified_law_answers_before_an_interpretation_saying_the_same(tmp_path):
    # the title tells the kind. The same sentence; the interpretation is the shorter document, so
    # plain BM25 puts it first
    kb = _unclassified_kb(tmp_path, {
        "interp.md": "# 最高人民法院关于示例劳动争议仲裁法的解释\n\n第三条 劳动争议申请仲裁的时效期间为一年。\n",
        "law.md": ("# 中华人民共和国示例劳动争议仲裁法\n\n"
                   "第一条 本法第一项由仲裁委员会负责实施，当事人应当遵守。\n"
                   "第二十七条 劳动争议申请仲裁的时效期间为一年。\n")})
    found = kb.ask("劳动争议申请仲裁的时效期间是多久？")
    assert [a.title for a in found.answers[:2]] == ["中华人民共和国示例劳动争议仲裁法",
                                                    "最高人民法院关于示例劳动争议仲裁法的解释"]


def test_a_plain_question_is_answered_from_the_law_before_a_closer_worded_interpretation(tmp_path):
    # the court's interpretation restates the rule with more of the question's words (当事人);
    # a question that names no document asks what the law says
    kb = _unclassified_kb(tmp_path, {
        "interp.md": "# 最高人民法院关于审理示例劳动争议案件的解释\n\n第三条 劳动争议当事人申请仲裁的时效期间为一年。\n",
        "law.md": "# 中华人民共和国示例劳动争议仲裁法\n\n第二十七条 劳动争议申请仲裁的时效期间为一年。\n"})
    found = kb.ask("当事人申请劳动争议仲裁，时效期间是多久？")
    assert found.answers[0].title == "中华人民共和国示例劳动争议仲裁法"


@pytest.mark.parametrize("title, kind", [
    ("中华人民共和国劳动法", "law"), ("中华人民共和国刑法（2020修正）", "law"), ("中华人民共和国民法典", "law"),
    ("工伤保险条例", "regulation"), ("机动车驾驶证申领和使用规定", "rules"),
    ("最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）", "interpretation"),
    ("劳动仲裁和劳动诉讼的攻略", "other"),
])
def test_the_kind_of_an_unclassified_document_is_read_from_its_title(title, kind):
    from indexer.search.naming import authority, document_kind
    assert document_kind(title) == kind
    assert authority({"title": title, "level": "central"}) == 1.0   # the office's classification governs


def test_a_quota_per_month_answers_a_question_per_month(tmp_path):
    body = ("第四十一条 用人单位延长工作时间，一般每日不得超过一小时；"
            "因特殊原因需要延长工作时间的，在保障劳动者身体健康的条件下延长工作时间每日不得超过三小时，"
            "但是每月不得超过三十六小时。\n")
    kb = _kb(tmp_path, {**_filler_docs(4), "labour": ("示例劳动规定", body, {})})
    top = _top(kb, "单位安排加班，一个月加起来最多能加多少小时？")
    assert "每月不得超过三十六小时" in top.text
    assert "三十六小时" in top.html.split("<mark>")[1].split("</mark>")[0]


# -- compound question words: 督导组 asked, 督导小组 written; 负责人 is not 负责 ----------------------
def test_a_compound_question_word_counts_in_part_where_the_text_uses_the_word_it_is_built_on():
    # 督导组 asked, 督导小组 written: the passage holds the question's word in part, not at all before
    from indexer.qa.question import AnalyzedQuestion
    from indexer.qa.repair import COMPOUND_FACTOR, repair_unknown
    question = AnalyzedQuestion(text="督导组跟谁沟通", core="督导组跟谁沟通", qtype="actor",
                                groups=((("督导组",),), (("沟通",),)), query=None)
    frequency = {"督导组": 2, "督导": 40, "沟通": 30}.get
    repaired = repair_unknown(question, lambda t: frequency(t, 0), lambda prefix: iter(()))
    held = coverage.groups_present(repaired.groups, [" 督导小组 督导 小组 沟通 "], repaired.factors)[0]
    assert held == (COMPOUND_FACTOR, 1.0)
    assert coverage.groups_present(question.groups, [" 督导小组 督导 小组 沟通 "])[0] == (0.0, 1.0)


def test_a_person_word_is_not_cut_down_to_its_verb(tmp_path):
    from indexer.qa.repair import with_pieces
    known = {"负责人": 3, "负责": 9, "结婚证": 1, "结婚": 7}.get
    assert with_pieces((("负责人",),), known) == (("负责人",),)
    assert with_pieces((("结婚证",),), known) == (("结婚证",), ("结婚",))


def test_a_low_scoring_sentence_of_the_named_law_is_still_a_possible_answer():
    # On the law corpus "民法典规定打官司的诉讼时效是几年" finds 诉讼时效期间为三年 with a final score
    # of 0.19: long spoken questions score low, and the named law is strong evidence of its own.
    from types import SimpleNamespace
    from indexer.qa.answerer import is_possible_answer
    question = SimpleNamespace(qtype="quantity", unit="年")
    def best(named, score):
        return SimpleNamespace(evidence=0.2, score=score, typed=True, key_held=True,
                               candidate=SimpleNamespace(named=named, coverage=0.2))
    assert is_possible_answer(best(True, 0.15), question, unknown=False)
    assert not is_possible_answer(best(False, 0.15), question, unknown=False)
    assert not is_possible_answer(best(True, 0.05), question, unknown=False)


@pytest.mark.parametrize("word, content", [
    ("差旅费", True), ("护照", True), ("补助", True), ("体检", True), ("年终", True), ("奥运会", True), ("医保", True),
    ("最起码", False), ("就行了", False), ("别人", False), ("合适", False), ("没人来", False), ("我能", False),
])
def test_only_an_unseen_content_word_makes_a_weak_match_suspicious(word, content):
    # 捡到的东西……多久没人来领就归国家了: the segmenter's 没人来 is not in any law, yet the
    # question is about 拾得遗失物; 差旅费 not being in the corpus means the corpus does not answer.
    from indexer.analysis.background import is_content_word
    assert is_content_word(word) is content


def test_a_real_document_answers_before_a_demonstration_text_that_says_the_same(tmp_path):
    kb = _kb(tmp_path, {
        **_filler_docs(),
        "demo": ("示例督导组工作规程", "第一条 督导组同时联系几个单位的，可以交叉安排工作。\n", {"sample": True}),
        "speech": ("督导工作讲话", "第一条 督导组同时联系几个单位的，可以交叉进行工作。\n", {}),
    })
    assert _top(kb, "督导组同时联系几个单位的，工作怎么做？").doc_id == "speech"
    # naming the demonstration text still answers from it
    assert _top(kb, "按示例督导组工作规程，督导组同时联系几个单位的，工作怎么做？").doc_id == "demo"


def test_a_number_with_its_unit_the_index_never_saw_is_not_cut_into_pieces():
    # 工作了十二年: the rules say 满十年 / 十年以上, never 十二年; the range, not the pieces 十二 and
    # 年, decides which rule holds it (bench/mutants.py: value-group-repaired)
    from indexer.qa.question import AnalyzedQuestion
    from indexer.qa.repair import repair_unknown
    groups = ((("经济补偿",),), (("十二年",),))
    question = AnalyzedQuestion(text="工作了十二年，经济补偿怎么算？", core="工作了十二年经济补偿", qtype="method",
                                groups=groups, query=None)
    frequency = {"经济补偿": 12, "十二": 30, "年": 900}.get
    repaired = repair_unknown(question, lambda t: frequency(t, 0), lambda prefix: iter(()))
    assert repaired.groups == groups


# -- answer next to its words, legal determinations, unseen turns of speech ------------------------
def _one_rule(tmp_path, title: str, body: str) -> KnowledgeBase:
    """A corpus of one rule among the filler documents."""
    return _kb(tmp_path, {**_filler_docs(), "rule": (title, body, {})})


def test_the_number_next_to_the_word_asked_about_answers(tmp_path):
    # Both articles hold 记分周期 and a period, and score the same on every other count; the one
    # whose period stands next to it states how long a 记分周期 is. The other's 三十日后 belongs
    # to 拒不参加学习 (bench statute set: answer proximity, W_PROX, took the held-out half from
    # 0.409 to 0.444).
    kb = _one_rule(tmp_path, "示例驾驶记分办法",
                   "第三条 在记分周期内累积记分满十二分的驾驶人应当参加学习，拒不参加学习的，"
                   "三十日后公告其驾驶证停止使用。\n第四条 记分周期为十二个月，满分为十二分。\n")
    top = _top(kb, "记分周期是多长时间？")
    assert "十二个月" in top.text, top.text


def test_an_exemption_answers_whether_something_must_be_paid(tmp_path):
    # 要不要交 asks whether; 免征 is the law's answer, though it is neither 不得 nor 可以, and it
    # must beat the article that says 应当 about the same words
    kb = _one_rule(tmp_path, "示例所得税法", "第四条 下列各项个人所得，免征个人所得税：（一）国债利息；（二）保险赔款。\n"
                   "第五条 个人取得国债利息所得的，应当按期向税务机关申报个人所得税。\n")
    top = _top(kb, "买国债拿到的利息要不要交个人所得税？")
    assert "免征" in top.text, top.text


def test_a_share_answers_how_much_must_be_paid_in_compensation(tmp_path):
    # 赔多少 is answered by 不超过百分之十的赔偿责任 as much as by a sum of money
    kb = _one_rule(tmp_path, "示例道路交通法", "第七十六条 机动车与行人之间发生交通事故，机动车一方没有过错的，"
                   "承担不超过百分之十的赔偿责任。\n第七十七条 机动车一方的赔偿责任由保险公司在责任限额内先行承担。\n")
    top = _top(kb, "机动车撞了行人，司机一点过错都没有，还要赔多少？")
    assert "百分之十" in top.text, top.text


def test_an_unseen_turn_of_speech_does_not_make_a_clear_answer_weak(tmp_path):
    # 才行 occurs in no rule: it is how people talk, not what they ask about. Weighed like a term
    # it took the answer below the evidence floor. An unseen term (差旅费) still counts fully, so
    # a question about it is still refused.
    kb = _one_rule(tmp_path, "示例会议规则", "第九条 召开全体会议，应当有三分之二以上的成员出席才能举行。\n"
                   "第十条 会议表决事项，由主持人宣布结果。\n")
    top = _top(kb, "人少了还会开会吗，全体会议得有多少成员出席才行？")
    assert "三分之二以上" in top.text and not top.tentative
    assert kb.ask("全体会议的差旅费标准是多少？").answers == ()


@pytest.mark.parametrize("word, function", [
    ("才行", True), ("还会", True), ("别家", True), ("一直", True), ("我能", True), ("没人来", True),
    ("下派", False), ("留薪期", False), ("差旅费", False), ("七十多岁", False), ("挂出", False),
])
def test_function_words_are_told_from_names_and_terms(word, function):
    from indexer.analysis import is_function_word
    assert is_function_word(word) is function


def test_restatements_do_not_crowd_the_law_out_of_the_candidates(tmp_path):
    # Twelve short court interpretations repeat the rule almost word for word and BM25F ranks them
    # all above the law (unclassified documents, as in a folder of statutes indexed as it is).
    # Of the best twenty documents, weighed by their kind (an interpretation counts 0.6), the law
    # is among the ten whose passages are read, and it answers.
    unclassified = {"level": "unclassified"}
    law = ("第一条 登记机关应当依照本法第一项规定办理登记。\n"
           "第四十条 网店经营者终止经营的，应当提前三十日在首页显著位置公示有关信息。\n")
    docs = {**_filler_docs(), "law": ("中华人民共和国示例电子商务法", law, unclassified)}
    for n in range(12):
        docs[f"interp{n}"] = (
            f"最高人民法院关于审理示例纠纷案件的解释（{n}）",
            f"第{n + 1}条 网店经营者终止经营，未提前在首页公示的，人民法院依照第{n}项处理。\n"
            f"第{n + 2}条 本解释自公布之日起施行，此前的规定与本解释不一致的，以本解释为准。\n"
            f"第{n + 3}条 人民法院审理有关纠纷案件，应当依法保护当事人合法权益，公正及时审理。\n", unclassified)
    kb = _kb(tmp_path, docs)
    top = _top(kb, "网店经营者要终止经营，得提前多少天在首页公示？")
    assert top.doc_id == "law" and "三十日" in top.text, (top.doc_id, top.text)


@pytest.mark.parametrize("question", ["女职工产检的时间有什么规定？", "按规定，女职工产检的时间怎么算？"])
def test_a_short_form_finds_the_term_it_stands_for(tmp_path, question):
    # People say 产检 where the rule says 产前检查. Article 5 holds more of the question's literal
    # words (女职工, 时间, 规定); article 6 holds 产检's characters in order inside one clause and
    # is the rule asked about (bench statute set: 0.452 to 0.504 on the held-out half).
    kb = _one_rule(tmp_path, "示例女职工劳动保护规定",
                   "第五条 女职工的哺乳时间，按照本规定执行。\n"
                   "第六条 怀孕女职工进行产前检查，所需时间计入劳动时间。\n")
    top = _top(kb, question)
    assert "产前检查" in top.text, top.text


@pytest.mark.parametrize("word, text, held", [
    ("年假", "职工累计工作满十年的，年休假十天", True),
    ("社保", "用人单位应当为职工办理社会保险登记", True),
    ("住满", "在中国境内居住累计满一百八十三天", True),
    ("社保", "社会，保障", False),          # not across a clause break
    ("社保", "社会主义现代化的保障", False),   # too far apart to be one term
    ("保社", "社会保险", False),            # not out of order
])
def test_a_short_form_is_its_characters_in_order_inside_one_clause(word, text, held):
    assert coverage.holds_abbreviated(word, text) is held
    row = coverage.groups_present([((word,),)], [" x "], texts=[text])[0]
    assert (row[0] == coverage.ABBREVIATION_FACTOR) is held and (row[0] > 0) is held
