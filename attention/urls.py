from django.urls import path

from . import views

app_name = "attention"

urlpatterns = [
    path("kiosko/<slug:slug>/", views.kiosk, name="kiosk"),
    path("pantalla/<slug:slug>/", views.screen, name="screen"),
    path("pantalla/<slug:slug>/filas/", views.screen_rows, name="screen_rows"),
    path("turno/<str:token>/", views.ticket_status, name="ticket_status"),
    path("turno/<str:token>/imprimir/", views.ticket_print, name="ticket_print"),
    path("turno/<str:token>/cancelar/", views.ticket_cancel, name="ticket_cancel"),
    path("fila/<slug:slug>/", views.remote_join, name="remote_join"),
    path("turno/<str:token>/qr.svg", views.ticket_qr, name="ticket_qr"),
]
