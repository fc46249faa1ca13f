"""The review's result as plain frozen records, and its terminal formatting.

Choosing (``engine.py``) is kept apart from formatting: the web page, the .docx and the terminal
all format the same :class:`Report`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape

OK, FAIL, MISSING = "符合", "不符", "未见"
STATUSES = (OK, FAIL, MISSING)


@dataclass(frozen=True)
class Evidence:
    """A sentence of the plan behind a finding, with the spans to highlight (offsets in *sentence*)."""

    part: int
    part_label: str
    sentence: str
    marks: tuple[tuple[int, int], ...] = ()
    found: str = ""

    def html(self) -> str:
        """Return the sentence as HTML with each span in ``<mark>`` (everything else escaped)."""
        out, cursor = [], 0
        for start, end in sorted(self.marks):
            if start < cursor:
                continue
            out.append(escape(self.sentence[cursor:start]))
            out.append("<mark>" + escape(self.sentence[start:end]) + "</mark>")
            cursor = end
        out.append(escape(self.sentence[cursor:]))
        return "".join(out)

    def marked_text(self, left: str = "【", right: str = "】") -> str:
        out, cursor = [], 0
        for start, end in sorted(self.marks):
            if start < cursor:
                continue
            out += [self.sentence[cursor:start], left, self.sentence[start:end], right]
            cursor = end
        out.append(self.sentence[cursor:])
        return "".join(out)


@dataclass(frozen=True)
class Citation:
    """The rule behind an item: document, 文号, passage and its text."""

    doc_id: str
    title: str
    doc_no: str
    anchor: str
    section: str
    text: str
    quote: str = ""

    @property
    def label(self) -> str:
        head = f"《{self.title}》" + (f"（{self.doc_no}）" if self.doc_no else "")
        return head + (f" {self.section}" if self.section else "")


@dataclass(frozen=True)
class Finding:
    """One checklist item judged against the plan."""

    item_id: str
    requirement: str
    kind: str
    status: str
    detail: str
    citation: Citation
    evidence: tuple[Evidence, ...] = ()
    required: str = ""
    found: tuple[str, ...] = ()
    suggestion: str = ""


@dataclass(frozen=True)
class Related:
    """A passage of the knowledge base relevant to a part of the plan (a search hit)."""

    doc_id: str
    title: str
    level_label: str
    section: str
    anchor: str
    snippet: str  # HTML from the search: escaped text with <mark>


@dataclass(frozen=True)
class PartReview:
    """A part of the plan with the findings whose evidence stands in it and the related passages."""

    number: int
    label: str
    excerpt: str
    findings: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Report:
    plan_name: str
    plan_kind: str
    checklist_id: str
    checklist_title: str
    date: str
    findings: tuple[Finding, ...]
    parts: tuple[PartReview, ...] = field(default=())
    took_ms: float = 0.0
    plan_body: str = field(default="", repr=False)  # the converted text (Markdown), to check it again

    @property
    def counts(self) -> dict[str, int]:
        return {status: sum(1 for f in self.findings if f.status == status) for status in STATUSES}

    @property
    def summary(self) -> str:
        """Return e.g. 12 项中 9 项符合、1 项不符、2 项未见."""
        counts = self.counts
        return (f"{len(self.findings)} 项中 {counts[OK]} 项符合、{counts[FAIL]} 项不符、{counts[MISSING]} 项未见")

    @property
    def passed(self) -> bool:
        return all(f.status == OK for f in self.findings)

    def to_dict(self) -> dict:
        findings = []
        for finding in self.findings:
            data = asdict(finding)
            data["citation"]["label"] = finding.citation.label
            data["found"] = list(finding.found)
            data["evidence"] = [dict(asdict(e), marks=[list(m) for m in e.marks], html=e.html())
                                for e in finding.evidence]
            findings.append(data)
        parts = []
        for part in self.parts:
            data = asdict(part)
            data["findings"] = list(part.findings)
            data["related"] = [asdict(r) for r in part.related]
            parts.append(data)
        return {"plan": {"name": self.plan_name, "kind": self.plan_kind},
                "checklist": {"id": self.checklist_id, "title": self.checklist_title},
                "date": self.date, "summary": self.summary, "counts": self.counts, "passed": self.passed,
                "findings": findings, "parts": parts, "took_ms": round(self.took_ms, 1)}


def format_text(report: Report, marks: tuple[str, str] = ("【", "】")) -> str:
    """Return the report as terminal text (one block per item)."""
    lines = [f"方案对照检查：{report.plan_name}", f"检查清单：{report.checklist_title}（{report.checklist_id}）",
             f"结论：{report.summary}。", ""]
    for n, finding in enumerate(report.findings, 1):
        lines.append(f"{n}. [{finding.status}] {finding.requirement}")
        lines.append(f"   {finding.detail}")
        for evidence in finding.evidence[:3]:
            lines.append(f"   方案（{evidence.part_label}）：{evidence.marked_text(*marks)}")
        if finding.suggestion:
            lines.append(f"   建议：{finding.suggestion}")
        lines.append(f"   依据：{finding.citation.label}（{finding.citation.doc_id}#{finding.citation.anchor}）")
    return "\n".join(lines)
