"""The catalogue of indexed documents: suggestions, related documents, browse counts, glossary links.

Built from the stored metadata of every document (one pass over the index) and rebuilt only
when the index generation or a side file changes, so browse pages and suggestions never search.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..models import LEVELS
from ..analysis import cn_to_int, fold_width
from .naming import TitleIndex

MAX_SUGGEST_PREFIX = 50


@dataclass(frozen=True)
class Suggestion:
    """One completion for the search box."""

    text: str
    kind: str           # "title", "term" or "alias"
    kind_label: str     # 文档 / 术语 / 简称
    doc_id: str = ""    # the document a title suggestion opens
    detail: str = ""    # the full names of an alias, the level of a title

    def to_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind, "kind_label": self.kind_label,
                "doc_id": self.doc_id, "detail": self.detail}


def _key(text: str) -> str:
    return fold_width(text).lower().replace(" ", "")


class Catalog:
    """Metadata of every indexed document with the lookups the site needs."""

    def __init__(self, metas: list[dict], glossary: dict[str, dict], aliases: dict[str, tuple[str, ...]]):
        self.metas = metas  # newest first
        self.by_id = {m["id"]: m for m in metas}
        self.glossary = glossary
        self.aliases = aliases
        entries: list[tuple[str, Suggestion]] = []
        for meta in metas:
            entries.append((_key(meta["title"]), Suggestion(meta["title"], "title", "文档", meta["id"],
                                                            meta.get("level_label", ""))))
        for term in glossary:
            entries.append((_key(term), Suggestion(term, "term", "术语")))
        for alias, names in aliases.items():
            entries.append((_key(alias), Suggestion(alias, "alias", "简称", detail="、".join(names))))
        self._entries = entries
        self._glossary_entries: list[dict] | None = None
        self._position = {m["id"]: n for n, m in enumerate(metas)}
        self._related: dict[tuple[str, int], list[dict]] = {}
        self._citing: dict[str, list[dict]] | None = None
        self._by_tag: dict[str, list[str]] | None = None
        self._by_replaced: dict[str, list[str]] | None = None
        self._titles = None

    def titles(self):
        """Return the :class:`~indexer.search.naming.TitleIndex` of these documents (built once)."""
        if self._titles is None:
            self._titles = TitleIndex(self.metas, self.aliases)
        return self._titles

    # -- suggestions ---------------------------------------------------------------------------
    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Return titles, glossary terms and aliases that start with or contain *prefix*.

        Terms and aliases that start with the prefix come first (short words a user is typing),
        then titles that start with it, then anything containing it; each text appears once.
        """
        key = _key(prefix or "")[:MAX_SUGGEST_PREFIX]
        if not key:
            return []
        order = {"term": 0, "alias": 1, "title": 2}
        starts, contains = [], []
        for text_key, suggestion in self._entries:
            if text_key.startswith(key):
                starts.append(suggestion)
            elif key in text_key:
                contains.append(suggestion)
        starts.sort(key=lambda s: (order[s.kind], len(s.text)))
        contains.sort(key=lambda s: (order[s.kind], len(s.text)))
        seen, result = set(), []
        for suggestion in starts + contains:
            if suggestion.text in seen:
                continue
            seen.add(suggestion.text)
            result.append(suggestion)
            if len(result) >= limit:
                break
        return result

    # -- relations -----------------------------------------------------------------------------
    def related(self, doc_id: str, limit: int = 6) -> list[dict]:
        """Return documents related to *doc_id*: citations both ways, replacements, shared tags."""
        key = (doc_id, limit)
        if key not in self._related:  # the catalogue is rebuilt when the index changes
            self._related[key] = self._rank_related(doc_id, limit)
        return list(self._related[key])

    def _rank_related(self, doc_id: str, limit: int) -> list[dict]:
        meta = self.by_id.get(doc_id)
        if meta is None:
            return []
        tags = set(meta.get("tags", ()))
        scores: Counter = Counter()
        # Only a shared tag (2 points) or a replacement (10) reaches the threshold of 2; citations
        # and the level only add to those, so other documents never need scoring.
        candidates = {i for tag in tags for i in self._tagged().get(tag, ())}
        candidates.update(self._replacing().get(doc_id, ()))
        if meta.get("replaced_by") in self.by_id:
            candidates.add(meta["replaced_by"])
        for other_id in candidates:
            other = self.by_id[other_id]
            if other_id == doc_id:
                continue
            score = 2.0 * len(tags & set(other.get("tags", ())))
            if other_id == meta.get("replaced_by") or other.get("replaced_by") == doc_id:
                score += 10
            if other_id in meta.get("cites", ()) or doc_id in other.get("cites", ()):
                score += 1  # the citations have their own lists; this only breaks ties
            if other.get("level") == meta.get("level"):
                score += 0.5
            if score >= 2:
                scores[other_id] = score
        ranked = sorted(scores, key=lambda i: (-scores[i], self._position[i]))
        return [self.by_id[i] for i in ranked[:limit]]

    def _tagged(self) -> dict[str, list[str]]:
        if self._by_tag is None:
            by_tag: dict[str, list[str]] = {}
            for meta in self.metas:
                for tag in dict.fromkeys(meta.get("tags", ())):
                    by_tag.setdefault(tag, []).append(meta["id"])
            self._by_tag = by_tag
        return self._by_tag

    def _replacing(self) -> dict[str, list[str]]:
        if self._by_replaced is None:
            by_replaced: dict[str, list[str]] = {}
            for meta in self.metas:
                if meta.get("replaced_by"):
                    by_replaced.setdefault(meta["replaced_by"], []).append(meta["id"])
            self._by_replaced = by_replaced
        return self._by_replaced

    def replaced_documents(self, doc_id: str) -> list[dict]:
        """Return the documents that *doc_id* replaces (their ``replaced_by`` names it)."""
        return [self.by_id[i] for i in self._replacing().get(doc_id, ())]

    def cited_by_case(self, doc_id: str) -> list[dict]:
        """Return the documents a typical case cites (that are in the index)."""
        meta = self.by_id.get(doc_id)
        if meta is None:
            return []
        return [self.by_id[i] for i in meta.get("cites", ()) if i in self.by_id]

    def citing_cases(self, doc_id: str) -> list[dict]:
        """Return the typical cases that cite *doc_id*."""
        if self._citing is None:
            citing: dict[str, list[dict]] = {}
            for meta in self.metas:
                if meta.get("level") == "case":
                    for cited in dict.fromkeys(meta.get("cites", ())):
                        citing.setdefault(cited, []).append(meta)
            self._citing = citing
        return list(self._citing.get(doc_id, ()))

    # -- browsing ------------------------------------------------------------------------------
    def counts(self) -> dict[str, list[tuple[str, str, int]]]:
        """Return (value, label, count) per level (in hierarchy order), doc type, tag and year."""
        level = Counter(m.get("level", "") for m in self.metas)
        doc_type = Counter(m.get("doc_type") or "未注明" for m in self.metas)
        tags = Counter(t for m in self.metas for t in m.get("tags", ()))
        years = Counter((m.get("date") or "")[:4] or "未注明" for m in self.metas)
        return {
            "level": [(k, LEVELS[k], level[k]) for k in LEVELS if level.get(k)],
            "doc_type": [(k, k, c) for k, c in sorted(doc_type.items(), key=lambda x: (-x[1], x[0]))],
            "tags": [(k, k, c) for k, c in sorted(tags.items(), key=lambda x: (-x[1], x[0]))],
            "year": [(k, k, c) for k, c in sorted(years.items(), reverse=True)],
        }

    def glossary_entries(self, heading_anchor) -> list[dict]:
        """Return the glossary sorted by term, each with its source document and passage anchor.

        :param heading_anchor: callable (doc_id, heading path, term) → block anchor or "" (resolves
            the heading paths written in glossary.yml to anchors of the rendered document).
        """
        if self._glossary_entries is not None:
            return self._glossary_entries
        entries = []
        for term, entry in sorted(self.glossary.items(), key=lambda item: _key(item[0])):
            source = self.by_id.get(entry.get("source", ""))
            anchor = ""
            if source is not None:
                anchor = heading_anchor(source["id"], entry.get("anchor", ""), term)
            entries.append({"term": term, "definition": entry["definition"],
                            "source": source["id"] if source else "",
                            "source_title": source["title"] if source else "",
                            "anchor": anchor, "aliases": [a for a, names in self.aliases.items()
                                                            if term in names and not is_group_name(a, names)]})
        self._glossary_entries = entries
        return entries

    def reading_list(self, lists: list[dict], list_id: str) -> dict | None:
        """Return a reading list with each item's document metadata (None when it is missing)."""
        for entry in lists:
            if entry["id"] == list_id:
                items = [dict(item, meta=self.by_id.get(item["doc"])) for item in entry["items"]]
                return dict(entry, items=items)
        return None


_COUNTED_RE = re.compile(r"^([一二两三四五六七八九十\d]+)[个项条大种类点]")


def is_group_name(alias: str, names) -> bool:
    """Tell whether *alias* names a group of its expansions (三个阶段 → 学习动员, 分析评议, 整改提高).

    The alias table expands such a name into every member so a search finds them all, but a
    member is not another word for the group: 分析评议 is not 也称 三个阶段.
    """
    match = _COUNTED_RE.match(alias)
    if not match or len(names) < 2:
        return False
    return cn_to_int(match.group(1).replace("两", "二")) == len(names)


def term_anchor(doc, heading: str, term: str) -> str:
    """Return where *doc* explains *term*: the heading named in the glossary, else the first
    passage that mentions the term, else ""."""
    if heading:
        wanted = heading.split("›")[-1].strip()
        for block in doc.blocks:
            if block.kind == "heading" and block.title.strip() == wanted:
                return block.anchor
    for passage in doc.passages:
        if term in passage.text:
            return passage.anchor
    return ""
