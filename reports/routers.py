"""Database routing for the reports: their reads go to settings.REPORTS_DATABASE (the `replica` alias when
DATABASE_REPLICA_URL is set). The reports' selectors and exports name it explicitly (`reports.db.reports_db`),
since they read other apps' tables; this router covers the reports app's own models. Writes always go to the
primary; `migrate` runs on the primary (the replica follows it by streaming replication)."""

from django.conf import settings


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label == "reports":
            return settings.REPORTS_DATABASE
        return None

    def db_for_write(self, model, **hints):
        return "default" if model._meta.app_label == "reports" else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None
