"""Figures carry the year of their month; on PostgreSQL the table is partitioned by it (`pingan.reporting.partitions`)."""

from django.db import migrations, models

from pingan.reporting import partitions


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_figure_refs_by_statement")]

    operations = [
        migrations.AddField(
            model_name="figure",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.RunPython(partitions.partition, partitions.unpartition),
    ]
