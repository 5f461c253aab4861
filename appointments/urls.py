from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("nueva/", views.booking_new, name="new"),
    path("nueva/datos/", views.booking_details, name="details"),
    path("nueva/revisar/<str:token>/", views.booking_review, name="review"),
    path("nueva/reservar/", views.booking_book, name="book"),
    path("confirmacion/<str:code>/", views.booking_confirmation, name="confirmation"),
    path("gestionar/", views.manage_lookup, name="manage"),
    path("gestionar/acceso/", views.manage_link, name="manage_link"),
    path("gestionar/<str:code>/", views.manage_detail, name="manage_detail"),
    path("gestionar/<str:code>/anular/", views.manage_cancel, name="cancel"),
    path("gestionar/<str:code>/cambiar/", views.manage_reschedule, name="reschedule"),
    path("gestionar/<str:code>/cita.ics", views.appointment_ics_download, name="ics"),
    path("gestionar/<str:code>/qr.png", views.appointment_qr_download, name="qr"),
]
