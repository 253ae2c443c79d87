"""The project's URLs: pages per app, the REST API under /api/v1/, admin, health."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from plant.health import healthz, healthz_jobs

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/jobs", healthz_jobs, name="healthz-jobs"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("plant.api.root")),
    # The schema answers a token or a login (SERVE_PERMISSIONS), its docs send a browser to
    # the login page. For the CSP, Swagger UI's start-up script is a file (?script), not
    # inline; both draw icons as data: images, and Redoc searches in a web worker it makes from
    # a blob: URL. Each page allows only what it needs.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(
            csp_update({"img-src": ["data:"]})(
                SpectacularSwaggerSplitView.as_view(url_name="api-schema")
            )
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        login_required(
            csp_update({"img-src": ["data:"], "worker-src": ["blob:"]})(
                SpectacularRedocView.as_view(url_name="api-schema")
            )
        ),
        name="api-redoc",
    ),
    path("", include("scheduling.urls")),
    path("", include("staffing.urls")),
    path("", include("plant.urls")),
]

handler400 = "plant.api.errors.bad_request"
handler404 = "plant.api.errors.not_found"
