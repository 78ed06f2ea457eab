"""Notices read newest first along an index of their time (the matters list and the statistics
show the latest 20 of a province's escalations without sorting them all)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matters", "0010_ticket_keys")]

    operations = [
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["created_at"], name="matters_notice_newest"),
        ),
    ]
