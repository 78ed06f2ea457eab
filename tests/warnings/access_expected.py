"""Who may use each action of the warnings pages (an independent statement of intent)."""

OFFICE = {"analyst", "office_head"}
READ_ALL = OFFICE | {"leader"}

EXPECTED = {
    "warnings.view": READ_ALL | {"unit_viewer", "dispatcher"},
    "warnings.acknowledge": OFFICE | {"unit_viewer"},
    "warnings.respond": OFFICE | {"unit_viewer"},
    "warnings.close": OFFICE,
    "warnings.rate": READ_ALL,
    "warnings.export": READ_ALL,
    "warnings.problems_view": READ_ALL | {"unit_viewer"},
    "warnings.problems_open": OFFICE,
    "warnings.problems_note": OFFICE | {"unit_viewer"},
    "warnings.problems_resolve": OFFICE,
}
