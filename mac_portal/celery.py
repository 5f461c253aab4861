"""Celery application: configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mac_portal.settings.dev")

app = Celery("mac_portal", task_cls="common.celery:Task", amqp="common.celery:AMQP")
app.config_from_object("django.conf:settings", namespace="CELERY")

# What every publish reads of the configuration, copied once into its first layer: a look-up that falls through to
# Django's settings tries three spellings of the name there, each a failed getattr (a fifth of a publish's CPU:
# 0.24 → 0.19 ms, benchmarks/README.md). Later `app.conf.update` calls still override them.
PUBLISH_CONFIGURATION = (
    "task_always_eager",
    "broker_url",
    "broker_write_url",
    "task_default_queue",
    "task_send_sent_event",
    "broker_pool_acquire_timeout",
)


@app.on_after_configure.connect
def _publish_configuration_pin(sender, source, **kwargs) -> None:
    source.update({name: source[name] for name in PUBLISH_CONFIGURATION})


app.autodiscover_tasks()
