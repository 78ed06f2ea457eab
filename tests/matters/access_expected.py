"""Who may use each action of the matters pages (an independent statement of intent)."""

CENTRE = {"dispatcher"}
READ_ALL = {"analyst", "office_head", "leader"}

EXPECTED = {
    "matters.view": {"dispatcher", "handler"},
    "matters.intake": {"dispatcher", "handler"},
    "matters.dispatch": CENTRE,
    "matters.review": CENTRE,
    "matters.handle": {"handler"},
    "matters.personal": {"dispatcher", "handler"},
    "matters.stats": CENTRE | READ_ALL,
    "matters.summary": CENTRE | READ_ALL,
    "matters.configure": {"system_admin"},
    "matters.apikeys": {"system_admin"},
    "matters.index_submit": {"clerk"},
}
