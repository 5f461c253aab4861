from rest_framework.routers import SimpleRouter

from .views import EntityViewSet

router = SimpleRouter()
router.register("entities", EntityViewSet, basename="api-entity")

urlpatterns = router.urls
