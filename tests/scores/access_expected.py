"""Who may reach the stability-index pages: an independent statement of intent."""

EXPECTED = {
    "scores.view": {"analyst", "office_head", "leader", "unit_viewer"},
    "scores.domains": {"analyst", "office_head", "leader"},
    "scores.export": {"analyst", "office_head", "leader", "system_admin"},
    "scores.mark": {"analyst", "office_head"},
    "scores.boundaries": {"analyst", "system_admin"},
    "scores.publish_stars": {"office_head"},
    "scores.whatif": {"analyst", "office_head", "system_admin"},
}
