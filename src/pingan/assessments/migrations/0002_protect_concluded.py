"""A concluded assessment, and every row belonging to it, can be neither changed nor deleted.

The completions of measures and the notices of the follow-up are append-only from the start.
"""

from django.db import migrations

from pingan.core.triggers import ProtectChildren, ProtectTable

CHILDREN = (
    "assessments_affectedunit",
    "assessments_finding",
    "assessments_risk",
    "assessments_measure",
    "assessments_consultation",
    "assessments_attachment",
)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        ProtectTable("assessments_assessment", locked_column="concluded"),
        *(
            ProtectChildren(
                table,
                parent="assessments_assessment",
                column="assessment_id",
                locked_column="concluded",
            )
            for table in CHILDREN
        ),
        ProtectTable("assessments_completion"),
        ProtectTable("assessments_notice"),
    ]
