"""Password rules: length, three character classes, not like the username, not common, history of 5."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied

from pingan.accounts.models import PasswordHistory, User
from pingan.accounts.services import change_password, check_password_rules, create_user
from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from tests.conftest import TEST_PASSWORD

SHORT = "This password is too short. It must contain at least 10 characters."
CLASSES = (
    "Your password must use characters from at least 3 of these kinds: lowercase letters, "
    "uppercase letters, digits, other characters."
)
COMMON = "This password is too common."
NUMERIC = "This password is entirely numeric."
LIKE_USERNAME = "The password is too similar to the username."
LIKE_NAME = "The password is too similar to the display name."
REUSED = "Your password must differ from your last 5 passwords."

WEAK = {
    "short1A!": [SHORT],
    "Aa1!": [SHORT],
    "P@ssw0rd": [SHORT, COMMON],
    "alllowercaseletters": [CLASSES],
    "ALLUPPERCASE2026": [CLASSES],
    "12345678901234": [CLASSES, NUMERIC],
    "password1234": [CLASSES, COMMON],
    "qwertyuiop": [CLASSES, COMMON],
    "abcdefghij": [CLASSES, COMMON],
    "Password123": [COMMON],
    "Qwerty123456": [COMMON],
    "zhangwei2026!": [LIKE_USERNAME],
    "Zhangwei@2026": [LIKE_USERNAME],
}


def reasons(password: str, user: User) -> list[str]:
    try:
        check_password_rules(password, user)
    except InputRefused as refused:
        assert {p.column for p in refused.problems} == {"password"}
        return [p.reason for p in refused.problems]
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "expected"), sorted(WEAK.items()))
def test_each_weak_password_is_refused_with_its_reasons(password, expected):
    assert reasons(password, User(username="zhangwei", display_name="Zhang Wei")) == expected


@pytest.mark.django_db
def test_thirteen_weak_passwords_all_refused_and_good_ones_accepted():
    user = User(username="zhangwei", display_name="Zhang Wei")
    assert len(WEAK) == 13
    assert [p for p in WEAK if not reasons(p, user)] == []
    assert reasons("Harbour-lights-77", user) == []
    assert reasons("海港灯火Harbour7", user) == []
    assert reasons("Liuyang-Harbour-7", User(username="x", display_name="Liuyang Harbour")) == [
        LIKE_NAME
    ]


@pytest.mark.django_db
def test_creating_an_account_applies_the_rules_and_writes_nothing(make_user, actor_of):
    security = actor_of(make_user("security_admin"))
    before = (User.objects.count(), AuditRecord.objects.count())
    with pytest.raises(InputRefused) as refused:
        create_user(actor=security, username="zhangwei", password="Zhangwei@2026")
    assert [str(p) for p in refused.value.problems] == ["column password: " + LIKE_USERNAME]
    assert (User.objects.count(), AuditRecord.objects.count()) == before
    user = create_user(actor=security, username="zhangwei", password="Harbour-lights-77")
    assert list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)) == [
        user.password
    ]


@pytest.mark.django_db
def test_none_of_the_last_five_passwords_may_be_chosen_again(rf, make_user, actor_of):
    user = make_user("analyst", username="ana")
    actor = actor_of(user)
    request = rf.post("/password/")
    request.session = SessionStore()
    request.user = user
    chosen = [TEST_PASSWORD] + ["Harbour-lights-%d" % n for n in range(1, 6)]
    for previous, new in itertools.pairwise(chosen):
        change_password(
            request, actor=actor, user=user, current_password=previous, new_password=new
        )
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for old in chosen[1:]:
        with pytest.raises(InputRefused) as refused:
            change_password(
                request, actor=actor, user=user, current_password=chosen[-1], new_password=old
            )
        assert [p.reason for p in refused.value.problems] == [REUSED]
    # The sixth-newest has dropped out of the history and may be chosen again.
    change_password(
        request, actor=actor, user=user, current_password=chosen[-1], new_password=TEST_PASSWORD
    )
    assert (
        AuditRecord.objects.filter(event="accounts.password.change", actor_id=user.pk).count() == 6
    )


@pytest.mark.django_db
def test_changing_a_password_needs_the_current_one_and_only_ones_own(rf, make_user, actor_of):
    user, other = make_user("analyst", username="ana"), make_user("analyst", username="bo")
    request = rf.post("/password/")
    request.session = SessionStore()
    request.user = user
    with pytest.raises(InputRefused) as refused:
        change_password(
            request,
            actor=actor_of(user),
            user=user,
            current_password="not-the-password",
            new_password="Harbour-lights-77",
        )
    assert [str(p) for p in refused.value.problems] == [
        "column current_password: the current password is wrong"
    ]
    with pytest.raises(PermissionDenied):
        change_password(
            request,
            actor=actor_of(user),
            user=other,
            current_password=TEST_PASSWORD,
            new_password="Harbour-lights-77",
        )
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_password_page_changes_the_password_and_shows_the_rules(make_user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    make_user("analyst", username="harbourlights")
    client.post("/login/", {"username": "harbourlights", "password": TEST_PASSWORD})
    page = client.get("/password/")
    assert page.status_code == 200
    assert REUSED in page.content.decode()
    refused = client.post(
        "/password/",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Harbourlights-7",
            "new_password_again": "Harbourlights-7",
        },
    )
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [LIKE_USERNAME]
    differ = client.post(
        "/password/",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Stone-bridge-77",
            "new_password_again": "Stone-bridge-78",
        },
    )
    assert differ.context["form"].errors == {
        "new_password_again": ["The two new passwords differ."]
    }
    done = client.post(
        "/password/",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "Stone-bridge-77",
            "new_password_again": "Stone-bridge-77",
        },
    )
    assert (done.status_code, done["Location"]) == (302, "/")
    assert User.objects.get(username="harbourlights").check_password("Stone-bridge-77")
