"""The advanced-search form (高级检索): its fields become the same /search URL the query grammar gives.

Words, the exact phrase and the excluded words are written into ``q`` in the grammar a reader can
type (``词 "短语" -排除``); level, type, issuer, status and years become the URL parameters a facet
click sets.  So the form, a typed query and a clicked facet all lead to one URL and one result list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, request

from indexer import LEVELS, STATUSES, QueryError, parse_query

from .context import get_kb
from .params import MAX_VALUE_CHARS, MAX_VALUES, SearchState

bp = Blueprint("advanced", __name__)

QUOTE_CHARS = "\"“”「」『』'"
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})?\s*(?:-|~|～|至|到)?\s*((?:19|20)\d{2})?\s*$")
_TOKEN = re.compile(r"\"[^\"]+\"|“[^”]+”|\S+")
_SEPARATORS = re.compile(r"[、，,；;]+")


def _unquoted(text: str) -> str:
    return " ".join("".join(c for c in text if c not in QUOTE_CHARS).split())


def _values(args, name: str) -> tuple[str, ...]:
    found = [v.strip()[:MAX_VALUE_CHARS] for v in args.getlist(name)[:MAX_VALUES] if v.strip()]
    return tuple(dict.fromkeys(found))


def _year(text: str, field: str, label: str) -> str:
    text = text.strip()
    if text and not re.fullmatch(r"(?:19|20)\d{2}", text):
        raise QueryError(f"高级检索的“{label}”应为四位数字的年份，如 2005（现为“{text[:20]}”）。", field)
    return text


@dataclass(frozen=True)
class AdvancedQuery:
    """The fields of the advanced form; :meth:`state` is the search they stand for."""

    words: str = ""
    phrase: str = ""
    exclude: str = ""
    level: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    year_from: str = ""
    year_to: str = ""
    sort: str = "relevance"

    @classmethod
    def from_form(cls, args) -> "AdvancedQuery":
        """Read the submitted form; a year that is not four digits is a Chinese error naming the field."""
        issuers = [v for raw in _values(args, "issuer") for v in _SEPARATORS.split(raw) if v.strip()]
        return cls(words=args.get("words", "").strip(), phrase=args.get("phrase", "").strip(),
                   exclude=args.get("exclude", "").strip(), level=_values(args, "level"),
                   doc_type=_values(args, "type"), issuer=tuple(dict.fromkeys(v.strip() for v in issuers)),
                   status=_values(args, "status"),
                   year_from=_year(args.get("year_from", ""), "year_from", "年份起"),
                   year_to=_year(args.get("year_to", ""), "year_to", "年份止"),
                   sort=args.get("sort", "relevance").strip() or "relevance")

    @classmethod
    def from_state(cls, state: SearchState) -> "AdvancedQuery":
        """Fill the form from a results URL: q's phrase and exclusions go back to their own fields."""
        words, phrase, exclude = state.q, "", ""
        levels, types, issuers, statuses = (list(state.filters.get(p, ())) for p in ("level", "type", "issuer", "status"))
        year = state.year
        try:
            parsed = parse_query(state.q)
        except QueryError:
            parsed = None
        if parsed is not None:
            phrases = list(parsed.phrases)
            phrase = phrases.pop(0) if phrases else ""
            words = " ".join(parsed.words + [f'"{p}"' for p in phrases])
            exclude = " ".join(f'"{e}"' if " " in e else e for e in parsed.excludes)
            typed = parsed.filters  # 级别:中央 typed in q moves to the level field
            levels += [v for v in typed.values["level"] if v not in levels]
            types += [v for v in typed.values["doc_type"] if v not in types]
            issuers += [v for v in typed.values["issuer"] if v not in issuers]
            statuses += [v for v in typed.values["status"] if v not in statuses]
            if typed.year_from or typed.year_to:
                year = f"{typed.year_from or ''}-{typed.year_to or ''}"
        match = _YEAR.match(year or "")
        start, end = match.groups() if match and year else (year, "")
        if match and year and end is None and not re.search(r"[-~～至到]", year):
            end = start
        keys = {label: key for key, label in LEVELS.items()}  # level=中央 in a URL is level=central
        levels = list(dict.fromkeys(keys.get(v, v) for v in levels))
        return cls(words=words, phrase=phrase, exclude=exclude, level=tuple(levels), doc_type=tuple(types),
                   issuer=tuple(issuers), status=tuple(statuses), year_from=start or "", year_to=end or "",
                   sort=state.sort)

    def query_text(self) -> str:
        """Return ``q`` in the query grammar: the words, then "the phrase", then -each -excluded word."""
        parts = [self.words] if self.words else []
        phrase = _unquoted(self.phrase)
        if phrase:
            parts.append(f'"{phrase}"')
        for token in _TOKEN.findall(self.exclude):
            word = _unquoted(token.lstrip("-－"))
            if word:
                parts.append(f'-"{word}"' if " " in word else f"-{word}")
        return " ".join(parts)

    def year(self) -> str:
        start, end = self.year_from, self.year_to
        if start and end:
            return start if start == end else f"{min(start, end)}-{max(start, end)}"
        if start:
            return f"{start}-"
        return f"-{end}" if end else ""

    def state(self) -> SearchState:
        filters = {param: values for param, values in (("level", self.level), ("type", self.doc_type),
                                                         ("issuer", self.issuer), ("status", self.status)) if values}
        return SearchState(q=self.query_text(), filters=filters, year=self.year(), sort=self.sort)


def advanced_search_url(args) -> str:
    """Return the /search URL for a submitted advanced form (the one typing the grammar would give)."""
    return AdvancedQuery.from_form(args).state().url()


def form_choices() -> dict:
    """Return the values the form offers, read from the facets of the whole library."""
    facets = get_kb().search("", per_page=1).facets
    order = list(LEVELS)
    levels = sorted(facets.get("level", ()), key=lambda v: order.index(v.value) if v.value in order else len(order))
    return {"levels": [(v.value, v.label) for v in levels],
            "types": [v.value for v in facets.get("doc_type", ()) if v.value],
            "issuers": [v.value for v in facets.get("issuer", ()) if v.value],
            "statuses": list(STATUSES)}


def advanced_form(state: SearchState) -> dict:
    """Return what the 高级检索 panel needs: the fields filled from *state* and the choices."""
    return {"fields": AdvancedQuery.from_state(state), "choices": form_choices()}


@bp.get("/search/advanced")
def advanced():
    """Show the advanced form filled from the URL; a submitted form goes to its /search URL."""
    if request.args.get("go"):
        return redirect(advanced_search_url(request.args), code=303)
    state = SearchState.from_args(request.args)
    return render_template("advanced.html", state=state, advanced=advanced_form(state))
