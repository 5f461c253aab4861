"""Retention limit (Ley 29733): appointments can be anonymized; an anonymized one has no e-mail or phone left and
no longer counts as its (cleared) document's active booking."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_slot_booking_window")]

    operations = [
        migrations.RemoveConstraint(model_name="appointment", name="appointment_one_active_per_document_procedure"),
        migrations.RemoveConstraint(model_name="appointment", name="appointment_has_email_or_phone"),
        migrations.AddField(
            model_name="appointment",
            name="anonymized_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymized at"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("anonymized_at__isnull", True), ("status", "booked")),
                fields=("document_type", "document_number", "procedure"),
                name="appointment_one_active_per_document_procedure",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("anonymized_at__isnull", False),
                    models.Q(("email", ""), ("phone", ""), _negated=True),
                    _connector="OR",
                ),
                name="appointment_has_email_or_phone",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("anonymized_at__isnull", True),
                    models.Q(
                        ("cancel_reason", ""), ("document_number", ""), ("email", ""), ("full_name", ""), ("phone", "")
                    ),
                    _connector="OR",
                ),
                name="appointment_anonymized_has_no_personal_data",
            ),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=models.Q(("anonymized_at__isnull", True)),
                fields=["slot"],
                name="appointment_unpurged_slot",
            ),
        ),
    ]
