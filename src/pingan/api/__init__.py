"""The JSON API (django-ninja): each app contributes a router from its own `api.py`."""
