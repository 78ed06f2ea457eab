"""Who may reach the shell's pages: an independent statement of intent."""

ALL = {
    "system_admin",
    "security_admin",
    "audit_admin",
    "analyst",
    "office_head",
    "clerk",
    "reviewer",
    "approver",
    "unit_viewer",
    "leader",
    "dispatcher",
    "handler",
    "proposer",
    "assessor",
    "department_head",
}

EXPECTED = {
    "home.view": ALL,
    "session.end": ALL,
    "password.change": ALL,
    "audit.read": {"audit_admin"},
    "accounts.view": {"security_admin"},
    "accounts.manage": {"security_admin"},
}
