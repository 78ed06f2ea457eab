"""Load the built-in catalogue, grades, escalation ladders and policy."""

from django.db import migrations


def load(apps, schema_editor):
    from pingan.matters.defaults import load_defaults

    load_defaults(
        apps.get_model("matters", "CategoryGroup"),
        apps.get_model("matters", "Category"),
        apps.get_model("matters", "Grade"),
        apps.get_model("matters", "LadderStep"),
        apps.get_model("matters", "Policy"),
    )


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
