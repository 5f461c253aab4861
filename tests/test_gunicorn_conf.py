"""gunicorn.conf.py: a worker freezes what it loaded, once it has loaded it."""

import gc
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_moves_its_loaded_application_out_of_the_collectors_reach():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["accesslog"] == "-" and "%(U)s" in conf["access_log_format"]
    before = gc.get_freeze_count()
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_an_exiting_worker_publishes_the_scans_it_was_asked_for(monkeypatch, settings):
    from common import nudges

    published: list[str] = []
    nudger = nudges.Nudger(published.append)
    monkeypatch.setattr(nudges, "_nudger", nudger)
    settings.NUDGE_INTERVAL_SECONDS = 3600
    nudger.note("a")
    assert nudger.flush(timeout=10)  # published, then the hour's pause begins
    nudger.note("b")  # asked for during the pause

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["worker_exit"](server=None, worker=None)

    assert published == ["a", "b"]
