"""Make audit records append-only and create the chain head with a fresh chain id."""

import secrets

from django.db import migrations

from pingan.core.triggers import ProtectTable


def create_head(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditHead")
    head_model.objects.create(pk=1, chain_id=secrets.token_hex(16), seq=0, hash="0" * 64)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        ProtectTable("audit_auditrecord"),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
