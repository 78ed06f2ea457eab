"""A bulletin's period may be a month ("2026-10"), a quarter or a year: seven characters."""

from django.db import migrations, models

from pingan.core.triggers import ProtectTable, unprotect_sql


def drop_triggers(apps, schema_editor):
    """SQLite rebuilds the table to alter a column: lift the triggers, ProtectTable restores them."""
    for statement in unprotect_sql(schema_editor.connection.vendor, "bulletins_bulletin"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0003_own_text")]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bulletin",
            name="period",
            field=models.CharField(db_index=True, max_length=7, verbose_name="quarter"),
        ),
        ProtectTable("bulletins_bulletin", locked_column="issued"),
    ]
