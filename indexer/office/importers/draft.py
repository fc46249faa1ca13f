"""The result of an import: guessed front matter plus a Markdown body, for a person to review."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Draft:
    """A converted file, not yet saved.

    :ivar meta: front-matter fields guessed from the text (title, doc_type, issuer, doc_no, date,
        and any fields a Markdown file already carried); only non-empty values.
    :ivar body: the Markdown body.
    :ivar kind: ``docx``, ``pdf``, ``txt`` or ``md``.
    :ivar source_hash: SHA-1 of the original bytes (re-importing the same file is detectable).
    :ivar notes: Chinese sentences for the reviewer (e.g. what was guessed from where).
    """

    meta: dict
    body: str
    kind: str
    source_name: str
    source_hash: str
    notes: tuple[str, ...] = field(default=())
