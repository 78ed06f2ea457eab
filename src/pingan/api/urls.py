"""API URLs."""

from django.urls import path

from pingan.api.main import api

urlpatterns = [path("", api.urls)]
