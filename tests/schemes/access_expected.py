"""Who may reach the scheme pages."""

EXPECTED = {
    "schemes.view": {
        "system_admin",
        "analyst",
        "office_head",
        "leader",
        "clerk",
        "reviewer",
        "approver",
        "unit_viewer",
    },
}
