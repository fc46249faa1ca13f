"""Convert office files (.docx, .pdf, .txt, .md) into a draft document for review.

The type is decided by content, not by the file name; every file is parsed in a subprocess
under a time and memory budget, after cheap checks (size, zip entries) refuse hostile files.
"""
from .convert import ImportLimits, WorkerSession, convert_bytes, convert_file
from .draft import Draft
from .errors import ImportRefused
from .sniff import SUPPORTED_SUFFIXES, sniff
from .text import ENCODINGS, OFFERED_ENCODINGS, encoding_codec

__all__ = ["Draft", "ImportLimits", "WorkerSession", "ImportRefused", "convert_bytes", "convert_file", "sniff",
           "SUPPORTED_SUFFIXES", "ENCODINGS", "OFFERED_ENCODINGS", "encoding_codec"]
