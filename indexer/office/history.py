"""Version history and trash under the instance directory (never inside corpus/).

Layout::

    <instance>/history/<doc id>/v0001.md     the whole file as saved (bytes)
    <instance>/history/<doc id>/v0001.json   who, when, action, summary, hash, path
    <instance>/trash/<entry>/document.md     a deleted file
    <instance>/trash/<entry>/entry.json      its id, original path, who, when
    <instance>/pending/<doc id>.json         a save in progress: who, action, summary, new hash

A version exists once its ``.json`` is written (after the ``.md``), so a crash in between
leaves no half-recorded version.  A save writes its pending record before the document file
and removes it after the version: a crash between the file and the version leaves the record,
and the version is recorded from it afterwards (see :mod:`indexer.office.crashrepair`) instead of the
next save filing the change as made outside the system.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..corpus import ID_RE, atomic_write, content_hash

_VERSION_RE = re.compile(r"^v(\d{4,})\.json$")
ENTRY_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}-[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a document."""

    number: int
    hash: str
    author: str
    time: str
    action: str  # create, edit, status, restore, delete, untrash, import, baseline
    summary: str
    path: str


@dataclass(frozen=True)
class TrashEntry:
    """A deleted document waiting in the trash."""

    entry_id: str
    doc_id: str
    title: str
    path: str
    author: str
    time: str


class History:
    """Append-only versions of every document, keyed by document id."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _dir(self, doc_id: str) -> Path:
        if not ID_RE.match(doc_id) or doc_id in (".", ".."):
            raise ValueError(doc_id)
        return self.root / doc_id

    def versions(self, doc_id: str) -> list[VersionInfo]:
        folder = self._dir(doc_id)
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            if _VERSION_RE.match(path.name):
                try:
                    found.append(VersionInfo(**json.loads(path.read_text(encoding="utf-8"))))
                except (OSError, ValueError, TypeError):
                    continue  # a damaged record hides one entry, never the whole history
        return sorted(found, key=lambda v: v.number)

    def read(self, doc_id: str, number: int) -> bytes:
        return (self._dir(doc_id) / f"v{number:04d}.md").read_bytes()

    def append(self, doc_id: str, data: bytes, *, author: str, action: str, summary: str,
               path: str) -> VersionInfo:
        existing = self.versions(doc_id)
        number = existing[-1].number + 1 if existing else 1
        folder = self._dir(doc_id)
        info = VersionInfo(number=number, hash=content_hash(data), author=author, time=now(),
                           action=action, summary=summary, path=path)
        atomic_write(folder / f"v{number:04d}.md", data)
        atomic_write(folder / f"v{number:04d}.json",
                     json.dumps(info.__dict__, ensure_ascii=False, indent=1).encode("utf-8"))
        return info


class Trash:
    """Deleted documents, restorable until someone empties the folder by hand."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, doc_id: str, title: str, relpath: str, data: bytes, author: str) -> TrashEntry:
        entry_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{content_hash(data + now().encode())[:6]}-{doc_id}"
        folder = self.root / entry_id
        entry = TrashEntry(entry_id=entry_id, doc_id=doc_id, title=title, path=relpath,
                           author=author, time=now())
        atomic_write(folder / "document.md", data)
        atomic_write(folder / "entry.json", json.dumps(entry.__dict__, ensure_ascii=False).encode("utf-8"))
        return entry

    def entries(self) -> list[TrashEntry]:
        if not self.root.is_dir():
            return []
        found = []
        for folder in self.root.iterdir():
            try:
                found.append(TrashEntry(**json.loads((folder / "entry.json").read_text(encoding="utf-8"))))
            except (OSError, ValueError, TypeError):
                continue
        return sorted(found, key=lambda e: e.entry_id, reverse=True)

    def get(self, entry_id: str) -> tuple[TrashEntry, bytes] | None:
        if not ENTRY_RE.match(entry_id or ""):
            return None
        folder = self.root / entry_id
        try:
            entry = TrashEntry(**json.loads((folder / "entry.json").read_text(encoding="utf-8")))
            return entry, (folder / "document.md").read_bytes()
        except (OSError, ValueError, TypeError):
            return None

    def discard(self, entry_id: str) -> None:
        """Remove an entry after its document went back to the corpus (restore)."""
        folder = self.root / entry_id
        for name in ("entry.json", "document.md"):
            try:
                (folder / name).unlink()
            except FileNotFoundError:
                pass
        try:
            folder.rmdir()
        except OSError:
            pass


@dataclass(frozen=True)
class PendingSave:
    """A save that wrote (or was about to write) a document file but has not recorded its version."""

    doc_id: str
    hash: str
    author: str
    action: str
    summary: str
    path: str
    time: str


class Pending:
    """Saves in progress, one record per document id (writes are serialised by the edit lock)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _file(self, doc_id: str) -> Path:
        if not ID_RE.match(doc_id) or doc_id in (".", ".."):
            raise ValueError(doc_id)
        return self.root / f"{doc_id}.json"

    def begin(self, doc_id: str, data: bytes, *, author: str, action: str, summary: str, path: str) -> None:
        record = PendingSave(doc_id=doc_id, hash=content_hash(data), author=author, action=action,
                             summary=summary, path=path, time=now())
        atomic_write(self._file(doc_id), json.dumps(record.__dict__, ensure_ascii=False).encode("utf-8"))

    def end(self, doc_id: str) -> None:
        try:
            self._file(doc_id).unlink()
        except FileNotFoundError:
            pass

    def get(self, doc_id: str) -> PendingSave | None:
        try:
            return PendingSave(**json.loads(self._file(doc_id).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def all(self) -> list[PendingSave]:
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.glob("*.json")):
            record = self.get(path.stem) if ID_RE.match(path.stem) else None
            if record is None:
                path.unlink(missing_ok=True)  # a torn record: the save it described never finished
            else:
                found.append(record)
        return found
