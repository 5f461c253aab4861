"""Reference data: the languages counters and citizens can choose (Ley 29735, Ley 29535)."""

from django.db import migrations

LANGUAGES = [
    ("es", "Español"),
    ("qu", "Quechua"),
    ("ay", "Aimara"),
    ("lsp", "Lengua de señas peruana"),
    ("en", "English"),
]


def forward(apps, schema_editor):
    Language = apps.get_model("centers", "Language")
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
