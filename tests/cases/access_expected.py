"""Who may use each action of the matters pages (an independent statement of intent)."""

CENTRE = {"dispatcher"}
READ_ALL = {"analyst", "office_head", "leader"}

EXPECTED = {
    "cases.view": {"dispatcher", "handler"},
    "cases.intake": {"dispatcher", "handler"},
    "cases.dispatch": CENTRE,
    "cases.review": CENTRE,
    "cases.handle": {"handler"},
    "cases.personal": {"dispatcher", "handler"},
    "cases.stats": CENTRE | READ_ALL,
    "cases.summary": CENTRE | READ_ALL,
    "cases.configure": {"system_admin"},
    "cases.apikeys": {"system_admin"},
    "cases.index_submit": {"clerk"},
}
