from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("verify/", views.otp_verify, name="otp-verify"),
    path("enrol/", views.otp_enrol, name="otp-enrol"),
]
