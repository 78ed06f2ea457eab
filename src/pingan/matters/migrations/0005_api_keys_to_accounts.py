"""Open311 API keys move into accounts.ApiCredential (kind "open311"); the ApiKey model goes.

Each key keeps its name, prefix, digest, creation and revocation times, so every key a client
holds goes on working (or stays revoked). Keys get new ids among the credentials.
"""

from django.db import migrations


def keys_to_credentials(apps, schema_editor):
    """Copy every Open311 key into the credentials (creation time set after the insert)."""
    ApiKey = apps.get_model("matters", "ApiKey")
    ApiCredential = apps.get_model("accounts", "ApiCredential")
    for key in ApiKey.objects.order_by("pk"):
        credential = ApiCredential.objects.create(
            kind="open311", user=None, name=key.name, prefix=key.prefix, digest=key.digest
        )
        ApiCredential.objects.filter(pk=credential.pk).update(
            created_at=key.created_at, revoked_at=key.revoked_at
        )


def credentials_to_keys(apps, schema_editor):
    """Undo: the Open311 credentials become ApiKey rows again."""
    ApiKey = apps.get_model("matters", "ApiKey")
    ApiCredential = apps.get_model("accounts", "ApiCredential")
    for credential in ApiCredential.objects.filter(kind="open311").order_by("pk"):
        key = ApiKey.objects.create(
            name=credential.name, prefix=credential.prefix, digest=credential.digest
        )
        ApiKey.objects.filter(pk=key.pk).update(
            created_at=credential.created_at, revoked_at=credential.revoked_at
        )
    ApiCredential.objects.filter(kind="open311").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0004_constraint_names"),
        ("accounts", "0003_api_credential"),
    ]

    operations = [
        migrations.RunPython(keys_to_credentials, credentials_to_keys),
        migrations.DeleteModel(name="ApiKey"),
    ]
