"""URLs of the accounts pages, at the root of the site: sign-in, sign-out, password, accounts."""

from django.urls import path

from pingan.accounts import views

app_name = "accounts"
URL_PREFIX = ""
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("accounts/", views.account_list, name="list"),
    path("accounts/new/", views.account_create, name="create"),
    path("accounts/grant/", views.account_grant, name="grant"),
    path("accounts/revoke/<int:assignment_id>/", views.account_revoke, name="revoke"),
]
