"""gunicorn.conf.py: one access log (the proxy's), and a worker freezes what it loaded, once it has loaded it."""

import gc
import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_proxy_keeps_the_access_log_and_gunicorn_writes_one_only_when_asked(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] is None
    proxy = (ROOT / "deploy" / "nginx.conf").read_text()
    log_format = re.search(r"^log_format mac (.+?);$", proxy, flags=re.MULTILINE | re.DOTALL)[1]
    assert "$uri" in log_format and "$request " not in log_format and "$args" not in log_format  # no query strings
    assert "$upstream_response_time" in log_format  # gunicorn's time for the request
    assert proxy.count("access_log /dev/stdout mac;") >= 1

    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["accesslog"] == "-"
    assert "%(U)s" in conf["access_log_format"]  # the path without its query string
    assert not {"%(r)s", "%(q)s", "%(f)s"} & set(re.findall(r"%\(\w\)s", conf["access_log_format"]))


def test_a_worker_moves_its_loaded_application_out_of_the_collectors_reach():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
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
