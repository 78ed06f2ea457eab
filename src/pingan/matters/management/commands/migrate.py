"""`migrate`, first adopting a database made while the matters app was called `cases`."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from pingan.matters.upgrade import adopt_former_label


class Command(MigrateCommand):
    """Django's `migrate`, preceded by the rename of the former `cases` tables and rows."""

    def handle(self, *args: Any, **options: Any) -> None:
        """Adopt the former app label on the chosen database, then migrate as usual."""
        connection = connections[options["database"]]
        renamed = adopt_former_label(connection)
        if renamed and options["verbosity"] >= 1:
            self.stdout.write(
                "Renamed %d tables of the former app 'cases' to 'matters'." % len(renamed)
            )
        super().handle(*args, **options)
