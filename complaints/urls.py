from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_new, name="new"),
    path("presentado/<str:code>/", views.complaint_filed, name="filed"),
    path("consulta/", views.complaint_lookup, name="lookup"),
]
