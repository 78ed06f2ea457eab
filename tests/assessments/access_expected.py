"""Who may use each action of the assessments pages (an independent statement of intent)."""

READ_ALL = {"analyst", "office_head", "leader"}

EXPECTED = {
    "assessments.view": READ_ALL | {"proposer", "assessor", "department_head"},
    "assessments.register": {"proposer"},
    "assessments.attach": {"proposer", "assessor"},
    "assessments.analyse": {"assessor"},
    "assessments.review": {"department_head"},
    "assessments.follow_up": {"proposer", "assessor"},
    "assessments.stats": READ_ALL | {"department_head"},
}
