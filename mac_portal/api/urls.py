from django.urls import include, path

urlpatterns = [
    path("", include("procedures.api.urls")),
    path("", include("centers.api.urls")),
    path("", include("appointments.api.urls")),
    path("", include("attention.api.urls")),
    path("", include("reports.api.urls")),
]
