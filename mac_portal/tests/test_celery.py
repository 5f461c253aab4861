"""The Celery app: what every publish reads of the configuration is copied once into its first layer."""

from django.conf import settings

from mac_portal.celery import PUBLISH_CONFIGURATION, app


def test_what_a_publish_reads_is_the_settings_and_can_still_be_changed():
    conf = app.conf
    assert set(PUBLISH_CONFIGURATION) <= set(conf.changes)  # read from the first layer, not through Django's
    assert (conf.broker_url, conf.task_always_eager) == (settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER)
    assert conf.task_default_queue == "celery" and conf.broker_pool_acquire_timeout is None
    saved = conf.broker_url
    try:
        conf.update(broker_url="redis://127.0.0.1:1/0")
        assert conf.broker_url == "redis://127.0.0.1:1/0"
    finally:
        conf.update(broker_url=saved)
