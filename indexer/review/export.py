"""The report as a Word file a supervisor can hand over (python-docx)."""
from __future__ import annotations

import io

from .report import FAIL, MISSING, OK, Report

STATUS_COLOURS = {OK: "2E7D32", FAIL: "C62828", MISSING: "8D6E00"}


def report_docx(report: Report, link=None) -> bytes:
    """Return a .docx of *report*: title, plan, date, checklist, summary, each finding with its citation.

    :param link: ``link(doc_id, anchor)`` returns the address of a cited passage (the site gives its
        full links); without it a citation names its document and passage (``doc_id#anchor``).
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    heading = document.add_heading("方案对照检查报告", level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER

    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (("方案", report.plan_name), ("检查清单", f"{report.checklist_title}（{report.checklist_id}）"),
                         ("检查日期", report.date), ("结论", report.summary)):
        row = table.add_row().cells
        row[0].text, row[1].text = label, value

    document.add_heading("逐项检查结果", level=1)
    for n, finding in enumerate(report.findings, 1):
        title = document.add_paragraph(style="Heading 2")
        title.add_run(f"{n}. ")
        status = title.add_run(f"[{finding.status}] ")
        status.font.color.rgb = RGBColor.from_string(STATUS_COLOURS[finding.status])
        title.add_run(finding.requirement)
        document.add_paragraph(finding.detail)
        if finding.required and finding.found:
            document.add_paragraph(f"方案中：{'、'.join(finding.found)}；要求：{finding.required}。")
        for evidence in finding.evidence[:3]:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"方案（{evidence.part_label}）：")
            cursor = 0
            for start, end in sorted(evidence.marks):
                if start < cursor:
                    continue
                paragraph.add_run(evidence.sentence[cursor:start])
                marked = paragraph.add_run(evidence.sentence[start:end])
                marked.bold = True
                marked.underline = True
                cursor = end
            paragraph.add_run(evidence.sentence[cursor:])
        if finding.suggestion:
            document.add_paragraph(f"建议：{finding.suggestion}")
        cite = document.add_paragraph()
        cite.add_run("依据：").bold = True
        cite.add_run(finding.citation.label)
        quote = finding.citation.quote or finding.citation.text
        if quote:
            cite.add_run("：“" + quote.replace("“", "‘").replace("”", "’") + "”")
        where = link(finding.citation.doc_id, finding.citation.anchor) if link else \
            f"{finding.citation.doc_id}#{finding.citation.anchor}"
        cite.add_run(f"（{where}）").font.size = Pt(9)

    shown = [p for p in report.parts if p.related]
    if shown:
        document.add_heading("方案各部分的相关规定", level=1)
        for part in shown:
            document.add_paragraph(part.label, style="Heading 3")
            for related in part.related:
                text = related.snippet.replace("<mark>", "").replace("</mark>", "")
                document.add_paragraph(f"《{related.title}》{(' ' + related.section) if related.section else ''}："
                                       f"{_unescape(text)}", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _unescape(text: str) -> str:
    from html import unescape
    return unescape(text)
