"""Helpers of the browser tests: page weight and axe-core checks."""

import gzip
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, Response

LIMA = ZoneInfo("America/Lima")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What a citizen downloads on first load and we count against the weight budget (images and fonts aside).
WEIGHED_RESOURCE_TYPES = {"document", "stylesheet", "script"}


class PageLoad:
    """A cold page load: the main response, the gzip-compressed weight of HTML + CSS + JS, and broken assets."""

    def __init__(self, page: Page, url: str) -> None:
        self.weights: dict[str, int] = {}
        self.broken: list[str] = []
        page.on("response", self._weigh)
        try:
            response = page.goto(url, wait_until="load")
        finally:
            page.remove_listener("response", self._weigh)
        assert response is not None, url
        self.response = response

    def _weigh(self, response: Response) -> None:
        if response.request.resource_type not in WEIGHED_RESOURCE_TYPES:
            return
        if response.request.resource_type != "document" and not response.ok:
            self.broken.append(f"{response.status} {response.url}")
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect has no body to weigh
            body = b""
        self.weights[response.url] = len(gzip.compress(body, compresslevel=6))

    @property
    def weight(self) -> int:
        return sum(self.weights.values())

    def weight_report(self) -> str:
        return ", ".join(f"{url.rsplit('/', 1)[-1] or url}: {size / 1024:.1f} KB" for url, size in self.weights.items())


def axe_violations(page: Page) -> list[str]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as rendered, one readable line each."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    assert result["passes"], "axe-core checked no rule at all: is the page empty?"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(json.dumps(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
