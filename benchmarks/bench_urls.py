"""The project's URLs plus /bench/trivial/: the cheapest Django response, through the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mac_portal import urls as project_urls


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500
