from rest_framework.routers import SimpleRouter

from .views import EntityViewSet, ProcedureViewSet

router = SimpleRouter()
router.register("entities", EntityViewSet, basename="api-entity")
router.register("procedures", ProcedureViewSet, basename="api-procedure")

urlpatterns = router.urls
