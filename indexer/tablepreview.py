"""The word-table preview's probe: what a sample question or search gets, as functions for the office.

The preview itself (``indexer.office.tablepreview``) compares a sample before and after a proposed
table; it runs a search and an answer, which the office wing may not import.  This top module puts
the search and Q&A wings together into the :class:`~indexer.office.TableProbe` the knowledge base
hands the office (see :meth:`indexer.kb.KnowledgeBase.workspace`).  The Q&A wing and the office are
reached as ``qa.name`` and ``office.name``, loaded on first use.  Nothing is written.
"""
from __future__ import annotations

from . import office, qa
from .search import Filters, QueryCompiler, parse_query, run_search

PREVIEW_HITS = 5
PREVIEW_ANSWERS = 3


def table_probe(kb) -> office.TableProbe:
    """Return the probe a word-table preview asks of *kb* (a :class:`~indexer.kb.KnowledgeBase`)."""
    return office.TableProbe(kb.wording, kb.aliases, kb.is_question,
                             lambda question, wording, aliases: answers(kb, question, wording, aliases),
                             lambda query, aliases: search(kb, query, aliases),
                             lambda: kb.analyzer.segmenter)


def search(kb, query: str, aliases: dict) -> tuple[int, list[str]]:
    """Search *query* with *aliases* as the alias table: (total, titles of the first hits)."""
    page = run_search(kb.searcher(), QueryCompiler(kb.analyzer, aliases), parse_query(query, Filters()),
                      page=1, per_page=PREVIEW_HITS, sort="relevance", with_facets=False)
    return page.total, [hit.title for hit in page.hits]


def answers(kb, question: str, wording: dict, aliases: dict) -> list[tuple[str, str]]:
    """Answer *question* with these wording and alias tables: (sentence, title) of each answer."""
    analyzed = qa.analyze_question(question, QueryCompiler(kb.analyzer, aliases), wording=wording,
                                   titles=kb.titles())
    found, _ = qa.QuestionAnswerer(kb.searcher(), kb.analyzer).answer(analyzed, limit=PREVIEW_ANSWERS)
    return [(answer.text, answer.title) for answer in found]
