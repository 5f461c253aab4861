from rest_framework.routers import SimpleRouter

from .views import CenterViewSet

router = SimpleRouter()
router.register("centers", CenterViewSet, basename="api-center")

urlpatterns = router.urls
