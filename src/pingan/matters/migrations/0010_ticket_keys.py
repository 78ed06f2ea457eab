"""On PostgreSQL a channel's hotline ticket number is kept unique across years and concurrent
writers by a plain key table (`pingan.matters.partitions.TICKETS`). Nothing changes on SQLite."""

from django.db import migrations

from pingan.matters import partitions


class Migration(migrations.Migration):
    dependencies = [("matters", "0009_matters_partitioned_by_year")]

    operations = [migrations.RunPython(partitions.ticket_keys, partitions.no_ticket_keys)]
