"""Importing office files: real .docx/.pdf made here, hostile files refused with Chinese messages."""
from __future__ import annotations

import pytest

from indexer.office.importers import ImportLimits, ImportRefused, convert_bytes, convert_file
from indexer.office.importers.docx import int_to_cn

from office_files import PDF_LINES, cjk_font, make_docx, make_pdf, make_zip_bomb


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    font = cjk_font()
    if font is None:
        pytest.skip("没有找到含中文字形的字体（fc-list :lang=zh 为空）：无法生成中文 PDF 样本；.ci/run 会安装 fonts-noto-cjk")
    return make_pdf(font)


def test_docx_headings_numbering_table_and_guessed_fields():
    draft = convert_bytes(make_docx(), "意见.docx")
    assert draft.kind == "docx"
    assert draft.body.startswith("# 关于加强督导组建设的意见\n")  # custom style named 标题 1
    assert "\n## 一、总体要求\n" in draft.body  # paragraph with w:outlineLvl=1
    assert "1. 深入基层了解情况" in draft.body and "2. 认真听取群众意见" in draft.body
    assert "| 阶段 | 时间 | 学时 |\n|---|---|---|\n| 学习动员 | 3个月 | 40 |\n| 分析评议 | 2个月 | 8 |" in draft.body
    assert draft.meta == {"title": "关于加强督导组建设的意见", "doc_no": "示例组发〔2005〕12号",
                          "date": "2005-04-02", "issuer": "示例省委组织部", "doc_type": "意见"}


def test_docx_table_is_a_table_passage_once_saved(tmp_path):
    from indexer.corpus import parse_document
    from indexer.office.form import render_document
    draft = convert_bytes(make_docx(), "意见.docx")
    doc, _ = parse_document(render_document(dict(draft.meta, id="x", level="group"), draft.body), "x.md")
    tables = [p for p in doc.passages if p.kind == "table"]
    assert len(tables) == 1 and "学习动员" in tables[0].text


def test_pdf_with_chinese_text(sample_pdf):
    draft = convert_bytes(sample_pdf, "通知.pdf")
    assert draft.kind == "pdf"
    assert draft.body.startswith("# 关于开展督导工作的通知\n")
    for line in PDF_LINES[3:5]:
        assert line in draft.body
    assert draft.meta["doc_no"] == "示例组发〔2005〕3号" and draft.meta["date"] == "2005-03-01"
    assert draft.meta["issuer"] == "示例省先进性教育活动领导小组"


def test_type_is_decided_by_content_not_name(sample_pdf, tmp_path):
    assert convert_bytes(sample_pdf, "renamed.txt").kind == "pdf"
    with pytest.raises(ImportRefused) as err:
        convert_bytes(b"MZ\x90\x00\x03\x00\x00\x00 not a word file", "evil.docx")
    assert err.value.reason == "broken" and "不是 Word" in str(err.value)


def test_txt_in_gbk_and_utf8():
    text = "关于做好整改工作的通知\n\n各党支部：\n　　要认真整改。\n\n示例市委\n2005年8月1日\n"
    for encoding in ("gbk", "gb18030", "utf-8", "utf-8-sig"):
        draft = convert_bytes(text.encode(encoding), "a.txt")
        assert draft.body.startswith("# 关于做好整改工作的通知\n") and "要认真整改。" in draft.body
        assert draft.meta["date"] == "2005-08-01" and draft.meta["issuer"] == "示例市委"


def test_md_with_and_without_front_matter():
    draft = convert_bytes("---\ntitle: 甲\ndoc_type: 通知\nfoo: 1\n---\n正文一行。\n".encode(), "a.md")
    assert draft.meta["title"] == "甲" and draft.meta["doc_type"] == "通知" and "foo" not in draft.meta
    assert draft.body == "正文一行。\n" and any("foo" in n for n in draft.notes)
    draft = convert_bytes("# 某某法\n\n2009年2月28日 第十一届全国人民代表大会常务委员会第七次会议通过\n\n第一条 为了……\n".encode(),
                          "某某法(2009-02-28).md")
    assert draft.meta == {"title": "某某法", "date": "2009-02-28", "issuer": "全国人民代表大会常务委员会",
                          "doc_type": "法律"}


