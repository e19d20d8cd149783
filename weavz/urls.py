from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from weavz.api import views as service_views

urlpatterns = [
    path("healthz", service_views.healthz, name="healthz"),
    path("readyz", service_views.readyz, name="readyz"),
    path("api/v1/", include(settings.API_URLCONF)),
    path("connect/", include("connect.urls")),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "weavz.api.errors.handler400"
handler403 = "weavz.api.errors.handler403"
handler404 = "weavz.api.errors.handler404"
handler500 = "weavz.api.errors.handler500"
