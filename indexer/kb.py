"""The knowledge base: one object that owns the corpus, the analyzer and the index."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import asking, office, tablepreview
from .analysis import Segmenter, TextAnalyzer, background_table, default_backend
from .corpus import Corpus, derived_id
from .errors import CorpusError, DocumentNotFound, IndexMissing
from .index import (IndexChanged, IndexStore, Reconciler, ResultCache, default_workers, document_metas,
                    reads_index, set_segment_budget)
from .models import FACET_BY_NAME, CorpusProblem, IndexReport, PolicyDoc, SearchPage
from .params import frozen, paging, search_filters
from .review import (Knowledge, Report, Reviewer, checklist_problems, citation_of, load_checklists, open_checklist,
                     plan_from_file, plan_from_text)
from .search import Catalog, QueryCompiler, Suggestion, parse_query, run_search, term_anchor
from .settings import SETTING_BY_NAME, setting
from .sidefiles import SideFiles

if TYPE_CHECKING:
    from .qa import AnswerSet

DEFAULT_CORPUS = SETTING_BY_NAME["CORPUS_DIR"].default
DEFAULT_INDEX = SETTING_BY_NAME["INDEX_DIR"].default
DEFAULT_INSTANCE = SETTING_BY_NAME["INSTANCE_DIR"].default
INDEX_ATTEMPTS = 3  # reads of the corpus before indexing without the staleness check
PARSED_DOCUMENTS = 64  # parsed documents kept for document pages


class KnowledgeBase:
    """Search, read and index the corpus.  Safe to share between threads.

    :param corpus_dir: the corpus directory (the source of truth).
    :param index_dir: where index generations live; deleting it only costs a rebuild.
    :param segmenter: ``jieba``, ``rjieba`` or ``auto``.
    :param instance_dir: history, trash and edit lock of the office workspace (not in corpus/).
    :param result_cache: how many search pages and answers to keep (0: none; default the setting
        ``RESULT_CACHE``).  The other settings (``indexer.settings``) are read here too.
    """

    def __init__(self, corpus_dir: str | os.PathLike = DEFAULT_CORPUS,
                 index_dir: str | os.PathLike = DEFAULT_INDEX, segmenter: str | None = None,
                 instance_dir: str | os.PathLike = DEFAULT_INSTANCE, result_cache: int | None = None):
        self.corpus = Corpus(corpus_dir)
        self.index_dir = Path(index_dir)
        self.segmenter_backend = segmenter or default_backend()
        self._lock = threading.RLock()
        self._local = threading.local()
        self._analyzer: TextAnalyzer | None = None
        self._analyzer_key: tuple | None = None
        self._dictionary_serial = 0
        self._store: IndexStore | None = None
        self.side_files = SideFiles(self.corpus)
        self.instance_dir = Path(instance_dir)
        self._workspace = None
        self._results = ResultCache(result_cache)
        self._parsed = ResultCache(PARSED_DOCUMENTS)
        self.index_workers = default_workers()  # processes for full rebuilds of large corpora
        set_segment_budget(setting("SEGMENT_CACHE_MB"))

    # -- components (built lazily: nothing heavy at construction) ------------------------------
    @property
    def analyzer(self) -> TextAnalyzer:
        """Return the analyzer of the current index, switching when the dictionary files changed.

        A changed dictionary (userdict.txt, aliases, glossary terms) takes effect once the index is
        built with it: :meth:`index` switches at once and rebuilds; every other process (a worker
        forked before the change) switches when it sees an index carrying the new fingerprint.
        Until then the old analyzer keeps matching the old index.
        """
        with self._lock:
            key = self.side_files.dictionary_key()
            if self._analyzer is None or key != self._analyzer_key:
                words = self.side_files.dictionary_words()
                if self._analyzer is None:
                    self._analyzer = TextAnalyzer(Segmenter(self.segmenter_backend, words))
                    self._pending_analyzer = None
                elif words != self._analyzer.segmenter._words:
                    self._pending_analyzer = TextAnalyzer(Segmenter(self.segmenter_backend, words))
                else:
                    self._pending_analyzer = None
                self._analyzer_key = key
            pending = getattr(self, "_pending_analyzer", None)
            if pending is not None and (getattr(self._local, "indexing", False) or self._index_fingerprint()
                                        == pending.fingerprint()):
                self._analyzer, self._pending_analyzer = pending, None
                self._store = None
                self._dictionary_serial += 1
            return self._analyzer

    def _index_fingerprint(self) -> str:
        store = self._store
        return (store.info().get("fingerprint") or "") if store is not None else ""

    @property
    def store(self) -> IndexStore:
        with self._lock:
            self.analyzer  # a changed dictionary means another analyzer, fingerprint and store
            if self._store is None:
                self._store = IndexStore(self.index_dir, self.analyzer, self.analyzer.fingerprint())
            return self._store

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return self.side_files.aliases()

    def glossary(self) -> dict[str, dict]:
        return self.side_files.glossary()

    def wording(self) -> dict[str, tuple[str, ...]]:
        """Return the everyday-to-official wording table (``wording.yml``)."""
        return self.side_files.wording()

    def titles(self):
        """Return the :class:`~indexer.search.naming.TitleIndex` of the indexed documents (cached)."""
        return self.catalog().titles()

    def reading_lists(self) -> list[dict]:
        return self.side_files.reading_lists()

    # -- indexing ----------------------------------------------------------------------------
    def index(self, rebuild: bool = False, progress=None, on_start=None, verify: bool = False) -> IndexReport:
        """Bring the index up to date with the corpus; rebuild fully when asked or needed.

        A file whose size, times and inode equal those recorded when it was last read is not
        read again (see :mod:`indexer.index.filestate`); *verify* reads and hashes every file anyway.

        :param progress: called with each document as it is indexed.
        :param on_start: called with the number of documents about to be indexed.
        """
        self._local.indexing = True  # a changed dictionary is used from now on: see analyzer
        try:
            self.analyzer
        finally:
            self._local.indexing = False
        for _ in range(INDEX_ATTEMPTS):
            # Another process (a worker of the site, policykb index) may commit while this one
            # reads the corpus; the store then refuses the stale write and the corpus is read again.
            try:
                report = self._index_once(rebuild, progress, on_start, verify, self.store.generation_token())
                break
            except IndexChanged:
                continue
        else:
            report = self._index_once(rebuild, progress, on_start, verify, None)
        return replace(report, problems=report.problems + tuple(self.side_files.problems()))

    def _index_once(self, rebuild, progress, on_start, verify, expect) -> IndexReport:
        return Reconciler(self.corpus, self.store, self.index_workers).run(rebuild, progress, on_start, verify, expect)

    def check(self) -> list[CorpusProblem]:
        """Validate the whole corpus, checklists included, without touching the index."""
        docs, problems = self.corpus.load()
        return problems + checklist_problems(self.corpus.root, docs)

    # -- reviewing a plan against a checklist (logic in review/) -------------------------------
    def checklists(self) -> dict:
        """Return the readable checklists of ``corpus/checklists/`` by id (broken files left out)."""
        return load_checklists(self.corpus.root)[0]

    def checklist(self, checklist_id: str):
        """Return one checklist; raise UnknownChecklist or BrokenChecklist (see :meth:`review`)."""
        return open_checklist(self.corpus.root, checklist_id)

    def review(self, plan: str | bytes, checklist_id: str, filename: str = "", related: bool = True,
               limits=None, markdown: bool | None = None) -> Report:
        """Check a plan against a checklist; return the :class:`~indexer.review.Report`.

        :param plan: pasted text, or the bytes of an uploaded file named *filename*
            (.docx/.pdf/.txt/.md, converted by the office importers under *limits*).
        :param markdown: whether pasted text is Markdown (None: when a line is a # heading).
        :raises UnknownChecklist: naming the checklists there are.
        :raises BrokenChecklist: naming the file, item and field.
        :raises ImportRefused: with the importers' message for an unreadable or hostile file.
        """
        checklist = self.checklist(checklist_id)
        if isinstance(plan, bytes):
            parsed = plan_from_file(plan, filename, *([limits] if limits else []))
        else:
            parsed = plan_from_text(plan, filename, markdown)

        def citation(doc_id, anchor, quote):
            try:
                return citation_of(self.get_document(doc_id), anchor, quote)
            except DocumentNotFound:
                return citation_of(None, anchor, quote)
        knowledge = Knowledge(self.aliases(), citation, self.analyzer.terms,
                              lambda query: self.search(query, per_page=3, facets=False).hits)
        return Reviewer(knowledge).review(parsed, checklist, related=related)

    # -- reading -----------------------------------------------------------------------------
    @reads_index
    def searcher(self):
        """Return this thread's searcher, reopened when the index has changed."""
        store = self.store
        token = store.generation_token()
        local = self._local
        cached = getattr(local, "searcher", None)
        if cached is not None and local.token == token and getattr(local, "store", None) is store:
            return cached
        if cached is not None:
            local.searcher = None  # never hand out a closed searcher if reopening fails
            cached.close()
        for attempt in range(4):
            try:
                local.searcher = store.open().searcher()
                break
            except FileNotFoundError:  # another process's commit removed merged-away files
                if attempt == 3:
                    raise
                time.sleep(0.05 * (attempt + 1))
                token = store.generation_token()
        local.token = token
        local.store = store
        return local.searcher

    def close(self) -> None:
        """Close this thread's searcher (the next call opens a fresh one)."""
        cached = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if cached is not None:
            cached.close()

    def warm_up(self) -> None:
        """Load the dictionary, the word weights, the catalogue and the facet table now, and close the searcher.

        The site calls this before forking its workers: they share what was loaded instead of
        each building it while the first visitors wait, and inherit no open index files.
        """
        self.analyzer.terms("预热")
        background_table()   # the everyday-word weights questions use (background.py)
        self.catalog()
        self.search("", per_page=1)
        self.close()

    @reads_index
    def search(self, query: str = "", *, year_from=None, year_to=None, sort: str = "relevance",
               page: int = 1, per_page: int = 10, facets: bool = True, **filters) -> SearchPage:
        """Search documents; a filter per facet (``level=``, ``doc_type=``, ``tags=``, ``year=``… the
        names of ``models.FACETS``) takes one value or a list of alternatives.

        :raises QueryError: for invalid parameters (with a Chinese message naming them).
        """
        started = time.perf_counter()
        unknown = sorted(set(filters) - set(FACET_BY_NAME))
        if unknown:
            raise TypeError(f"search() got an unexpected keyword argument {unknown[0]!r}")
        key = ("search", query, tuple((name, frozen(filters.get(name))) for name in FACET_BY_NAME),
               str(year_from or ""), str(year_to or ""), sort, str(page), str(per_page), bool(facets))
        result = self._results.get_or_compute(self._result_generation(), key, lambda: self._search(
            query, filters, year_from=year_from, year_to=year_to, sort=sort, page=page, per_page=per_page,
            facets=facets))
        return replace(result, took_ms=(time.perf_counter() - started) * 1000, facets=dict(result.facets))

    def _search(self, query, chosen: dict, *, year_from, year_to, sort, page, per_page, facets) -> SearchPage:
        filters = search_filters(chosen, year_from, year_to)
        page, per_page = paging(page, per_page, sort)
        parsed = parse_query(query, filters)
        compiler = QueryCompiler(self.analyzer, self.aliases())
        return run_search(self.searcher(), compiler, parsed, page=page, per_page=per_page,
                          sort=sort, with_facets=facets)

    @reads_index
    def get_document(self, doc_id: str) -> PolicyDoc:
        """Read a document from the corpus (not the index), by id.

        :raises DocumentNotFound: when no indexed document has this id.
        """
        searcher = self.searcher()
        fields = searcher.document(doc_id=doc_id) if doc_id else None
        if not fields:
            raise DocumentNotFound(doc_id)
        path = self.corpus.root / fields["meta"]["path"]
        try:
            source = self.corpus.read_source(path)
            # Parsing a long law takes milliseconds; the same bytes with the same folder defaults
            # (the _folder.yml chain, as the index scan keys it) always give the same document.
            key = (source.relpath, source.hash, self.corpus.defaults_key(source.relpath.rpartition("/")[0]))
            doc = self._parsed.get_or_compute(None, key, lambda: self.corpus.parse(source)[0])
        except (OSError, CorpusError):
            raise DocumentNotFound(doc_id)
        if doc.id != doc_id:
            raise DocumentNotFound(doc_id)
        return doc

    @reads_index
    def documents(self, **filters) -> list[dict]:
        """Return the metadata of every indexed document matching exact field *filters*."""
        return document_metas(self.searcher(), filters)  # cached per segment

    def citing_cases(self, doc_id: str) -> list[dict]:
        """Return the typical cases whose ``cites`` include *doc_id*."""
        return [m for m in self.documents(level="case") if doc_id in m.get("cites", [])]

    # -- catalogue for the web site (logic in catalog.py) -------------------------------------
    def catalog(self) -> Catalog:
        """Return the catalogue of indexed documents, rebuilt when the index or side files change."""
        glossary, aliases = self.glossary(), self.aliases()
        key = (self.store.generation_token(), id(glossary), id(aliases))
        cached = getattr(self, "_catalog", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        catalog = Catalog(self.documents(), glossary, aliases)
        self._catalog = (key, catalog)
        return catalog

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Return completions for *prefix* from titles, glossary terms and aliases."""
        return self.catalog().suggest(prefix, limit)

    def related(self, doc_id: str, limit: int = 6) -> list[dict]:
        """Return metadata of documents related to *doc_id* (citations, replacements, tags)."""
        return self.catalog().related(doc_id, limit)

    def glossary_entries(self) -> list[dict]:
        """Return the glossary with each term's source document and resolved passage anchor."""
        def resolve(doc_id, heading, term):
            try:
                return term_anchor(self.get_document(doc_id), heading, term)
            except DocumentNotFound:
                return ""
        return self.catalog().glossary_entries(resolve)

    def reading_list(self, list_id: str) -> dict | None:
        """Return one reading list with the metadata of its documents, or None."""
        return self.catalog().reading_list(self.reading_lists(), list_id)

    # -- office workspace: safe writes with history and trash (logic in office/) ------------------
    @property
    def workspace(self) -> office.Workspace:
        """Return the :class:`~indexer.office.Workspace` writing to this corpus (loads the office)."""
        with self._lock:
            if self._workspace is None:
                self._workspace = self.workspace_at(None)
            return self._workspace

    def workspace_at(self, instance_dir: str | os.PathLike | None) -> office.Workspace:
        """The office's only constructor (handed the corpus and functions, not this object); history,
        trash and locks in *instance_dir* (a site's own; None: this knowledge base's)."""
        if instance_dir is not None and Path(instance_dir).resolve() == self.instance_dir.resolve():
            return self.workspace
        links = office.OfficeLinks(self.corpus, lambda: self.store, lambda: self.index(),
                                   lambda doc_id: self.searcher().document(doc_id=doc_id), lambda: self.documents(),
                                   tablepreview.table_probe(self))
        return office.Workspace(links, self.instance_dir if instance_dir is None else instance_dir)

    def recover(self, workspace: bool = True) -> list[str]:
        """Clean up after processes killed mid-write; return a sentence per repair (see crashrepair).

        :param workspace: also repair the history and trash of :attr:`instance_dir` under its edit
            lock (the site does); without it only temporary files older than a minute are removed
            from the corpus, since a save of a site using another instance directory may be running.
        """
        messages: list[str] = []
        if workspace:
            messages += self.workspace.recover()
        elif self.corpus.root.is_dir():
            removed = office.remove_tmp_files(self.corpus.root, older_than=office.UNLOCKED_TMP_AGE)
            if removed:
                messages.append(f"删除了语料目录中 {removed} 个中断写入留下的临时文件（.tmp-*）。")
        removed = self.store.clean()
        if removed:
            messages.append(f"删除了索引目录中 {removed} 个被中断的旧索引或临时文件。")
        return messages

    # -- questions ---------------------------------------------------------------------------
    @reads_index
    def ask(self, question: str, level=None, limit: int = 3) -> AnswerSet:
        """Answer a question with exact sentences from the corpus and their citations.

        :param level: restrict to one level (key or Chinese label) or a list of levels.
        :param limit: the most answers to return (1–10).
        :returns: an :class:`AnswerSet`; with no answer above the threshold its ``answers`` are
            empty and ``fallback_hits`` holds the best search hits instead.
        :raises QueryError: for an empty or overlong question or an unknown level.
        """
        started = time.perf_counter()
        key = ("ask", question, frozen(level), str(limit))
        result = self._results.get_or_compute(self._result_generation(), key,
                                              lambda: asking.answer_question(self, question, level, limit))
        return replace(result, took_ms=(time.perf_counter() - started) * 1000)

    def _result_generation(self) -> tuple:
        # Aliases change how a query is compiled without changing the index.
        self.aliases()  # reload a changed alias table first
        self.wording()
        store = self.store
        return (store.generation_token(), self.side_files.serial("aliases.yml"), self.side_files.serial("wording.yml"),
                self._dictionary_serial)

    def is_question(self, text: str) -> bool:
        """Tell whether a search-box text reads as a question (ends with ？ or has a question word)."""
        return asking.is_question(text)


__all__ = ["KnowledgeBase", "derived_id", "IndexMissing"]
