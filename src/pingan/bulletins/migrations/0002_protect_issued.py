"""Issued bulletins can be neither updated nor deleted (drafts can)."""

from django.db import migrations

from pingan.core.triggers import ProtectTable


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]

    operations = [ProtectTable("bulletins_bulletin", locked_column="issued")]
