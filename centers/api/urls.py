from rest_framework.routers import SimpleRouter

from .views import CenterViewSet, ProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="api-procedure")
router.register("centers", CenterViewSet, basename="api-center")

urlpatterns = router.urls
