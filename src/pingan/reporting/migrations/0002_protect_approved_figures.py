"""Approved figures are immutable: triggers refuse UPDATE and DELETE of locked rows."""

from django.db import migrations

from pingan.core.triggers import ProtectTable


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [ProtectTable("reporting_figure", locked_column="is_locked")]
