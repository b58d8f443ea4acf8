"""Customer care from Python (P8): records, visibility, revisits, greetings, complaints."""

import datetime

import pytest

import kis


@pytest.fixture
def crm(org):
    org.add_customer("li", "C-LI", "Customer Li", "retail", "li")
    org.add_customer("zhao", "C-ZH", "Customer Zhao", "retail", "zhao")
    return org


def test_records_visibility_and_transfers(crm):
    c = crm.update_customer(
        "li", "C-LI", region="Shanghai", contacts=[kis.Contact("Ms. Leap", title="CEO", birthday=datetime.date(1992, 2, 29))]
    )
    assert (c.region, [p.name for p in c.contacts]) == ("Shanghai", ["Ms. Leap"])
    with pytest.raises(kis.NotAuthorized):
        crm.update_customer("zhao", "C-LI", region="x")
    with pytest.raises(kis.NotAuthorized):
        crm.transfer_customer("li", "C-LI", "zhao", "x")


def test_revisits_and_the_care_calendar(crm, clock):
    clock.set(datetime.datetime(2027, 2, 26, 1, 0, tzinfo=datetime.timezone.utc))
    assert [(d.customer, d.days_overdue) for d in crm.revisits_due("li")] == [("C-LI", 1)]
    crm.log_visit("li", "V-1", "C-LI", datetime.date(2027, 2, 25), "call", "all fine")
    assert crm.revisits_due("li") == []
    with pytest.raises(kis.InvalidInput):
        crm.log_visit("li", "V-2", "C-LI", datetime.date(2027, 2, 25), "letter", "")
    crm.update_customer("li", "C-LI", contacts=[kis.Contact("Ms. Leap", birthday=datetime.date(1992, 2, 29))])
    greetings = crm.care_calendar("li", datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
    assert [(g.date, g.occasion) for g in greetings] == [
        (datetime.date(2027, 2, 6), "Spring Festival"),
        (datetime.date(2027, 2, 28), "birthday (29 February, greeted on the 28th this year)"),
    ]
    assert crm.purchase_history("li", "C-LI") == []


def test_complaints_with_deadlines(crm, clock):
    c = crm.open_complaint("li", "CP-1", "C-LI", "phone", "high", "late delivery")
    assert c.respond_by - datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.timezone.utc) == datetime.timedelta(hours=4)
    clock.advance(datetime.timedelta(hours=6))
    assert [(o.complaint, o.missed, o.hours_late) for o in crm.complaints_overdue("m-east")] == [("CP-1", "response", 2)]
    crm.handle_complaint("li", "CP-1", "acknowledge")
    with pytest.raises(kis.InvalidState):
        crm.handle_complaint("li", "CP-1", {"close": {"confirmation": "ok"}})
    crm.handle_complaint("li", "CP-1", {"resolve": {"cause": "carrier", "resolution": "resent"}})
    assert crm.handle_complaint("li", "CP-1", {"close": {"confirmation": "ok"}}).survey_due
    with pytest.raises(kis.InvalidInput):
        crm.open_complaint("li", "CP-2", "C-LI", "phone", "urgent", "x")
    with pytest.raises(kis.NotAuthorized):
        crm.open_complaint("zhao", "CP-3", "C-LI", "phone", "low", "x")
