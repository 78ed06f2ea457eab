"""The accounts pages: sign-in and out, one's own password, and accounts with their roles."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingan.accounts import services as account_services
from pingan.accounts.forms import GrantRoleForm, LoginForm, NewUserForm, PasswordChangeForm
from pingan.accounts.selectors import role_assignment, users_with_roles
from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import public, requires
from pingan.core.access.roles import Role
from pingan.core.refusals import refusals_as_form_errors, refusals_as_messages


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with username and password; five failures lock the username for 30 minutes."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = account_services.sign_in(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or "web:home")
        form.add_error(None, _("Wrong username or password, or the account is locked."))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
@requires("session.end")
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out."""
    account_services.sign_out(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@requires("password.change")
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the rules and the last five passwords are checked."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_as_form_errors(form, reasons_only=True) as outcome:
            account_services.change_password(
                request,
                actor=actor_from_request(request),
                user=request.user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        if outcome.ok:
            messages.success(request, _("Your password was changed."))
            return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form, "rules": form.rules()})


@requires("accounts.view")
def account_list(request: HttpRequest) -> HttpResponse:
    """Users and their roles, with forms to add a user and grant a role (security administrator)."""
    return render(
        request,
        "accounts/list.html",
        {
            "users": users_with_roles(actor=actor_from_request(request)),
            "new_user_form": NewUserForm(),
            "grant_form": GrantRoleForm(),
            "roles": Role,
        },
    )


@require_POST
@requires("accounts.manage")
def account_create(request: HttpRequest) -> HttpResponse:
    """Create a user from the accounts page."""
    form = NewUserForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request) as outcome:
            account_services.create_user(actor=actor_from_request(request), **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The account was created."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("accounts:list")


@require_POST
@requires("accounts.manage")
def account_grant(request: HttpRequest) -> HttpResponse:
    """Grant a role from the accounts page."""
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusals_as_messages(request) as outcome:
            account_services.grant_role(
                actor=actor_from_request(request),
                user=data["user"],
                role=data["role"],
                body_id=data["body"].pk if data["body"] else None,
                unit_id=data["unit"].pk if data["unit"] else None,
            )
        if outcome.ok:
            messages.success(request, _("The role was granted."))
    return redirect("accounts:list")


@require_POST
@requires("accounts.manage")
def account_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Revoke a role from the accounts page."""
    assignment = role_assignment(actor=actor_from_request(request), assignment_id=assignment_id)
    if assignment is None:
        raise Http404
    account_services.revoke_role(actor=actor_from_request(request), assignment=assignment)
    messages.success(request, _("The role was revoked."))
    return redirect("accounts:list")
