from django.urls import path

from . import views

urlpatterns = [
    path("appointments/availability/", views.AvailabilityView.as_view(), name="api-appointment-availability"),
    path("appointments/slots/", views.SlotsView.as_view(), name="api-appointment-slots"),
    path("appointments/challenge/", views.ChallengeView.as_view(), name="api-appointment-challenge"),
    path("appointments/", views.BookView.as_view(), name="api-appointment-book"),
    path("appointments/lookup/", views.LookupView.as_view(), name="api-appointment-lookup"),
    path("appointments/cancel/", views.CancelView.as_view(), name="api-appointment-cancel"),
    path("appointments/reschedule/", views.RescheduleView.as_view(), name="api-appointment-reschedule"),
]
