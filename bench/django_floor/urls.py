from django.urls import path

from bench.django_floor import views

urlpatterns = [
    path("healthz", views.healthz),
    path("api/v1/connections", views.connections),
    path("api/v1/connections/resolve", views.resolve),
    path("api/v1/connections/<str:pk>", views.connection),
]
