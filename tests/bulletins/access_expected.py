"""Who may reach the bulletin pages."""

EXPECTED = {
    "bulletins.view": {"analyst", "office_head", "leader"},
    "bulletins.draft": {"analyst", "office_head"},
    "bulletins.issue": {"office_head"},
}
