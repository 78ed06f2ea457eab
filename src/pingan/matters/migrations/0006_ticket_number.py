"""The hotline ticket number of a matter, unique per channel when given."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matters", "0005_api_keys_to_accounts")]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="ticket_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="hotline ticket number"),
        ),
        migrations.AddConstraint(
            model_name="matter",
            constraint=models.UniqueConstraint(
                condition=~models.Q(ticket_number=""),
                fields=("channel", "ticket_number"),
                name="matters_ticket_unique_per_channel",
            ),
        ),
    ]
