"""search wing."""
from .catalog import Catalog, Suggestion, term_anchor
from .highlight import HTML, PLAIN, TERMINAL, Formatter, Marked, merge_spans
from .naming import TitleIndex, authority, strip_mentions
from .phrases import ExactPhrase
from .postingcache import block_weights_and_values, decode_positions, posting_cache, segment_key
from .query import Filters, ParsedQuery, parse_query
from .ranking import RankedHit, tree_sum
from .run import STOPWORDS, QueryCompiler, best_passage, filter_query, run_search, top_hits

__all__ = ["HTML", "PLAIN", "TERMINAL", "Formatter", "Marked", "merge_spans",
           "Catalog", "Suggestion", "term_anchor", "TitleIndex", "authority", "strip_mentions",
           "Filters", "ParsedQuery", "parse_query", "STOPWORDS", "QueryCompiler", "best_passage", "filter_query",
           "run_search", "top_hits",
           # the posting blocks and sums that ask's OR retrieval (indexer.qa.retrieval) shares with ranking
           "ExactPhrase", "RankedHit", "tree_sum", "block_weights_and_values", "decode_positions", "posting_cache",
           "segment_key"]
