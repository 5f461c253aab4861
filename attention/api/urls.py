from django.urls import path

from . import views

urlpatterns = [
    path("attention/centers/<slug:slug>/tickets/", views.IssueView.as_view(), name="api-attention-issue"),
    path("attention/centers/<slug:slug>/check-ins/", views.CheckInView.as_view(), name="api-attention-check-in"),
    path("attention/centers/<slug:slug>/screen/", views.ScreenView.as_view(), name="api-attention-screen"),
    path("attention/counter/call-next/", views.CallNextView.as_view(), name="api-attention-call-next"),
    path("attention/tickets/<int:ticket_id>/recall/", views.RecallView.as_view(), name="api-attention-recall"),
    path("attention/tickets/<int:ticket_id>/start/", views.StartView.as_view(), name="api-attention-start"),
    path("attention/tickets/<int:ticket_id>/finish/", views.FinishView.as_view(), name="api-attention-finish"),
    path("attention/tickets/<int:ticket_id>/transfer/", views.TransferView.as_view(), name="api-attention-transfer"),
]
