"""Addresses of the site's pages.  The one place a document's address is spelled: the templates
(``document_url``), the JSON API and the ``--json`` output of ``policykb search`` and ``ask``
(``as_json``) all take it from here; ``indexer`` knows no addresses.
"""
from __future__ import annotations

DOCUMENTS = "/documents/"


def document_url(doc_id: str, anchor: str = "") -> str:
    """Return the page of document *doc_id*, at passage *anchor* when given (``/documents/<id>#art32``)."""
    return f"{DOCUMENTS}{doc_id}" + (f"#{anchor}" if anchor else "")


def as_json(result) -> dict:
    """Return ``result.to_dict()`` of a SearchPage, an AnswerSet or a review Report with a ``url`` for
    every hit, answer, citation and related passage.

    A hit's ``url`` comes last, an answer's right after ``score``, a citation's right after ``quote``
    (before ``label``): the order the keys were documented in.
    """
    data = result.to_dict()
    for name in ("hits", "fallback_hits"):
        for hit, entry in zip(getattr(result, name, ()), data.get(name, ())):
            entry["url"] = document_url(hit.id, hit.passage)
    for finding, entry in zip(getattr(result, "findings", ()), data.get("findings", ())):
        entry["citation"] = _after(entry["citation"], "quote", "url",
                                   document_url(finding.citation.doc_id, finding.citation.anchor))
    for part, entry in zip(getattr(result, "parts", ()), data.get("parts", ())):
        for related, related_entry in zip(part.related, entry["related"]):
            related_entry["url"] = document_url(related.doc_id, related.anchor)
    if getattr(result, "answers", None):
        data["answers"] = [_after(entry, "score", "url", document_url(answer.doc_id, answer.anchor))
                           for answer, entry in zip(result.answers, data["answers"])]
    return data


def _after(data: dict, key: str, new_key: str, value) -> dict:
    """Return a copy of *data* with *new_key* inserted right after *key* (at the end without *key*)."""
    out = {}
    for k, v in data.items():
        out[k] = v
        if k == key:
            out[new_key] = value
    out.setdefault(new_key, value)
    return out
