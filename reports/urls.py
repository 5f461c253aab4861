from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("atenciones.csv", views.attentions_export, name="attentions_csv"),
    path("boletin/<slug:center>/<int:year>/", views.bulletin, name="bulletin"),
    path("boletin/<slug:center>/<int:year>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
    re_path(r"^(?P<slug>[-a-z0-9]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
