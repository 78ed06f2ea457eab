"""Closed warnings, their signals, steps and notices, and progress notes are immutable."""

from django.db import migrations

from pingan.core.triggers import ProtectTable


class Migration(migrations.Migration):
    dependencies = [("warnings", "0001_initial")]

    operations = [
        ProtectTable("warnings_warning", locked_column="closed"),
        ProtectTable("warnings_warningsignal"),
        ProtectTable("warnings_warningstep"),
        ProtectTable("warnings_warningnotice"),
        ProtectTable("warnings_problemnote"),
    ]
