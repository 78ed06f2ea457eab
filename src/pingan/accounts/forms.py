"""Forms of the accounts pages: sign-in, password change, new account, role grant."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingan.accounts.models import RoleAssignment, User
from pingan.core.access.roles import Role
from pingan.core.bilingual import local_label
from pingan.core.text import validate_single_line


class LoginForm(forms.Form):
    """Username and password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class NewUserForm(forms.Form):
    """A new account."""

    username = forms.RegexField(
        label=_("Username"), regex=r"^[A-Za-z0-9_.-]{3,150}$", max_length=150
    )
    display_name = forms.CharField(
        label=_("Display name"), max_length=100, required=False, validators=[validate_single_line]
    )
    # The password rules (settings.AUTH_PASSWORD_VALIDATORS) are applied by the service, which
    # knows the username they are compared with.
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    """One's own password: the current one and the new one twice."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        """Both copies of the new password must agree."""
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data

    @staticmethod
    def rules() -> list[str]:
        """The password rules, as shown beside the form."""
        return list(password_validators_help_texts())


def scope_choice(field: str, label: Any, *order_by: str) -> forms.ModelChoiceField[models.Model]:
    """An optional choice among the objects a role assignment's `field` points at.

    The reporting bodies and units are read through the relation of `RoleAssignment`, so the
    accounts app does not import the apps that own them.
    """
    related = RoleAssignment._meta.get_field(field).related_model
    assert isinstance(related, type) and issubclass(related, models.Model)
    queryset = related._default_manager.all()
    if order_by:
        queryset = queryset.order_by(*order_by)
    choice = forms.ModelChoiceField(label=label, queryset=queryset, required=False)
    choice.label_from_instance = local_label  # type: ignore[method-assign]
    return choice


class GrantRoleForm(forms.Form):
    """A role for a user, with its body or unit when the role needs one."""

    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.order_by("username"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    body = scope_choice("body", _("Reporting body"))
    unit = scope_choice("unit", _("Unit"), "code")
