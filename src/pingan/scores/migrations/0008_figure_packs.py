"""Approved figures packed as arrays per submission (`pingan.scores.packs`), filled when first read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_figures_partitioned_by_year"),
        ("scores", "0007_compact_explanations"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigurePack",
            fields=[
                (
                    "submission",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="reporting.submission",
                    ),
                ),
                ("codes", models.JSONField(verbose_name="indicator codes")),
                ("units", models.BinaryField(verbose_name="unit ids")),
                ("values", models.BinaryField(verbose_name="values")),
                ("figures", models.BinaryField(verbose_name="figure ids")),
            ],
            options={
                "verbose_name": "packed figures",
                "verbose_name_plural": "packed figures",
            },
        ),
    ]
