"""common.staticfiles.StaticFilesStorage: the manifest's URLs, each computed once per process."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from common.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    settings.STATIC_URL = "/static/"
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_url_is_the_manifests_and_is_computed_once(storage, monkeypatch):
    computed = []
    original = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(
        CompressedManifestStaticFilesStorage, "url", lambda self, *args: computed.append(args) or original(self, *args)
    )

    assert storage.url("css/site.css") == storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert len(computed) == 1


def test_a_name_the_manifest_lacks_is_still_an_error(storage):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")
    with pytest.raises(ValueError):
        storage.url("css/missing.css")  # not kept as an answer


def test_with_debug_or_force_nothing_is_kept(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"  # unhashed, as Django serves it in DEBUG
    settings.DEBUG = False
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css", force=True) == "/static/css/site.0123abcd.css"
