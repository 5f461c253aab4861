from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.TableListView.as_view(), name="api-reports-list"),
    path("reports/<slug:slug>/", views.TableDataView.as_view(), name="api-reports-table"),
]
