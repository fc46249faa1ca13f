"""Generated plans for the review tests: one complete 实施方案 and its known gaps, as .txt, .docx, .pdf."""
from __future__ import annotations

import io

import docx

from office_files import cjk_font

TITLE = "示例机械厂保持共产党员先进性教育活动实施方案"
# (level, text): 0 a paragraph, 1–3 a heading (the title is level 1)
COMPLETE = [
    (1, TITLE),
    (0, "根据集团党委的部署，结合我厂实际，制定本方案。"),
    (2, "一、指导思想和目标要求"),
    (0, "通过教育活动，找准我厂党员队伍中存在的突出问题，着力解决1至2个职工反映强烈的问题。"),
    (2, "二、组织领导"),
    (0, "厂党委成立先进性教育活动领导小组，党委书记任组长。领导小组下设先进性教育活动办公室。"),
    (0, "领导班子成员要带头学习、带头查摆问题、带头整改。"),
    (2, "三、方法步骤和日程安排"),
    (3, "（一）学习动员阶段（7月下旬至8月下旬）"),
    (0, "召开动员大会，组织集中学习培训，学习培训时间不少于40学时。"),
    (0, "阶段结束时进行阶段小结，检查回顾本阶段的任务是否完成，并召开分析评议阶段动员会。"),
    (3, "（二）分析评议阶段（9月上旬至10月上旬）"),
    (0, "广泛征求意见，开展谈心活动，撰写党性分析材料，召开专题组织生活会。"),
    (0, "阶段结束时进行小结，召开整改提高阶段动员会。"),
    (3, "（三）整改提高阶段（10月中旬至11月下旬）"),
    (0, "制定和公布整改方案，集中解决突出问题，进行群众满意度测评。"),
    (0, "阶段结束时进行小结，全面总结教育活动。"),
    (0, "全厂集中学习教育时间不少于3个月。"),
    (2, "四、保证措施"),
    (0, "各支部书记是第一责任人。厂先进性教育活动办公室负责日常工作，督促各支部按日程完成各项任务。"),
]
ALL_OK = {"lingdao-daitou": "符合", "wenti-zhaozhun": "符合", "baozheng-cuoshi": "符合", "xueshi": "符合",
          "jizhong-shijian": "符合", "sange-jieduan": "符合", "jieduan-xiaojie": "符合",
          "zhuanduan-dongyuan": "符合", "richeng-anpai": "符合", "manyidu-ceping": "符合",
          "huodong-mingcheng": "符合", "jigou-mingcheng": "符合"}

# The known gaps: 30 学时, the improper name 保先活动, no stage summary anywhere.
GAPS = {
    "学习培训时间不少于40学时": "学习培训时间不少于30学时",
    "厂党委成立先进性教育活动领导小组": "厂党委成立保先活动领导小组",
    "阶段结束时进行阶段小结，检查回顾本阶段的任务是否完成，并召开分析评议阶段动员会。": "学习动员阶段结束后召开分析评议阶段动员会。",
    "阶段结束时进行小结，召开整改提高阶段动员会。": "召开整改提高阶段动员会。",
    "阶段结束时进行小结，全面总结教育活动。": "全面总结教育活动。",
}
GAPS_EXPECTED = dict(ALL_OK, xueshi="不符", **{"huodong-mingcheng": "不符", "jieduan-xiaojie": "未见"})


def plan(changes: dict | None = None) -> list[tuple[int, str]]:
    """Return the complete plan with *changes* (old sentence → new) made."""
    lines = []
    for level, text in COMPLETE:
        for old, new in (changes or {}).items():
            text = text.replace(old, new)
        lines.append((level, text))
    return lines


def as_text(lines) -> str:
    return "\n".join(text for _, text in lines) + "\n"


def as_docx(lines, table: list[list[str]] | None = None) -> bytes:
    """A Word file with real heading styles; *table* (rows) goes after the 方法步骤 heading."""
    document = docx.Document()
    for level, text in lines:
        if level == 1:
            document.add_heading(text, level=0)
        elif level:
            document.add_heading(text, level=level - 1)
        else:
            document.add_paragraph(text)
        if table and text.startswith("三、"):
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(lines, pages: int = 1) -> bytes | None:
    """A PDF of the plan (lines as typed, wrapped at the page width); None without a CJK font."""
    font = cjk_font()
    if font is None:
        return None
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_font("cjk", fname=font)
    pdf.set_font("cjk", size=12)
    for _ in range(pages):
        pdf.add_page()
        for _, text in lines:
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def long_plan(pages: int = 30) -> str:
    """A plan of about *pages* pages (~1,000 characters each): each branch's arrangements, then the rest."""
    lines = plan()
    body = [lines[0]]
    for n in range(1, pages + 1):
        body.append((2, f"{_cn(n)}、第{n}党支部的安排"))
        body.append((3, f"（一）第{n}党支部的学习"))
        body += [(0, f"第{n}党支部组织党员集中学习培训，学习党章和中央、省委、集团的有关文件，结合本支部"
                     f"第{n}车间的生产实际开展专题讨论，每名党员撰写心得体会，支部书记带头讲党课，"
                     f"党员学习笔记由支部逐一检查并登记。")] * 5
        body.append((3, f"（二）第{n}党支部的查摆和整改"))
        body += [(0, f"第{n}党支部广泛征求群众意见，召开专题组织生活会，开展民主评议党员，"
                     f"制定整改措施，落实整改责任，解决职工反映强烈的突出问题，整改情况在车间公示。")] * 5
    return as_text(body + lines[1:])


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
