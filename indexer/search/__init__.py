"""search wing."""
from .highlight import HTML, PLAIN, TERMINAL, Formatter, Marked, merge_spans
from .catalog import Catalog, Suggestion, term_anchor
from .query import Filters, parse_query
from .run import QueryCompiler, filter_query, run_search

__all__ = ["HTML", "PLAIN", "TERMINAL", "Formatter", "Marked", "merge_spans", "Catalog", "Suggestion", "term_anchor", "Filters",
           "parse_query", "QueryCompiler", "filter_query", "run_search"]
