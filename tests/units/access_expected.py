"""Who may reach the units pages."""

EXPECTED = {
    "units.view": {
        "system_admin",
        "analyst",
        "office_head",
        "leader",
        "clerk",
        "reviewer",
        "approver",
        "unit_viewer",
        "dispatcher",
        "handler",
    },
    "units.import": {"system_admin"},
}
