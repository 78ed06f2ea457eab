"""URLs of the shell."""

from django.urls import path

from pingan.web import views

app_name = "web"
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("audit/", views.audit_log, name="audit_log"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/grant/", views.account_grant, name="account_grant"),
    path("accounts/revoke/<int:assignment_id>/", views.account_revoke, name="account_revoke"),
]
