"""office wing."""
from .importers import SUPPORTED_SUFFIXES, ImportLimits, ImportRefused, convert_bytes
from .importers.guess import structure_plain_text

__all__ = ["SUPPORTED_SUFFIXES", "ImportLimits", "ImportRefused", "convert_bytes", "structure_plain_text"]
