"""Real sample office files built by the tests: .docx with python-docx, .pdf with fpdf2."""
from __future__ import annotations

import glob
import io
import subprocess
import zipfile

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.enum.style import WD_STYLE_TYPE

PDF_LINES = ["关于开展督导工作的通知", "示例组发〔2005〕3号", "各督导组：",
             "第一条 督导组应当每周向领导小组办公室报告一次工作情况。",
             "第二条 督导组要深入基层，听取党员群众意见。",
             "示例省先进性教育活动领导小组", "2005年3月1日"]


def make_docx() -> bytes:
    """A Word file with a custom 标题 1 heading, an outline-level heading, numbering and a table."""
    document = docx.Document()
    custom = document.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Normal"]
    document.add_paragraph("关于加强督导组建设的意见", style="标题 1")
    document.add_paragraph("示例组发〔2005〕12号")
    outline = document.add_paragraph("一、总体要求")
    ppr = outline._p.get_or_add_pPr()
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    ppr.append(level)
    document.add_paragraph("督导组要坚持实事求是。")
    document.add_paragraph("深入基层了解情况", style="List Number")
    document.add_paragraph("认真听取群众意见", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["阶段", "时间", "学时"], ["学习动员", "3个月", "40"], ["分析评议", "2个月", "8"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("示例省委组织部")
    document.add_paragraph("2005年4月2日")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def cjk_font() -> str | None:
    """Return a font file with Chinese glyphs that fpdf2 can embed, or None."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
        files = [line.split(":")[0].strip() for line in listed.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        files = []
    files += glob.glob("/usr/share/fonts/**/*CJK*", recursive=True)
    files += glob.glob("C:/Windows/Fonts/sim*.tt?")
    ranked = sorted(set(files), key=lambda f: ("Regular" not in f, "Sans" not in f, f))
    return next((f for f in ranked if f.lower().endswith((".ttf", ".otf", ".ttc"))), None)


def make_pdf(font: str) -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=font)
    pdf.set_font("cjk", size=12)
    for line in PDF_LINES:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_zip_bomb(entries: int = 2, zero_mb: int = 120) -> bytes:
    """A .docx-shaped zip whose entries inflate to *zero_mb* MB (or that has many entries)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        if zero_mb:
            with archive.open("word/media/padding.bin", "w") as handle:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(zero_mb):
                    handle.write(chunk)
        for n in range(entries):
            archive.writestr(f"word/x{n}.xml", "")
    return out.getvalue()
