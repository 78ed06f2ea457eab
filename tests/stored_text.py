"""Control characters that a database can hold, for tests of text stored before input checks.

SQLite keeps a NUL inside text; PostgreSQL refuses it (text fields cannot contain 0x00), so
there the same tests store another C0 control character that output must drop just the same.
"""

from django.db import connection

STORED_NUL = "\x00" if connection.vendor == "sqlite" else "\x02"
