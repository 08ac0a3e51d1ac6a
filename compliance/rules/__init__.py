"""Gap rules: pure functions over a loaded register. No database access here."""

from .base import DISCLAIMER, REGISTRY, Hit, RaisedFinding
from .context import RuleContext
from .engine import evaluate

__all__ = ["DISCLAIMER", "REGISTRY", "Hit", "RaisedFinding", "RuleContext", "evaluate"]
