"""Checklists as data: ``corpus/checklists/*.yml``, read and validated with Chinese messages.

Each file is one checklist; its id is the file name without ``.yml``.  Each item has an id, the
requirement in one sentence, its source (a document id and passage anchor, with an optional
quote that must stand in that passage) and a kind with the fields that kind needs::

    mentions   any: [词或短语, 词+词]      the plan must address it (A+B: both in one sentence)
    at_least   near: [...], value, unit     a number with a unit near those words, at least value
    at_most    near: [...], value, unit     … at most value
    forbidden  terms: {不宜的写法: 规范写法}  none of these may appear; the proper form is suggested
    sections   sections: [...], each: [...] required parts in this order, each mentioning *each*

corpus/README.md describes the format for the office.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import load_yaml
from ..errors import CorpusError, PolicyKBError
from ..models import CorpusProblem
from .numbers import CHECKLIST_UNITS, canonical_unit

FOLDER = "checklists"
KINDS = {"mentions": "须提及", "at_least": "不少于", "at_most": "不超过", "forbidden": "不得使用",
         "sections": "须有的部分"}
MAX_FILE_BYTES = 256 * 1024
MAX_ITEMS = 200
MAX_PHRASE = 40
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """Where a requirement is written: a document and one of its passages."""

    doc: str
    anchor: str
    quote: str = ""


@dataclass(frozen=True)
class Section:
    """A required part of the plan: its name and the words that open it (the name by default)."""

    name: str
    any: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One requirement of a checklist."""

    id: str
    requirement: str
    source: Source
    kind: str
    any: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    value: float = 0.0
    unit: str = ""
    terms: tuple[tuple[str, str], ...] = ()
    sections: tuple[Section, ...] = ()
    each: tuple[str, ...] = ()
    order: bool = True


@dataclass(frozen=True)
class Checklist:
    """A named list of requirements read from ``corpus/checklists/<id>.yml``."""

    id: str
    title: str
    description: str
    path: str
    items: tuple[Item, ...] = field(default=())


class UnknownChecklist(PolicyKBError):
    """No checklist file has this id; the message lists the ones there are."""

    status = 400

    def __init__(self, checklist_id: str, known: list[str]):
        listed = "、".join(known) if known else "（没有，请在 corpus/checklists/ 中添加）"
        super().__init__(f"没有名为“{str(checklist_id)[:40]}”的检查清单。可用的清单：{listed}。")
        self.checklist_id = checklist_id
        self.known = known


class BrokenChecklist(CorpusError):
    """A checklist file cannot be used; ``str()`` names the file, the item and the field."""

    status = 422

    def __init__(self, path, field: str | None, message: str):
        super().__init__(path, field, message)
        self.message = f"检查清单 {self.path}" + (f"：{field}" if field else "") + f"：{message}"


def checklist_paths(corpus_root: Path) -> dict[str, Path]:
    """Return checklist id → file for every ``*.yml`` in ``corpus/checklists/`` (sorted)."""
    folder = Path(corpus_root) / FOLDER
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yml")) if not p.name.startswith((".", "_"))}


