"""Load the built-in catalogue, grades, escalation ladders and policy."""

from django.db import migrations


def load(apps, schema_editor):
    from pingan.cases.defaults import load_defaults

    load_defaults(
        apps.get_model("cases", "CategoryGroup"),
        apps.get_model("cases", "Category"),
        apps.get_model("cases", "Grade"),
        apps.get_model("cases", "LadderStep"),
        apps.get_model("cases", "Policy"),
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
