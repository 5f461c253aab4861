"""Project-wide views: home page, health check and error pages."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from centers.selectors import center_list
from centers.views import center_rows
from common.cache import fallback_count
from common.errors import NotFound
from common.pagecache import CSRF_PLACEHOLDER, cached_page
from procedures.selectors import procedure_most_demanded
from procedures.services import CATALOG_CACHE


def _home_page(request: HttpRequest) -> HttpResponse:
    context = {"most_demanded": procedure_most_demanded(limit=6), "center_rows": center_rows(center_list())}
    return render(request, "home.html", context | {"csrf_token": CSRF_PLACEHOLDER})


@gzip_page  # a catalog page: see centers.views on caching, compression and BREACH
def home(request: HttpRequest) -> HttpResponse:
    return cached_page(request, namespace=CATALOG_CACHE, build=_home_page, per_minute=True)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database (and Redis, when configured) reachability: 200 when all answer, 503 otherwise; and how many cache
    calls this process served from its local fallback while Redis did not answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", timeout=5)
            checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error: no echo"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks, "cache_fallbacks": fallback_count()}
    return JsonResponse(body, status=200 if healthy else 503)


def _api(request: HttpRequest) -> bool:
    """A request to the API, whose clients read every error in the one shape (common.errors), HTML never."""
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):  # an address no route matches (a slug with characters a slug cannot have, say)
        return JsonResponse(NotFound().as_dict(), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no database: whatever broke must not break the error page too.
    if _api(request):
        body = {"code": "server_error", "detail": _("Something went wrong on our side")}
        return JsonResponse(body, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
