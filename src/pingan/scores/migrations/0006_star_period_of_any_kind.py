"""A star publication's period may be a month ("2026-10"), a quarter or a year: seven characters."""

from django.db import migrations, models

from pingan.core.triggers import ProtectTable, unprotect_sql


def drop_triggers(apps, schema_editor):
    """SQLite rebuilds the table to alter a column: lift the triggers, ProtectTable restores them."""
    for statement in unprotect_sql(schema_editor.connection.vendor, "scores_starpublication"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scores", "0005_kinds_links_periods")]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="starpublication",
            name="period",
            field=models.CharField(max_length=7, verbose_name="quarter"),
        ),
        ProtectTable("scores_starpublication"),
    ]
