"""Personal API tokens become API credentials with a kind (personal token or Open311 key).

Every existing row is a personal token. The Open311 keys of the matters app move in with a
migration of that app.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_password_history_ended_sessions")]

    operations = [
        migrations.RenameModel("ApiToken", "ApiCredential"),
        migrations.AlterModelOptions(
            name="apicredential",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "API credential",
                "verbose_name_plural": "API credentials",
            },
        ),
        migrations.AddField(
            model_name="apicredential",
            name="kind",
            field=models.CharField(
                choices=[("personal", "personal API token"), ("open311", "Open311 API key")],
                default="personal",
                max_length=16,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="apicredential",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="apicredential",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.AlterField(
            model_name="apicredential",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_credentials",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="apicredential",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "personal"), ("user__isnull", False)),
                    models.Q(("kind", "open311"), ("user__isnull", True)),
                    _connector="OR",
                ),
                name="accounts_credential_user_by_kind",
            ),
        ),
    ]
