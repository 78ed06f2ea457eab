"""Who may reach the stability-index pages: an independent statement of intent."""

EXPECTED = {
    "scores.view": {"analyst", "office_head", "leader", "unit_viewer"},
    "scores.export": {"analyst", "office_head", "leader", "system_admin"},
    "scores.mark": {"analyst", "office_head"},
    "scores.boundaries": {"analyst", "system_admin"},
    "scores.whatif": {"analyst", "office_head", "system_admin"},
}
