"""PostgreSQL only: a Spanish text search configuration that ignores accents, and a GIN index using it."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'es_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
            ALTER TEXT SEARCH CONFIGURATION es_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
        END IF;
    END $$
    """,
    # Same expression as SearchVector("search_document", config="es_unaccent") compiles to.
    """
    CREATE INDEX IF NOT EXISTS procedure_search_gin ON procedures_procedure
        USING gin (to_tsvector('es_unaccent'::regconfig, COALESCE(search_document, '')))
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS procedure_search_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS es_unaccent",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
