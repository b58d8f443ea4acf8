"""Leads (P3.1) and sales reports (P9) from Python: the report's sections as DataFrames
and its Markdown document."""

import datetime
from decimal import Decimal

import polars as pl
import pytest

import kis
from conftest import sell

TODAY = datetime.date(2026, 11, 27)


def test_a_lead_is_handed_to_a_rep_and_won(org):
    org.add_user("admin", "mkt", "Mei Marketing", "marketing")
    lead = org.capture_lead("mkt", "L-1", "Silk Works", "trade_show", campaign="fair", region="Hangzhou",
                            contact=kis.Contact("Ms. Qian", title="buyer"))
    assert (lead.status, lead.assigned_to, lead.contact.name) == ("new", None, "Ms. Qian")
    with pytest.raises(kis.NotAuthorized):
        org.capture_lead("li", "L-2", "X", "web")
    org.assign_lead("mkt", "L-1", "li")
    assert [l.id for l in org.leads("li")] == ["L-1"] and org.leads("zhao") == []
    lead = org.log_lead_activity("li", "L-1", "visit", "wants a demo")
    assert lead.activities[0].by == "li" and lead.activities[0].kind == "visit"
    with pytest.raises(kis.NotAuthorized):
        org.convert_lead("zhao", "L-1", "C-SILK", "retail")
    customer = org.convert_lead("li", "L-1", "C-SILK", "retail")
    assert (customer.owner, customer.lead, customer.region) == ("li", "L-1", "Hangzhou")
    assert org.lead("li", "L-1").status == "converted"
    with pytest.raises(kis.InvalidState):
        org.close_lead("li", "L-1", "too late")
    org.capture_lead("mkt", "L-3", "Nobody", "web")
    with pytest.raises(kis.InvalidInput) as info:
        org.close_lead("mkt", "L-3", " ")
    assert info.value.field == "reason"
    assert org.close_lead("mkt", "L-3", "duplicate").close_reason == "duplicate"


def test_the_months_report_as_dataframes_and_markdown(sales):
    sales.set_targets("dir", "li", 2026, kis.Metrics(revenue=Decimal("120000")))
    sell(sales, 1, "KIS-PRO", 3, TODAY)
    sell(sales, 2, "KIS-SEAT", 2, TODAY, customer="C-KEY")
    report = sales.sales_report_tables("m-east", 2026, 11, team="east")
    assert (report.period, report.scope, report.currency) == ("2026-11", "team east", "CNY")
    by_product = pl.DataFrame(report.table("by_product"))
    assert by_product["product"].to_list() == ["KIS-PRO", "KIS-SEAT"]
    assert by_product["revenue"].sum() == report.revenue
    completion = pl.DataFrame(report.table("completion")).row(0, named=True)
    assert completion["metric"] == "revenue" and completion["target"] == Decimal("10000.00")
    for name in report.sections:
        assert pl.DataFrame(report.table(name)).width > 1
    md = report.to_markdown()
    assert md.startswith("# Sales report: team east, 2026-11") and "| KIS-PRO |" in md
    assert sales.sales_report_tables("dir", 2026).period == "2026"
    record = sales.sales_report("m-east", 2026, month=11, team="east")
    assert record.totals.revenue == report.revenue and record.scope == {"team": "east"}
    with pytest.raises(kis.InvalidInput):
        report.table("nope")
    with pytest.raises(kis.InvalidInput):
        sales.sales_report("dir", 2026, month=11, team="east", rep="li")
    with pytest.raises(kis.NotAuthorized):
        sales.sales_report("li", 2026, month=11)
    with pytest.raises(kis.NotAuthorized):
        sales.sales_report("m-west", 2026, month=11, team="east")
    with pytest.raises(kis.NotFound):
        sales.sales_report("dir", 2026, month=11, team="north")
