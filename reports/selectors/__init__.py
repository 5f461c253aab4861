"""Reads of the reports app: indicators, the attentions export, who may read what."""

from .access import report_center_ids, report_sees_all
from .filters import FILTER_LABELS, ReportFilters

__all__ = ["FILTER_LABELS", "ReportFilters", "report_center_ids", "report_sees_all"]
