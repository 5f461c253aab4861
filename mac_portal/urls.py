from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from centers import views as center_views

from . import views

# The catalog pages combine procedures with where they are offered, so their views live in centers.
catalog_urlpatterns = [
    path("", center_views.procedure_list, name="list"),
    path("<slug:slug>/", center_views.procedure_detail, name="detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tramites/", include((catalog_urlpatterns, "procedures"))),
    path("centros/", include("centers.urls")),
    path("citas/", include("appointments.urls")),
    path("encuesta/", include("surveys.urls")),
    path("reclamos/", include("complaints.urls")),
    path("", include("attention.urls")),
    path("reportes/", include("reports.urls")),
    path("api/v1/", include("mac_portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's configuration as a script file (?script): no inline script (CSP); the page
    # is our templates/drf_spectacular/swagger_ui.html (a language, a heading, styles from a static file).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Two-factor pages of the admin (before the admin's own catch-all patterns).
    path("admin/otp/", include("mac_portal.staff.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "mac_portal.views.page_not_found"
handler500 = "mac_portal.views.server_error"

admin.site.site_header = "MAC Portal"
admin.site.site_title = "MAC Portal"
