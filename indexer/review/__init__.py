"""review wing: check a plan against a checklist of rules, item by item, with citations."""
from .checklist import (BrokenChecklist, Checklist, Item, UnknownChecklist, checklist_paths, checklist_problems,
                        load_checklists, open_checklist, read_checklist, source_problems)
from .engine import Knowledge, Reviewer, citation_of
from .export import report_docx
from .numbers import find_quantities, parse_number
from .plan import MAX_PLAN_CHARS, Plan, plan_from_file, plan_from_text, read_plan_bytes, split_plan
from .report import FAIL, MISSING, OK, STATUSES, Citation, Report, format_text

__all__ = ["BrokenChecklist", "Checklist", "Item", "UnknownChecklist", "checklist_paths", "load_checklists",
           "checklist_problems", "open_checklist",
           "read_checklist", "source_problems", "Knowledge", "Reviewer", "citation_of", "report_docx",
           "find_quantities", "parse_number", "MAX_PLAN_CHARS", "Plan", "plan_from_file", "plan_from_text", "read_plan_bytes",
           "split_plan", "FAIL", "MISSING", "OK", "STATUSES", "Citation", "Report", "format_text"]
