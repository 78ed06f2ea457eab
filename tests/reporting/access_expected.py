"""Who should reach each reporting action used by a page (independent statement of intent)."""

EXPECTED = {
    "reporting.submissions": {"clerk", "reviewer", "approver"},
    "reporting.view": {"clerk", "reviewer", "approver", "analyst", "office_head", "leader"},
    "reporting.fill": {"clerk"},
    "reporting.review": {"reviewer"},
    "reporting.approve": {"approver"},
    "reporting.return": {"reviewer", "approver"},
    "reporting.receive": {"analyst"},
    "reporting.dashboard": {"analyst", "office_head", "leader"},
    "figures.export": {"system_admin", "analyst"},
}
