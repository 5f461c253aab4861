"""Writes of the reports app: historic imports and synthetic data."""

from .generation import SEED_2016, GenerationResult, attentions_generate
from .imports import COLUMNS, ImportResult, attentions_import
from .summary import daily_counts_refresh, daily_counts_refresh_recent

__all__ = [
    "COLUMNS",
    "SEED_2016",
    "GenerationResult",
    "ImportResult",
    "attentions_generate",
    "attentions_import",
    "daily_counts_refresh",
    "daily_counts_refresh_recent",
]
