"""Decide a file's type by its bytes and refuse zip bombs before any parser sees them."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from .errors import ImportRefused

SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")  # and files without a suffix, read as plain text
OLD_OFFICE = (".doc", ".wps", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes, filename: str = "", encoding: str | None = None) -> str:
    """Return ``docx``, ``pdf``, ``md`` or ``txt`` for *data*, or raise ImportRefused.

    The name only chooses between Markdown and plain text; binary formats are recognised by
    their magic bytes, so a renamed PDF is still read as a PDF and an executable renamed to
    .docx is refused.
    """
    suffix = PurePath(filename).suffix.lower()
    if not data:
        raise ImportRefused("empty", "文件是空的（0 字节），没有可导入的内容。", filename)
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ImportRefused("broken", "Word 文件已损坏，无法打开（压缩包结构错误）。请用 Word 打开后另存为 .docx 再试。", filename)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
            raise ImportRefused("unsupported", "不支持 Excel 或 PowerPoint 文件，请把内容复制到 Word 后另存为 .docx。", filename)
        raise ImportRefused("unsupported", "这是一个压缩包，不是 Word（.docx）文件。", filename)
    if data.startswith(_OLE_MAGIC) or suffix in (".doc", ".wps"):
        raise ImportRefused("unsupported", "不支持旧版 Word（.doc）或 WPS 格式，请在 Word/WPS 中“另存为” .docx 后再导入。", filename)
    if suffix in (".docx", ".pdf"):
        kind = "Word" if suffix == ".docx" else "PDF"
        raise ImportRefused("broken", f"文件扩展名是 {suffix}，但内容不是 {kind} 文件（可能已损坏或被改名）。", filename)
    if suffix in OLD_OFFICE:
        raise ImportRefused("unsupported", f"不支持 {suffix} 文件，可导入的格式：.docx、.pdf、.txt、.md。", filename)
    wide = data.startswith(_UTF16_BOMS) or str(encoding or "").lower().replace("_", "-").startswith("utf-16")
    if b"\x00" in data[:8192] and not wide:  # UTF-16 text has zero bytes: the worker decodes and checks it
        hint = "如果这是 UTF-16 编码的文本，请指定编码 utf-16 后重新导入。" if suffix in TEXT_SUFFIXES else ""
        raise ImportRefused("unsupported", "这不是文本文件（含有二进制内容），可导入的格式：.docx、.pdf、.txt、.md。"
                            + hint, filename)
    if suffix in (".html", ".htm", ".mht", ".mhtml"):
        raise ImportRefused("unsupported", "不支持网页文件，请在浏览器中打开后把正文复制到记事本，另存为 .txt 再导入。", filename)
    if suffix and suffix not in TEXT_SUFFIXES:
        # a program, script or unknown format whose bytes happen to look like text
        raise ImportRefused("unsupported", f"不支持 {suffix} 文件，可导入的格式：.docx、.pdf、.txt、.md。", filename)
    return "md" if suffix in (".md", ".markdown") else "txt"


def check_zip(data: bytes, filename: str, max_unzipped: int, max_entries: int) -> None:
    """Refuse a .docx whose declared uncompressed size or entry count is out of bounds.

    zipfile never inflates an entry past its declared size (it raises on a mismatch), so the
    declared sizes bound what python-docx can allocate.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused("broken", "Word 文件已损坏，无法打开。", filename)
    if len(entries) > max_entries:
        raise ImportRefused("zip_bomb", f"Word 文件内部包含 {len(entries)} 个部件，超过上限 {max_entries}，"
                            "疑似恶意文件，已拒绝。", filename)
    total = sum(max(e.file_size, 0) for e in entries)
    if total > max_unzipped:
        raise ImportRefused("zip_bomb", f"Word 文件解压后有 {total // 1048576} MB，超过上限 "
                            f"{max_unzipped // 1048576} MB，疑似恶意文件（压缩炸弹），已拒绝。", filename)