def read_checklist(path: Path, rel: str) -> Checklist:
    """Read and validate one checklist file.

    :raises BrokenChecklist: naming *rel*, the item (its number and id) and the field at fault.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BrokenChecklist(rel, None, f"文件有 {size // 1024} KB，超过检查清单的上限 {MAX_FILE_BYTES // 1024} KB。")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BrokenChecklist(rel, None, f"无法读取：{exc.strerror}。")
    except UnicodeDecodeError:
        raise BrokenChecklist(rel, None, "不是 UTF-8 编码的文本，请用 UTF-8 保存。")
    try:
        data = load_yaml(text, rel)
    except CorpusError as exc:
        raise BrokenChecklist(rel, None, exc.reason)
    if not isinstance(data, dict):
        raise BrokenChecklist(rel, None, "内容应为字段表（title、description、items），请参照 corpus/README.md 的示例。")
    unknown = set(data) - {"title", "description", "items"}
    if unknown:
        raise BrokenChecklist(rel, ", ".join(sorted(map(str, unknown))),
                              "未知的字段（可用：title、description、items）。")
    title = _text(data.get("title"), rel, "title", required=True)
    description = _text(data.get("description"), rel, "description")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise BrokenChecklist(rel, "items", "应为至少一项的列表，每项以“- id: …”开头。")
    if len(raw_items) > MAX_ITEMS:
        raise BrokenChecklist(rel, "items", f"有 {len(raw_items)} 项，超过上限 {MAX_ITEMS} 项。")
    items, seen = [], set()
    for n, raw in enumerate(raw_items, 1):
        item = _item(raw, rel, n)
        if item.id in seen:
            raise BrokenChecklist(rel, f"第 {n} 项", f"id“{item.id}”与前面的项重复。")
        seen.add(item.id)
        items.append(item)
    return Checklist(id=path.stem, title=title, description=description, path=rel, items=tuple(items))


def _item(raw, rel: str, n: int) -> Item:
    where = f"第 {n} 项"
    if not isinstance(raw, dict):
        raise BrokenChecklist(rel, where, "应为字段表（id、requirement、source、kind ……）。")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not ID_RE.match(item_id):
        raise BrokenChecklist(rel, f"{where}：id", "缺少或写法不对：只用字母、数字、- 和 _，如 xueshi-40。")
    where = f"第 {n} 项（{item_id}）"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise BrokenChecklist(rel, f"{where}：kind", f"应为以下之一：{'、'.join(KINDS)}，收到“{str(kind)[:20]}”。")
    allowed = {"id", "requirement", "source", "kind"} | {
        "mentions": {"any"}, "at_least": {"near", "value", "unit"}, "at_most": {"near", "value", "unit"},
        "forbidden": {"terms"}, "sections": {"sections", "each", "order"}}[kind]
    unknown = set(raw) - allowed
    if unknown:
        raise BrokenChecklist(rel, f"{where}：{', '.join(sorted(map(str, unknown)))}",
                              f"kind 为 {kind} 的项不用这些字段（可用：{'、'.join(sorted(allowed))}）。")
    requirement = _text(raw.get("requirement"), rel, f"{where}：requirement", required=True)
    source = _source(raw.get("source"), rel, f"{where}：source")
    fields: dict = {}
    if kind == "mentions":
        fields["any"] = _phrases(raw.get("any"), rel, f"{where}：any")
    elif kind in ("at_least", "at_most"):
        fields["near"] = _phrases(raw.get("near"), rel, f"{where}：near")
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise BrokenChecklist(rel, f"{where}：value", f"应为不小于 0 的数字，收到“{str(value)[:20]}”。")
        unit = canonical_unit(raw.get("unit"))
        if unit is None:
            raise BrokenChecklist(rel, f"{where}：unit", f"应为以下之一：{'、'.join(CHECKLIST_UNITS)}，"
                                  f"收到“{str(raw.get('unit'))[:20]}”。")
        fields.update(value=float(value), unit=unit)
    elif kind == "forbidden":
        terms = raw.get("terms")
        if not isinstance(terms, dict) or not terms:
            raise BrokenChecklist(rel, f"{where}：terms", "应为“不宜的写法: 规范写法”的字段表，如 保先活动: 先进性教育活动。")
        pairs = []
        for bad, good in terms.items():
            bad_text = _text(bad, rel, f"{where}：terms", required=True)
            good_text = _text(good, rel, f"{where}：terms：{bad_text}", required=True)
            if len(bad_text) > MAX_PHRASE:
                raise BrokenChecklist(rel, f"{where}：terms", f"“{bad_text[:20]}…”过长（最多 {MAX_PHRASE} 字）。")
            pairs.append((bad_text, good_text))
        fields["terms"] = tuple(pairs)
    else:
        sections = raw.get("sections")
        if not isinstance(sections, list) or len(sections) < 1:
            raise BrokenChecklist(rel, f"{where}：sections", "应为部分名称的列表，如 [学习动员, 分析评议, 整改提高]。")
        parsed = []
        for m, entry in enumerate(sections, 1):
            label = f"{where}：sections 第 {m} 个"
            if isinstance(entry, str):
                name = _text(entry, rel, label, required=True)
                parsed.append(Section(name, (name,)))
            elif isinstance(entry, dict) and set(entry) <= {"name", "any"}:
                name = _text(entry.get("name"), rel, f"{label}：name", required=True)
                words = _phrases(entry.get("any"), rel, f"{label}：any") if entry.get("any") is not None else (name,)
                parsed.append(Section(name, words))
            else:
                raise BrokenChecklist(rel, label, "应为部分名称，或含 name（和可选 any）的字段表。")
        fields["sections"] = tuple(parsed)
        fields["each"] = _phrases(raw.get("each"), rel, f"{where}：each") if raw.get("each") is not None else ()
        order = raw.get("order", True)
        if not isinstance(order, bool):
            raise BrokenChecklist(rel, f"{where}：order", "应为 true 或 false。")
        fields["order"] = order
    return Item(id=item_id, requirement=requirement, source=source, kind=kind, **fields)


def _text(value, rel: str, where: str, required: bool = False) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BrokenChecklist(rel, where, "不能为空。")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BrokenChecklist(rel, where, "应为一段文字。")
    return str(value).strip()


def _phrases(value, rel: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise BrokenChecklist(rel, where, "应为词或短语的列表，如 [领导带头, 领导+带头]。")
    out = []
    for phrase in value:
        text = _text(phrase, rel, where, required=True)
        if len(text) > MAX_PHRASE:
            raise BrokenChecklist(rel, where, f"“{text[:20]}…”过长（最多 {MAX_PHRASE} 字）。")
        if any(not part.strip() for part in text.split("+")):
            raise BrokenChecklist(rel, where, f"“{text}”中的 + 两边都要有词。")
        out.append(text)
    return tuple(out)


def _source(value, rel: str, where: str) -> Source:
    if not isinstance(value, dict) or not {"doc", "anchor"} <= set(value) or set(value) - {"doc", "anchor", "quote"}:
        raise BrokenChecklist(rel, where, "应写成 {doc: 文档 id, anchor: 段落锚点, quote: 原文中的一句}，如 "
                              "{doc: zzb-2005-dudao-peixun-jianghua, anchor: p55}。")
    return Source(doc=_text(value["doc"], rel, f"{where}：doc", required=True),
                  anchor=_text(value["anchor"], rel, f"{where}：anchor", required=True),
                  quote=_text(value.get("quote"), rel, f"{where}：quote"))


def load_checklists(corpus_root: Path) -> tuple[dict[str, Checklist], list[CorpusProblem]]:
    """Read every checklist of the corpus; return the valid ones and a problem per broken file."""
    found, problems = {}, []
    for checklist_id, path in checklist_paths(corpus_root).items():
        rel = f"{FOLDER}/{path.name}"
        if not ID_RE.match(checklist_id):
            problems.append(CorpusProblem(rel, None, "文件名只能用字母、数字、- 和 _（文件名就是清单的 id）。"))
            continue
        try:
            found[checklist_id] = read_checklist(path, rel)
        except CorpusError as exc:
            problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
    return found, problems


def source_problems(checklist: Checklist, passage_text) -> list[CorpusProblem]:
    """Check that each item's source resolves: *passage_text(doc, anchor)* → text, or None.

    ``passage_text`` returns None for a missing document and "" for a missing anchor.
    """
    problems = []
    for n, item in enumerate(checklist.items, 1):
        where = f"第 {n} 项（{item.id}）：source"
        text = passage_text(item.source.doc, item.source.anchor)
        if text is None:
            problems.append(CorpusProblem(checklist.path, where, f"出处文档“{item.source.doc}”不存在。"))
        elif text == "":
            problems.append(CorpusProblem(checklist.path, where,
                                          f"文档“{item.source.doc}”中没有段落“{item.source.anchor}”。"))
        elif item.source.quote and _squash(item.source.quote) not in _squash(text):
            problems.append(CorpusProblem(checklist.path, where, f"段落 {item.source.anchor} 中找不到引文"
                                          f"“{item.source.quote[:30]}”：文档可能改过，请核对锚点。"))
    return problems


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def open_checklist(corpus_root: Path, checklist_id: str) -> Checklist:
    """Read the checklist named *checklist_id* (its file name without ``.yml``).

    :raises UnknownChecklist: listing the ids there are.
    :raises BrokenChecklist: naming the file, the item and the field.
    """
    paths = checklist_paths(corpus_root)
    if checklist_id not in paths:
        raise UnknownChecklist(checklist_id, sorted(paths))
    return read_checklist(paths[checklist_id], f"{FOLDER}/{paths[checklist_id].name}")


def checklist_problems(corpus_root: Path, docs) -> list[CorpusProblem]:
    """Return the problems of every checklist file: unreadable, invalid, or a source not in *docs*."""
    by_id = {d.id: d for d in docs}

    def passage_text(doc_id: str, anchor: str):
        if doc_id not in by_id:
            return None
        return next((p.text for p in by_id[doc_id].passages if p.anchor == anchor), "")
    checklists, problems = load_checklists(corpus_root)
    for checklist in checklists.values():
        problems.extend(source_problems(checklist, passage_text))
    return problems
