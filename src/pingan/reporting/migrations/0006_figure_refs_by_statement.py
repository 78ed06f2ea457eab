"""On PostgreSQL, the references of figures are checked once per statement (see `pingan.reporting.figure_refs`)."""

from django.db import migrations

from pingan.reporting import figure_refs


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_submission_comments"), ("units", "0001_initial")]

    operations = [migrations.RunPython(figure_refs.install, figure_refs.uninstall)]
