"""On PostgreSQL the matter table is partitioned by the year received (`pingan.matters.partitions`);
the references to matters are checked by statement-level triggers. Nothing changes on SQLite."""

from django.db import migrations

from pingan.matters import partitions


class Migration(migrations.Migration):
    dependencies = [("matters", "0008_scan_indexes")]

    operations = [migrations.RunPython(partitions.partition, partitions.unpartition)]
