"""Extract the text layer of a PDF; refuse PDFs whose text cannot be decoded (scans, no ToUnicode).

Runs inside the import worker process (see ``worker.py``); imports pypdf lazily.
"""
from __future__ import annotations

import io
import re
import unicodedata

from .errors import ImportRefused

NO_TEXT = ("这个 PDF 没有可识别的文字层（可能是扫描件或图片，或字体未嵌入编码表），无法提取正文。"
           "请向发文单位索取 Word 文件（.docx）后再导入。")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def pdf_text(data: bytes) -> str:
    """Return the text of every page, or raise ImportRefused (encrypted, broken, no text layer)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy PDFs are noise here
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ImportRefused("encrypted", "PDF 设置了打开密码，无法读取。请提供未加密的文件或 Word 文件。")
            except (NotImplementedError, PdfReadError):
                raise ImportRefused("encrypted", "PDF 已加密，无法读取。请提供未加密的文件或 Word 文件。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportRefused:
        raise
    except Exception:  # pypdf raises many types on damaged files; none may reach the user raw
        raise ImportRefused("broken", "PDF 文件已损坏，无法读取。请重新导出 PDF，或提供 Word 文件（.docx）。")
    text = "\n".join(pages).replace("\x00", "")
    check_text_layer(text)
    return text


def check_text_layer(text: str) -> None:
    """Raise ImportRefused when extracted text is missing or undecodable glyph garbage."""
    if "(cid:" in text:
        raise ImportRefused("no_text", NO_TEXT)
    visible = [c for c in text if not c.isspace()]
    if len(visible) < 20:
        raise ImportRefused("no_text", NO_TEXT)
    bad = sum(1 for c in visible if c == "\ufffd" or unicodedata.category(c) in ("Co", "Cc", "Cs", "Cn"))
    if bad > len(visible) * 0.05:
        raise ImportRefused("no_text", NO_TEXT)
    readable = sum(1 for c in visible if _CJK_RE.match(c) or c.isascii() and c.isalnum())
    if readable < len(visible) * 0.5:
        raise ImportRefused("no_text", NO_TEXT)
