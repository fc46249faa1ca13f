"""Turn a parsed user query into whoosh queries, run them and build a :class:`SearchPage`."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from whoosh import query as Q
from whoosh import sorting

from .. import index  # noqa: F401  (its door applies whoosh_fixes, which search results depend on)
from ..analysis import DOC_NO_RE, TextAnalyzer, fold_width, normalize_doc_no
from .facets import count_facets, facet_clauses
from .highlight import HTML, snippet
from .phrases import ExactPhrase
from .ranking import bonus_bound, required_by_matcher, required_scores, top_two_stage
from ..errors import QueryError
from ..models import Hit, SearchPage
from .query import Filters, ParsedQuery

# Function words that carry no meaning in a search box; removed from the required words only.
STOPWORDS = frozenset("""的 了 地 得 着 吗 呢 吧 啊 呀 么 嘛 请问 请 什么 怎么 怎样 如何 哪些 哪个 哪里
多少 几 是否 是 有 在 和 与 及 或 或者 等 之 一下 我 我们 你 您 这 那 这个 那个 个 吧 还 就 都 也
又 被 把 对 对于 关于 应该""".split())

# Stopwords that count after a number: without 个 the query 3个月 asked for "3 月" side by side
# and found nothing, since the text says 3 个 月.
MEASURE_WORDS = frozenset({"个"})

NOTICE_PARTIAL = "没有同时包含全部检索词的文档，以下是只包含部分检索词的结果。"
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?%?$")


@dataclass
class CompiledQuery:
    """Whoosh queries for one user query plus the terms to highlight."""

    required: list = field(default_factory=list)   # one clause per required word
    optional: list = field(default_factory=list)   # phrase boosts
    excluded: list = field(default_factory=list)
    highlight: set = field(default_factory=set)
    groups: list = field(default_factory=list)     # per required word: its alternative tokens

    def strict(self):
        if not self.required:
            return Q.Every()
        base = self.required[0] if len(self.required) == 1 else Q.And(self.required)
        if self.optional:
            base = Q.AndMaybe(base, Q.Or(self.optional))
        return self._exclude(base)

    def membership(self):
        """Return the strict query without its score-only phrase boosts."""
        if not self.required:
            return Q.Every()
        return self._exclude(self.required[0] if len(self.required) == 1 else Q.And(self.required))

    def loose(self):
        base = Q.Or(self.required + self.optional)
        return self._exclude(base)

    def _exclude(self, base):
        if self.excluded:
            return Q.AndNot(base, Q.Or(self.excluded))
        return base


def _meaningful(tokens: list[str]) -> list[str]:
    """Drop the stopwords from *tokens*, except a measure word right after a number (3个月)."""
    kept = [t for i, t in enumerate(tokens)
            if t not in STOPWORDS or (t in MEASURE_WORDS and i > 0 and _NUMBER_RE.match(tokens[i - 1]))]
    return kept or tokens


def _term(token: str, fields=("title", "content")):
    terms = [Q.Term(f, token) for f in fields]
    return terms[0] if len(terms) == 1 else Q.Or(terms)


def _phrase(tokens: list[str], fields=("title", "content")):
    if not tokens:
        return None
    if len(tokens) == 1:
        return _term(tokens[0], fields)
    phrases = [ExactPhrase(f, tokens) for f in fields]
    return phrases[0] if len(phrases) == 1 else Q.Or(phrases)


# How much an alias's full name counts in the score against the alias as typed.
ALIAS_BOOST = 0.8
LITERAL_BOOST = 3.0


class QueryCompiler:
    """Compile parsed queries with one analyzer and the alias table."""

    def __init__(self, analyzer: TextAnalyzer, aliases: dict[str, tuple[str, ...]]):
        self.analyzer = analyzer
        self.aliases = aliases
        # Longest first so 先进性教育活动领导小组 wins over 先进性教育活动.
        self._alias_keys = sorted(aliases, key=len, reverse=True)

    def phrase_clause(self, tokens: list[str]):
        """Return the clause matching *tokens* as a phrase in the title or the content."""
        return _phrase(list(tokens))

    def compile(self, parsed: ParsedQuery) -> CompiledQuery:
        compiled = CompiledQuery()
        for word in parsed.words:
            self._add_word(word, compiled)
        for phrase in parsed.phrases:
            tokens = self.analyzer.terms(phrase)
            clause = self._alias_phrase(phrase, tokens)
            if clause is not None:
                compiled.required.append(clause)
                compiled.highlight.update(tokens)
                compiled.groups.append([set(tokens)] + [set(self.analyzer.terms(f))
                                                        for f in self.aliases.get(phrase.strip(), ())])
        for word in parsed.excludes:
            clause = _phrase(self.analyzer.terms(word))
            if clause is not None:
                compiled.excluded.append(clause)
        return compiled

    def _alias_phrase(self, text: str, tokens: list[str]):
        alternatives = [_phrase(tokens)] if tokens else []
        for full in self.aliases.get(text.strip(), ()):
            alternatives.append(_phrase(self.analyzer.terms(full)))
        alternatives = [a for a in alternatives if a is not None]
        if not alternatives:
            return None
        return alternatives[0] if len(alternatives) == 1 else Q.Or(alternatives)

    def _add_word(self, word: str, compiled: CompiledQuery) -> None:
        folded = fold_width(word)
        # A 文号 matches the doc_no field exactly, or the same words in the text.
        for match in DOC_NO_RE.finditer(folded):
            tokens = self.analyzer.terms(match.group(0))
            # An exact 文号 match on the document's own doc_no outranks a mention in another text.
            compiled.required.append(Q.Or([Q.Term("doc_no", normalize_doc_no(match.group(0)), boost=20.0),
                                           _phrase(tokens)]))
            compiled.highlight.update(tokens)
            compiled.groups.append([set(tokens)])
        folded = DOC_NO_RE.sub(" ", folded)
        for piece, is_alias in self._split_aliases(folded):
            if is_alias:
                names = self.aliases[piece]
                alternatives = [_phrase(self.analyzer.terms(piece))]
                group = [set(self.analyzer.terms(piece))]
                for full in names:
                    tokens = self.analyzer.terms(full)
                    expansion = _phrase(tokens)
                    if expansion is not None:
                        # the word as typed outranks its full names among equal matches
                        expansion.boost = ALIAS_BOOST
                    alternatives.append(expansion)
                    compiled.highlight.update(tokens)
                    group.append(set(tokens))
                compiled.groups.append(group)
                literal = self.analyzer.terms(piece)
                if literal:
                    # A document that says the alias itself comes before those using only its
                    # full names (the one passage defining 保先办 before every mention of 办公室).
                    compiled.optional.append(ExactPhrase("content", literal, boost=LITERAL_BOOST))
                compiled.highlight.update(self.analyzer.terms(piece))
                compiled.required.append(Q.Or([a for a in alternatives if a is not None]))
                continue
            tokens = self.analyzer.terms(piece)
            meaningful = _meaningful(tokens)
            compiled.highlight.update(meaningful)
            i = 0
            while i < len(meaningful):
                token = meaningful[i]
                # A number binds to its unit: 8学时 must not match 32学时 plus a stray 8.
                if _NUMBER_RE.match(token) and i + 1 < len(meaningful) and not _NUMBER_RE.match(meaningful[i + 1]):
                    # A measure word stays between them: 3个月 is the phrase 3 个 月.
                    size = 3 if (meaningful[i + 1] in MEASURE_WORDS and i + 2 < len(meaningful)
                                 and not _NUMBER_RE.match(meaningful[i + 2])) else 2
                    bound = meaningful[i:i + size]
                    compiled.required.append(_phrase(bound))
                    compiled.groups.append([set(bound)])
                    i += size
                    continue
                compiled.required.append(_term(token))
                compiled.groups.append([{token}])
                i += 1
            if len(tokens) > 1:
                compiled.optional.append(ExactPhrase("content", tokens, boost=2.0))
                compiled.optional.append(ExactPhrase("title", tokens, boost=2.0))

    def _split_aliases(self, text: str):
        """Split *text* into (piece, is_alias) around the longest alias keys it contains."""
        if not self._alias_keys:
            return [(text, False)] if text.strip() else []
        pieces = []
        cursor = 0
        while cursor < len(text):
            best = None
            for key in self._alias_keys:
                pos = text.find(key, cursor)
                if pos != -1 and (best is None or pos < best[0]):
                    best = (pos, key)
            if best is None:
                break
            pos, key = best
            if pos > cursor:
                pieces.append((text[cursor:pos], False))
            pieces.append((key, True))
            cursor = pos + len(key)
        if cursor < len(text):
            pieces.append((text[cursor:], False))
        return [(p, a) for p, a in pieces if p.strip()]


def filter_query(filters: Filters):
    """Return the whoosh filter for *filters*, or None when there is none."""
    clauses = list(facet_clauses(filters).values())
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else Q.And(clauses)


def run_search(searcher, compiler: QueryCompiler, parsed: ParsedQuery, *, page: int = 1,
               per_page: int = 10, sort: str = "relevance", with_facets: bool = True) -> SearchPage:
    """Run *parsed* against *searcher* and return one page of document hits."""
    started = time.perf_counter()
    compiled = compiler.compile(parsed)
    refuse_wordless(parsed, compiled)
    doc_filter = filter_query(parsed.filters)
    sortedby = None
    if sort == "date" or not compiled.required:
        sortedby = [sorting.FieldFacet("date", reverse=True)]
    notice = ""
    # Which documents match is found without scoring (the optional phrase boosts never change
    # it); the total and the facets come from that set and only one page is scored.
    allowed = set(searcher.docs_for_query(doc_filter)) if doc_filter is not None else None
    query = compiled.strict()
    # Plain-word queries ranked by relevance are scored from cached postings (indexer.search.ranking).
    fast = sortedby is None and (not compiled.optional
                                 or bonus_bound(compiled.required, compiled.optional) is not None)
    found = (required_scores(searcher, compiled.required, compiled.excluded, allowed, compiled.optional)
             if fast else None)
    scores, bounds, bonus = found if found is not None else (None, None, None)
    matched = set(scores) if scores is not None else _matching(searcher, compiled.membership(), allowed)
    if not matched and len(compiled.required) > 1:
        query = compiled.loose()
        matched = _matching(searcher, query, allowed)
        if matched:
            notice = NOTICE_PARTIAL
    total = len(matched)
    hit_list = []
    refuse_missing_page(page, total, per_page)
    if total:
        page_no = page
        # Phrase boosts are checked only where they can change the page (indexer.search.ranking).
        bound = bonus_bound(compiled.required, compiled.optional) if sortedby is None and not notice else None
        if scores is not None and not notice:
            results = top_two_stage(searcher, scores, compiled.optional, page_no * per_page, bound, bounds, bonus)
        elif bound is not None:
            results = top_two_stage(searcher, required_by_matcher(searcher, compiled.membership(), matched),
                                    compiled.optional, page_no * per_page, bound)
        else:
            results = top_hits(searcher, query, page_no * per_page, sortedby, matched if allowed is not None else None)
        hit_list = list(results)[(page_no - 1) * per_page:page_no * per_page]
    facets = count_facets(searcher, parsed.filters, matched, Unfiltered(searcher, compiled)) if with_facets else {}
    weights = term_weights(searcher, compiled)
    hits = []
    for hit in hit_list:
        meta = hit["meta"]
        passage = best_passage(hit["passages"], compiled.groups, weights)
        anchor, section, text = passage[:3] if passage else ("", "", meta.get("summary", ""))
        marked = snippet(text, compiled.highlight, compiler.analyzer)
        hits.append(Hit(
            id=meta["id"], title=meta["title"], level=meta["level"], level_label=meta["level_label"],
            doc_type=meta["doc_type"], issuer=meta["issuer"], doc_no=meta["doc_no"], date=meta["date"],
            status=meta["status"], replaced_by=meta.get("replaced_by", ""), score=round(hit.score or 0.0, 4),
            snippet=HTML.write(marked), marked=marked, passage=anchor,
            section=section, tags=tuple(meta.get("tags", ())), sample=bool(meta.get("sample")),
        ))
    took = (time.perf_counter() - started) * 1000
    return SearchPage(query=parsed.text, total=total, page=page, per_page=per_page,
                      took_ms=took, hits=tuple(hits), facets=facets, notice=notice,
                      terms=tuple(sorted(compiled.highlight)))


class Unfiltered:
    """The documents a query matches without the filters, found once: each filtered facet is
    counted over them narrowed by the other filters (:func:`indexer.search.facets.count_facets`).

    Called with a set of allowed documents it returns the matches among them as a search would:
    all the words, else (for several words) any of them.
    """

    def __init__(self, searcher, compiled: CompiledQuery):
        self.searcher = searcher
        self.compiled = compiled
        self._strict = self._loose = None

    def __call__(self, allowed: set | None) -> set[int]:
        if self._strict is None:
            self._strict = _matching(self.searcher, self.compiled.membership(), None)
        docs = self._strict & allowed if allowed is not None else self._strict
        if not docs and len(self.compiled.required) > 1:
            if self._loose is None:
                self._loose = _matching(self.searcher, self.compiled.loose(), None)
            docs = self._loose & allowed if allowed is not None else self._loose
        return docs


def refuse_wordless(parsed: ParsedQuery, compiled: CompiledQuery) -> None:
    """Refuse a query that has text but nothing to search for (😀, *, a lone quote).

    Without a word the query would match every document and list the whole library.
    """
    typed = parsed.words or parsed.phrases or parsed.excludes or any(c in "\"“”「」『』'" for c in parsed.text)
    if typed and not (compiled.required or compiled.excluded or compiled.optional):
        raise QueryError(f"检索词“{parsed.text[:40]}”里没有可以检索的字词（只有符号、标点或表情），"
                         "请输入汉字、字母或数字组成的词。", "q")


def refuse_missing_page(page: int, total: int, per_page: int) -> None:
    """Refuse a page number past the last page instead of showing 第 999/2 页."""
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise QueryError(f"参数 page：第 {page} 页不存在，这次检索共 {total} 篇、{pages} 页。", "page")


def top_hits(searcher, query, limit: int, sortedby, allowed: set | None):
    """Return the top *limit* results, scoring every match.

    whoosh's top-N collector "replaces" matchers with cheaper ones once it knows the lowest score
    on the heap, and with phrase boosts (AndMaybe) that replacement drops documents that belong
    in the top N (seen on the law corpus: ranks 5 and 6 of 安全生产 责任制 went missing), so
    both the replacement and block-quality skipping are turned off.
    """
    collector = searcher.collector(limit=limit, sortedby=sortedby, filter=allowed, optimize=False)
    inner = collector
    while inner is not None:
        if hasattr(inner, "replace"):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    searcher.search_with_collector(query, collector)
    return collector.results()


def _matching(searcher, query, allowed: set | None) -> set[int]:
    """Return the docnums matching *query* (within *allowed* when given)."""
    docs = set(searcher.docs_for_query(query))
    return docs & allowed if allowed is not None else docs


def term_weights(searcher, compiled: CompiledQuery) -> dict[str, float]:
    """Return the IDF of every query token in the content field."""
    weights = {}
    for group in compiled.groups:
        for tokens in group:
            for token in tokens:
                if token not in weights:
                    weights[token] = searcher.idf("content", token)
    return weights


def best_passage(passages: list, groups: list, weights: dict[str, float]):
    """Pick the stored passage that covers the most query words, weighted by IDF.

    Each stored passage is ``(anchor, section, text, " term term ... ")``.  A word counts when any of
    its alternatives (an alias's full names, say) has all its tokens in the passage; ties go to
    the earlier passage.  Returns None for a document without passages.
    """
    if not passages:
        return None
    if not groups:
        return passages[0]
    # The needles and values of each alternative do not depend on the passage: build them once.
    wanted = [[(tuple(f" {t} " for t in tokens), sum(weights.get(t, 1.0) for t in tokens))
               for tokens in group if tokens] for group in groups]
    best, best_score = passages[0], -1.0
    for passage in passages:
        terms = passage[3]
        score = 0.0
        for group in wanted:
            gained = 0.0
            for needles, value in group:
                if value > gained and all(needle in terms for needle in needles):
                    gained = value
            score += gained
        if score > best_score:
            best, best_score = passage, score
    return best
