"""Helpers of the browser tests: page weight, axe-core and Content-Security-Policy checks, two-step codes."""

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, Response

LIMA = ZoneInfo("America/Lima")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What a citizen downloads on first load and we count against the weight budget (images and fonts aside).
WEIGHED_RESOURCE_TYPES = {"document", "stylesheet", "script"}
WEIGHT_BUDGET_BYTES = 100 * 1024
# Runs before any script of the page (DevTools' init script, outside the page's policy): `page.add_init_script`.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


def csp_violations(page: Page) -> list[str]:
    """The Content-Security-Policy violations the page reported since it loaded (CSP_LISTENER must be installed)."""
    return page.evaluate("window.__cspViolations || []")


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app of `device` shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


class PageLoad:
    """A cold page load: the main response, the gzip-compressed weight of HTML + CSS + JS, and broken assets.

    `PageLoad(page, url)` goes to `url`; `PageLoad(page, url, action=...)` weighs the navigation the action starts
    instead (a click on a form's button), `url` then only names the page in messages.
    """

    def __init__(self, page: Page, url: str, *, action: Callable[[], object] | None = None) -> None:
        self.weights: dict[str, int] = {}
        self.broken: list[str] = []
        # Only collected while loading: a handler that waited for a body there would miss the responses arriving
        # meanwhile (the weight then left out CSS files), so the bodies are read once the page has loaded.
        responses: list[Response] = []

        def collect(response: Response) -> None:
            responses.append(response)

        page.on("response", collect)
        try:
            if action is None:
                response = page.goto(url, wait_until="load")
            else:
                with page.expect_navigation(wait_until="load") as navigation:
                    action()
                response = navigation.value
        finally:
            page.remove_listener("response", collect)
        assert response is not None, url
        self.response = response
        for loaded in responses:
            self._weigh(loaded)

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
    # Evaluated through the DevTools protocol, not added as an inline <script>: the pages' Content-Security-Policy
    # (no inline script) would block that, as it should.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    assert result["passes"], "axe-core checked no rule at all: is the page empty?"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(json.dumps(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def page_problems(page: Page, load: PageLoad, name: str, *, status: int = 200) -> list[str]:
    """What a citizen would stumble on in a loaded page, one line each: another status than `status`, assets
    that did not load, no language or title, more than WEIGHT_BUDGET_BYTES (gzip) on first load, WCAG 2.1 A/AA
    violations."""
    problems = []
    if load.response.status != status:
        problems.append(f"{name}: {load.response.url} answered {load.response.status}, not {status}")
    if load.broken:
        problems.append(f"{name}: assets that did not load: {load.broken}")
    if not page.locator("html").get_attribute("lang", timeout=1000):
        problems.append(f"{name}: the page does not declare its language")
    if not page.title().strip():
        problems.append(f"{name}: the page has no title")
    if load.weight >= WEIGHT_BUDGET_BYTES:
        problems.append(
            f"{name}: first load weighs {load.weight / 1024:.1f} KB gzip (budget {WEIGHT_BUDGET_BYTES // 1024} KB): "
            + load.weight_report()
        )
    problems += [f"{name}: WCAG 2.1 A/AA violation: {violation}" for violation in axe_violations(page)]
    return problems
