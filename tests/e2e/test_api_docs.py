"""The API reference in a real browser: Swagger UI renders under the CSP from this site alone."""

from __future__ import annotations

import pytest

from pingan.api.main import api
from tests.conftest import TEST_PASSWORD


@pytest.mark.django_db(transaction=True)
def test_api_reference_renders_offline_for_a_signed_in_user(page_factory, make_user, binzhou):
    make_user("analyst", username="ana")
    page = page_factory()
    page.go("/api/docs")
    assert page.tab.url.endswith("/login/?next=/api/docs")
    page.login("ana", TEST_PASSWORD)
    page.go("/api/docs")
    page.tab.wait_for_selector(".swagger-ui .info .title")
    assert page.tab.inner_text(".swagger-ui .info .title").startswith("pingan API")
    operations = sum(len(ops) for ops in api.get_openapi_schema()["paths"].values())
    assert page.tab.locator(".opblock").count() == operations > 0
    page.shot("api-docs-1366")
    assert page.errors == []
    assert page.outside == []
