"""index wing."""
from .reconcile import Reconciler

__all__ = ["Reconciler"]
