"""corpus wing."""
from .yamlread import load_yaml

__all__ = ["load_yaml"]
