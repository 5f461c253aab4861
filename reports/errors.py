"""Refusals of the reports app."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput

__all__ = ["ImportRejected", "InvalidInput", "ReportsUnavailable", "UnknownReport"]


class ImportRejected(DomainError):
    """A historic-attentions file with bad rows (nothing was imported)."""

    code = "import_rejected"
    status = 400
    default_message = _("The file has invalid rows; nothing was imported.")

    def __init__(self, *, errors: list[tuple[int, str]], total: int):
        self.errors = errors
        self.total = total
        super().__init__()


class UnknownReport(DomainError):
    code = "not_found"
    status = 404
    default_message = _("There is no such report.")


class ReportsUnavailable(DomainError):
    """The reports database is not PostgreSQL (the demo portal's SQLite): the indicators' SQL is PostgreSQL's."""

    code = "reports_unavailable"
    status = 503
    default_message = _(
        "The reports need PostgreSQL, the production database, and this portal runs on another one (the demo's "
        "SQLite). Set DATABASE_URL to a PostgreSQL database to see them."
    )
