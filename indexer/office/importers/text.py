"""Plain text and Markdown files: decide the encoding, split off front matter, give structure.

Runs inside the import worker (see ``worker.py``), under the same time and memory budget as
.docx and .pdf parsing.  The encoding is never guessed wrongly in silence: UTF-8 and UTF-16 with a
byte-order mark are certain; GB18030 is accepted when the text reads as common Chinese,
and otherwise the person is asked which encoding the file has (Big5 bytes, for one, nearly
always decode as GB18030, into rare characters and symbols).
"""
from __future__ import annotations

import codecs

from ...corpus import KNOWN_FIELDS, split_front_matter
from ...errors import CorpusError
from .errors import ImportRefused
from .guess import structure_plain_text

# name a person may give → (codec, label); the first of each label is what the form offers
ENCODINGS = {
    "utf-8": ("utf-8-sig", "UTF-8"), "utf8": ("utf-8-sig", "UTF-8"),
    "gb18030": ("gb18030", "GB18030/GBK（简体）"), "gbk": ("gb18030", "GB18030/GBK（简体）"),
    "gb2312": ("gb18030", "GB18030/GBK（简体）"), "cp936": ("gb18030", "GB18030/GBK（简体）"),
    "big5": ("cp950", "Big5（繁体）"), "cp950": ("cp950", "Big5（繁体）"),
    "big5-hkscs": ("big5hkscs", "Big5-HKSCS（香港繁体）"), "big5hkscs": ("big5hkscs", "Big5-HKSCS（香港繁体）"),
    "utf-16": ("utf-16", "UTF-16"), "utf-16le": ("utf-16-le", "UTF-16LE"), "utf-16be": ("utf-16-be", "UTF-16BE"),
}
OFFERED_ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# GB18030 text whose characters are mostly outside common Chinese is probably another encoding.
MIN_COMMON_SHARE = 0.9
MAX_RARE_CHARS = 2  # a name with a rare character is normal; more than this many need the ratio
ASK_ENCODING = ("请指定文件的编码后重新导入：网页上传时在“文件编码”中选择，命令行导入时加 --encoding，"
                "例如 --encoding big5（可选 " + "、".join(OFFERED_ENCODINGS) + "）。")


def encoding_codec(name: str) -> tuple[str, str]:
    """Return (codec, label) for an encoding a person named, or raise ImportRefused."""
    key = str(name or "").strip().lower().replace("_", "-")
    if key not in ENCODINGS:
        raise ImportRefused("encoding", f"不支持的编码“{str(name)[:20]}”，可选：{'、'.join(OFFERED_ENCODINGS)}。")
    return ENCODINGS[key]


def _common(ch: str) -> bool:
    """Whether *ch* is ASCII, a GB2312 hanzi or GB2312 punctuation (rows 1 and 3)."""
    if ch < "\x80":
        return True
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and (0xB0 <= encoded[0] <= 0xF7 or encoded[0] in (0xA1, 0xA3))


def reads_as_chinese(text: str) -> bool:
    """Whether GB18030-decoded *text* is made of common characters (not another encoding's bytes)."""
    rare = total = 0
    for ch in text:
        if ch >= "\x80" and not ch.isspace():
            total += 1
            rare += not _common(ch)
    return rare <= MAX_RARE_CHARS or (total - rare) / total >= MIN_COMMON_SHARE


def decode_text(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode a text file's bytes, with the encoding given or one that is certain.

    :raises ImportRefused: ``encoding`` when the bytes are not valid in the given encoding, or
        when no encoding is certain (the message asks for the encoding parameter).
    """
    if encoding:
        codec, label = encoding_codec(encoding)
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportRefused("encoding", f"按 {label} 编码读取时，第 {exc.start + 1} 个字节起的内容无法识别："
                                "文件不是这种编码。" + ASK_ENCODING, name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ImportRefused("encoding", "文件开头标明是 Unicode 编码，但内容无法按它读取（文件可能已损坏）。"
                                    + ASK_ENCODING, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused("encoding", "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）。" + ASK_ENCODING, name)
    if not reads_as_chinese(text):
        raise ImportRefused("encoding", "无法确定文件编码：按 GBK/GB18030 读出的大多是生僻字和符号，"
                            "文件可能是繁体 Big5 或其他编码，为免导入乱码，没有导入。" + ASK_ENCODING, name)
    return text


def _plain(value):
    """Return *value* with only JSON types (the worker sends the front matter back as JSON)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def convert_text(data: bytes, name: str, kind: str, encoding: str | None = None) -> dict:
    """Return ``{"text": body, "preset": front-matter fields, "notes": [...]}`` for a .txt/.md.

    :raises ImportRefused: wrong encoding, unreadable front matter.
    """
    text = decode_text(data, name, encoding)
    if "\x00" in text:
        raise ImportRefused("unsupported", "这不是文本文件（含有二进制内容），可导入的格式：.docx、.pdf、.txt、.md。", name)
    if text.count("\ufffd") > 3 and "\ufffd" in text[:4096]:
        raise ImportRefused("encoding", "文件中有大量无法识别的字符，编码可能不对。" + ASK_ENCODING, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    preset: dict = {}
    notes: list[str] = []
    if kind == "md":
        try:
            front, body = split_front_matter(text, name)
        except CorpusError as exc:
            raise ImportRefused("broken", exc.reason, name)
        preset = {k: _plain(v) for k, v in (front or {}).items() if k in KNOWN_FIELDS and v not in (None, "")}
        if front and set(front) - KNOWN_FIELDS:
            notes.append("头信息中的未知字段已忽略：" + "、".join(sorted(map(str, set(front) - KNOWN_FIELDS))) + "。")
        body = body.lstrip("\n")
    else:
        body = structure_plain_text(text, join_wrapped=False)
    return {"text": body, "preset": preset, "notes": notes}
