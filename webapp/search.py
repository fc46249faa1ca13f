"""The home page and the results page."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, redirect, render_template, request

from indexer import QueryError
from indexer import MAX_QUERY_CHARS

from .advanced import advanced_form
from .context import get_kb
from .links import document_url
from .params import SearchState
from .render import safe_snippet

bp = Blueprint("search", __name__)

EXAMPLES = ("保先活动", "第32条", "\"群众满意度测评\"", "示例集团党发[2005]12号", "40学时", "补课 -测评")


@bp.get("/")
def home():
    """Show the search box, the ways to browse and the reading lists."""
    kb = get_kb()
    catalog = kb.catalog()
    return render_template("home.html", counts=catalog.counts(), total=len(catalog.metas),
                           reading_lists=kb.reading_lists(), examples=EXAMPLES, state=SearchState())


@bp.get("/search")
def results():
    """Show one page of results with facets; every state comes from the query string."""
    state = SearchState.from_args(request.args)
    within = request.args.get("within", "").strip()
    if within:
        # 在结果中搜索: add the words to q, keep the filters, and give the page a clean URL.
        combined = f"{state.q} {within}".strip()
        if len(combined) > MAX_QUERY_CHARS:  # the redirect would only carry it to the same refusal
            raise QueryError(f"在结果中搜索（参数 within）：加上新词后检索词共 {len(combined)} 字，"
                             f"超过 {MAX_QUERY_CHARS} 字的上限。请少加几个词，或先删去原检索词中的一些词。", "within")
        return redirect(state.url(q=combined), code=303)
    kb = get_kb()
    page = kb.search(state.q, per_page=current_app.config["PER_PAGE"], **state.search_options())
    snippets = {hit.id: safe_snippet(hit.snippet) for hit in page.hits}
    hints = empty_result_hints(state) if not page.total else []
    answer = question_answer(state)
    return render_template("results.html", state=state, page=page, facets=page.facets, snippets=snippets,
                           hints=hints, answer=answer, advanced=advanced_form(state))


def question_answer(state: SearchState):
    """Answer the query when it reads as a question (shown as a card above the results)."""
    kb = get_kb()
    if state.page not in ("", "1") or not kb.is_question(state.q):
        return None
    levels = state.filters.get("level") or None
    answer = kb.ask(state.q, level=levels, limit=3)
    from .feedback import note_answer
    note_answer(state.q, answer)  # refused and weak answers go to the office's misses log
    return answer


def empty_result_hints(state: SearchState) -> list[tuple[str, str]]:
    """Return (label, URL) suggestions for a search without results."""
    kb = get_kb()
    hints: list[tuple[str, str]] = []
    if state.has_filters:
        hints.append(("去掉全部筛选条件", state.without_filters()))
    q = state.q
    for alias, names in kb.aliases().items():
        if alias in q:
            hints += [(f"改用全称“{name}”", state.url(q=q.replace(alias, name))) for name in names[:2]]
        for name in names:
            if name in q and name != alias:
                hints.append((f"改用简称“{alias}”", state.url(q=q.replace(name, alias))))
    words = q.split()
    if len(words) > 1:
        for word in words:
            rest = " ".join(w for w in words if w != word)
            hints.append((f"去掉“{word}”，检索“{rest}”", state.url(q=rest)))
    stripped = q.strip("\"“”'")
    if stripped != q and stripped:
        hints.append((f"不加引号，检索 {stripped}", state.url(q=stripped)))
    for suggestion in kb.suggest(q, limit=4) if len(q) <= 20 else []:
        if suggestion.kind == "title":
            hints.append((f"打开文档《{suggestion.text}》", document_url(suggestion.doc_id)))
        elif suggestion.text != q:
            hints.append((f"检索“{suggestion.text}”", replace(state, q=suggestion.text, page="1").url()))
    seen, unique = set(), []
    for label, url in hints:
        if url not in seen:
            seen.add(url)
            unique.append((label, url))
    return unique[:8]
