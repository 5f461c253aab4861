from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("gracias/", views.thanks, name="thanks"),
    path("centro/<slug:slug>/", views.tablet, name="tablet"),
    path("<str:token>/", views.respond, name="respond"),
    path("<str:token>/baja/", views.opt_out, name="opt_out"),
]
