"""What the index holds for each corpus file, kept beside the index so updates need not read it all.

An incremental ``index`` must find the few files that changed among thousands.  Reading and
hashing every file, and unpickling every stored record to learn what was indexed, cost ~1.5 s on
the law corpus before one document could be added.  Two things avoid that work:

* **A state file** (``files.json`` in the generation directory) maps each indexed path to its
  document id, content hash and stat signature.  It is tagged with the whoosh generation it
  describes; when the tag does not match the index (another process committed, a crash came
  between commit and write, the file is damaged) it is ignored and the state is read from the
  stored records as before.  The index therefore never depends on it: it is a cache.
* **Folder defaults**: a document without front matter takes fields from the ``_folder.yml``
  files above it, so each entry also records a key of that chain (:meth:`Corpus.defaults_key`);
  when it changes, the files below are parsed again although their own bytes did not change.
  (Entries read back from the stored records have no key; the current one is recorded then.)
* **Stat signatures** ``(size, mtime_ns, ctime_ns, inode)``: a file whose signature equals the
  one recorded when its content was last hashed is taken as unchanged without reading it.  Any
  write changes ``ctime`` (which no program can set back), an ``os.replace`` changes the inode,
  so a file rewritten in place with the same size and its old ``mtime`` restored is still
  detected.  The one blind spot of timestamps is a second write within the same clock tick as
  the read that recorded them (git's "racily clean" entries): a signature is therefore only
  recorded when the file's newest timestamp is at least :data:`RACY_NS` older than the clock when
  the scan started; younger files are simply hashed again next time.  (On Windows ``st_ctime``
  is the creation time, so there an in-place rewrite of equal size that also restores the old
  ``mtime`` goes unnoticed; ``index(verify=True)`` (``policykb index --verify``) or a rebuild re-reads every file.)
"""
from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

STATE_FILE = "files.json"
STATE_VERSION = 2
#: Files modified less than this long before a scan are hashed again on the next scan.
RACY_NS = 2_000_000_000
_TOC_RE = re.compile(r"^_MAIN_(\d+)\.toc$")


def signature(st: os.stat_result, now_ns: int) -> list[int] | None:
    """Return the stat signature of a file, or None when it is too recent to be trusted."""
    if max(st.st_mtime_ns, st.st_ctime_ns) > now_ns - RACY_NS:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def generation_tag(gen_dir: Path) -> list | None:
    """Return ``[directory name, latest whoosh generation]`` of a generation directory."""
    try:
        numbers = [int(m.group(1)) for m in map(_TOC_RE.match, os.listdir(gen_dir)) if m]
    except OSError:
        return None
    return [gen_dir.name, max(numbers)] if numbers else None


def load(gen_dir: Path, tag: list | None) -> dict[str, dict] | None:
    """Return the saved state if it describes generation *tag* exactly, else None."""
    if tag is None:
        return None
    try:
        data = json.loads((gen_dir / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION or data.get("tag") != tag:
            return None
        return {path: {"id": str(v[0]), "hash": str(v[1]), "sig": v[2] if isinstance(v[2], list) else None,
                       "folder": v[3] if isinstance(v[3], str) else None}
                for path, v in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing or damaged: the caller reads the stored records instead


def save(gen_dir: Path, tag: list | None, state: dict[str, dict]) -> None:
    """Write *state* for generation *tag* (atomically; a failure only costs speed later)."""
    if tag is None:
        return
    files = {path: [v["id"], v["hash"], v.get("sig"), v.get("folder")] for path, v in state.items()}
    data = json.dumps({"version": STATE_VERSION, "tag": tag, "files": files}, ensure_ascii=False)
    # No fsync: after a power cut a torn or empty file fails to load and the state is read from
    # the index again.
    tmp = gen_dir / f".{STATE_FILE}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, gen_dir / STATE_FILE)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
