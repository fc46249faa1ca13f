"""Reading the corpus: encodings, front matter, derived metadata and clear problems."""
from __future__ import annotations

import re

import pytest

from indexer.corpus import Corpus, parse_document
from indexer.errors import CorpusError

from conftest import SAMPLE_CORPUS, write_doc


def test_gbk_and_gb18030_files_are_read(tmp_path):
    write_doc(tmp_path, "gbk.md", {"id": "g1", "title": "群众满意度测评", "level": "group"},
              "满意度不到三分之二的要补课。\n", encoding="gbk")
    write_doc(tmp_path, "gb18030.md", {"id": "g2", "title": "𠀀测试", "level": "group"},
              "党员𠀀学习。\n", encoding="gb18030")
    docs, problems = Corpus(tmp_path).load()
    by_id = {d.id: d for d in docs}
    assert by_id["g1"].title == "群众满意度测评"
    assert "三分之二" in by_id["g1"].passages[0].text
    assert by_id["g2"].title == "𠀀测试"
    assert not [p for p in problems if p.severity == "error"]


def test_file_without_front_matter_is_still_a_document(tmp_path):
    path = write_doc(tmp_path / "laws", "劳动合同法(2012-12-28).md", None, """
        # 中华人民共和国劳动合同法

        2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过

        <!-- INFO END -->

        ## 第一章 总则

        第一条 为了完善劳动合同制度，制定本法。

        第二条 本法适用于境内的企业。
        本款是第二条的第二款。
        """)
    docs, problems = Corpus(tmp_path).load()
    (doc,) = docs
    assert doc.title == "中华人民共和国劳动合同法"
    assert doc.date == "2012-12-28"
    assert doc.level == "unclassified" and doc.level_label == "未分类"
    assert doc.id.startswith("f-")
    articles = [p for p in doc.passages if p.article]
    assert [p.anchor for p in articles] == ["art1", "art2"]
    assert "第二款" in articles[1].text
    assert articles[1].section == "第一章 总则 › 第2条"
    warned = {p.field for p in problems if p.severity == "warning"}
    assert "level" in warned and not [p for p in problems if p.severity == "error"]
    assert path.exists()


def test_folder_defaults_apply_to_files_without_front_matter(tmp_path):
    (tmp_path / "laws").mkdir()
    (tmp_path / "laws" / "_folder.yml").write_text("level: central\ndoc_type: 法律\n", encoding="utf-8")
    write_doc(tmp_path / "laws", "x.md", None, "# 某法\n第一条 内容。\n")
    (doc,), _ = Corpus(tmp_path).load()
    assert (doc.level, doc.doc_type) == ("central", "法律")


@pytest.mark.parametrize("front, field, words", [
    ({"id": "x", "title": "t", "level": "火星"}, "level", "级别"),
    ({"id": "x", "title": "t"}, "level", "缺少"),
    ({"id": "有 空格", "title": "t", "level": "group"}, "id", "不合规"),
    ({"id": "x", "title": "t", "level": "group", "date": "2005-13-01"}, "date", "不存在"),
    ({"id": "x", "title": "t", "level": "group", "date": "去年"}, "date", "格式"),
    ({"id": "x", "title": "t", "level": "group", "status": "有效"}, "status", "状态"),
])
def test_invalid_fields_are_named(tmp_path, front, field, words):
    write_doc(tmp_path, "bad.md", front, "正文。\n")
    docs, problems = Corpus(tmp_path).load()
    assert docs == []
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.path == "bad.md" and problem.field == field and words in problem.message


def test_broken_yaml_is_reported_with_the_file(tmp_path):
    (tmp_path / "bad.md").write_text("---\nid: [unclosed\n---\n正文\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.md"):
        parse_document((tmp_path / "bad.md").read_text(encoding="utf-8"), "bad.md")


def test_duplicate_ids_keep_the_first_and_report_the_second(tmp_path):
    write_doc(tmp_path, "a.md", {"id": "same", "title": "甲", "level": "group"}, "甲。\n")
    write_doc(tmp_path, "b.md", {"id": "same", "title": "乙", "level": "group"}, "乙。\n")
    docs, problems = Corpus(tmp_path).load()
    assert [d.title for d in docs] == ["甲"]
    assert any(p.path == "b.md" and p.field == "id" for p in problems)


def test_undecodable_file_is_reported(tmp_path):
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\x00\x81\x00\xff" * 10)
    docs, problems = Corpus(tmp_path).load()
    assert docs == [] and "编码" in problems[0].message


def test_sample_corpus_is_complete_and_valid():
    corpus = Corpus(SAMPLE_CORPUS)
    docs, problems = corpus.load()
    assert not [p for p in problems if p.severity == "error"], problems
    levels = [d.level for d in docs]
    assert levels.count("central") >= 6 and levels.count("provincial") >= 5
    assert levels.count("municipal") + levels.count("group") >= 10 and levels.count("case") >= 15
    assert len(corpus.glossary()) >= 30 and len(corpus.aliases()) >= 20
    for doc in docs:
        if doc.level == "case":
            assert doc.sample and doc.cites, doc.id


def test_seed_speech_is_included_verbatim():
    seed = SAMPLE_CORPUS.parent.parent / "shared" / "seed" / "000_28673fd489ebb2cd.txt"
    if not seed.exists():
        pytest.skip("../shared/seed is not present beside this checkout")
    doc_path = SAMPLE_CORPUS / "documents" / "group" / "zzb-2005-dudao-peixun-jianghua.md"
    doc, _ = parse_document(doc_path.read_text(encoding="utf-8"), "x.md")
    assert doc.title == "在先进性教育活动督导工作骨干培训班上的讲话" and doc.level == "group"
    assert doc.body == seed.read_text(encoding="utf-8")


@pytest.mark.parametrize("front, words", [
    ("title: !!python/object/apply:os.system [\"ls\"]\n", "不允许的类型标记"),
    ("title: 关于: 通知\n", "冒号"),
    ("title: \"未闭合\n", "配对"),
    ("title: 甲\n  level: central\n", "第"),
    ("tags: [甲, 乙\n", "方括号"),
])
def test_front_matter_yaml_errors_are_chinese_sentences(front, words):
    from indexer.corpus import split_front_matter
    with pytest.raises(CorpusError) as err:
        split_front_matter("---\n" + front + "---\n正文\n", "a.md")
    message = str(err.value)
    assert words in message and "格式错误" in message
    assert not re.search(r"[A-Za-z]{4,}", message.replace("YAML", "")), message
