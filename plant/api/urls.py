"""The plant's master data under /api/v1/."""

from rest_framework.routers import DefaultRouter

from plant.api import views

router = DefaultRouter()
router.register("plants", views.PlantViewSet, basename="plant")
router.register("work-centres", views.WorkCentreViewSet, basename="work-centre")
router.register("machines", views.MachineViewSet, basename="machine")
router.register("product-families", views.ProductFamilyViewSet, basename="product-family")
router.register("items", views.ItemViewSet, basename="item")
router.register("routings", views.RoutingViewSet, basename="routing")
router.register("changeovers", views.ChangeoverViewSet, basename="changeover")
router.register("shift-patterns", views.ShiftPatternViewSet, basename="shift-pattern")
router.register(
    "calendar-exceptions", views.CalendarExceptionViewSet, basename="calendar-exception"
)
router.register("overtime-offers", views.OvertimeOfferViewSet, basename="overtime-offer")

urlpatterns = router.urls