@pytest.mark.parametrize("data,name,reason,words", [
    (b"", "empty.docx", "empty", "0 字节"),
    (b"\xff\xfe\x00\x00" * 50, "a.txt", "unsupported", "不是文本"),
    (bytes([0x81, 0x20, 0xfe, 0x7f]) * 50, "a.txt", "encoding", "编码"),
    (b"%PDF-1.4\n1 0 obj <<>> garbage", "a.pdf", "broken", "损坏"),
    (b"PK\x03\x04 truncated zip", "a.docx", "broken", "损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.doc", "unsupported", ".docx"),
    ("第一条 看起来像文本。".encode(), "setup.exe", "unsupported", "不支持 .exe"),
    (b"@echo off\r\ndel /s /q C:\\*\r\n", "run.bat", "unsupported", "不支持 .bat"),
    ("<html><body><script>alert(1)</script>通知</body></html>".encode(), "通知.html", "unsupported", "网页"),
])
def test_hostile_or_broken_files_get_a_chinese_reason(data, name, reason, words):
    with pytest.raises(ImportRefused) as err:
        convert_bytes(data, name)
    assert err.value.reason == reason and words in str(err.value)
    assert name in str(err.value)


def test_a_text_file_without_a_suffix_is_read_as_plain_text():
    assert "请于月底前报送" in convert_bytes("关于报送的通知\n请于月底前报送。\n".encode(), "通知").body


def test_zip_bomb_refused_before_parsing():
    with pytest.raises(ImportRefused) as err:
        convert_bytes(make_zip_bomb(zero_mb=120), "bomb.docx")
    assert err.value.reason == "zip_bomb" and "压缩炸弹" in str(err.value)
    with pytest.raises(ImportRefused) as err:
        convert_bytes(make_zip_bomb(entries=1500, zero_mb=0), "many.docx")
    assert err.value.reason == "zip_bomb"


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes("字".encode() * 400_000)
    with pytest.raises(ImportRefused) as err:
        convert_file(big, ImportLimits(max_bytes=1024 * 1024))
    assert err.value.reason == "too_large" and err.value.status == 413


def test_pdf_without_text_layer_asks_for_the_word_file():
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")  # a "scan": graphics only
    with pytest.raises(ImportRefused) as err:
        convert_bytes(bytes(pdf.output()), "scan.pdf")
    assert err.value.reason == "no_text" and "Word" in str(err.value)


def test_pdf_cid_garbage_is_refused():
    from indexer.office.importers.pdf import check_text_layer
    with pytest.raises(ImportRefused):
        check_text_layer("(cid:123)(cid:456)(cid:789) " * 10)


def test_parser_timeout_is_reported(monkeypatch):
    with pytest.raises(ImportRefused) as err:
        convert_bytes(make_docx(), "slow.docx", ImportLimits(timeout=0.01))
    assert err.value.reason == "timeout" and "秒" in str(err.value)


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"),
                                    (2005, "二千零五")])
def test_chinese_list_numbers(n, text):
    assert int_to_cn(n) == text


def test_docx_title_style_sits_above_heading_1():
    import io

    import docx
    document = docx.Document()
    document.add_heading("关于某事的通知", 0)
    document.add_heading("第一章 总则", 1)
    document.add_paragraph("第一条 为了规范工作，制定本办法。")
    out = io.BytesIO()
    document.save(out)
    body = convert_bytes(out.getvalue(), "a.docx").body
    assert body.startswith("# 关于某事的通知\n\n## 第一章 总则\n\n第一条 为了规范工作")
