"""Import (#22) from Python: a polars table of sales recorded elsewhere, split credits one
row per rep, through the engine; the generated ``import_batch`` with typed rows; every
refusal of the kind and at the row it belongs to."""

import datetime
from decimal import Decimal

import polars as pl
import pytest

import kis


def _sales_frame(amounts):
    return pl.DataFrame(
        {
            "order": ["ERP-1", "ERP-1", "ERP-2"],
            "line": [1, 1, 1],
            "date": [datetime.date(2026, 10, 2)] * 3,
            "customer": ["C-LI", "C-LI", "C-KEY"],
            "product": ["KIS-PRO", "KIS-PRO", "KIS-SEAT"],
            "quantity": [Decimal("2"), Decimal("2"), Decimal("5")],
            "amount": amounts,
            "currency": ["CNY"] * 3,
            "rep": ["li", "zhao", "li"],
            "share_pct": [Decimal("70"), Decimal("30"), Decimal("100")],
        }
    )


def test_a_table_of_sales_with_split_credits(sales):
    frame = _sales_frame([Decimal("1800.00"), Decimal("1800.00"), Decimal("450.5")])
    summary = sales.import_table("dir", "sales", frame)
    assert isinstance(summary, kis.ImportSummary)
    counts = summary.tables[0]
    assert (counts.table, counts.created, counts.unchanged) == ("sales", 2, 0)
    facts = sales.sales_facts("dir", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    split = next(f for f in facts if f.order == "ERP-1")
    assert [(c.rep, c.share_pct) for c in split.credits] == [("li", Decimal("70")), ("zhao", Decimal("30"))]
    assert split.cost == Decimal("1200.00")  # the product's cost, as a delivery in kis
    # Again: unchanged, nothing added.
    again = sales.import_table("dir", "sales", frame, batch_size=1)
    assert (again.tables[0].created, again.tables[0].unchanged) == (0, 2)


def test_refusals_keep_their_kind_and_row(sales):
    # Money as a float is refused before anything is imported.
    with pytest.raises(kis.InvalidInput) as e:
        sales.import_table("dir", "sales", _sales_frame([1800.0, 1800.0, 450.5]))
    assert "sales.amount[0]" in str(e.value)
    # A customer kis does not know: NotFound, at the row of the table.
    frame = _sales_frame([Decimal("1"), Decimal("1"), Decimal("1")]).with_columns(
        pl.Series("customer", ["C-LI", "C-LI", "C-NONE"])
    )
    with pytest.raises(kis.NotFound) as e:
        sales.import_table("dir", "sales", frame)
    assert (e.value.table, e.value.row, e.value.id) == ("sales", 2, "C-NONE")
    assert sales.sales_facts("dir", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)) == []
    # A rep may not feed sales in (P2).
    with pytest.raises(kis.NotAuthorized):
        sales.import_table("li", "sales", _sales_frame([Decimal("1")] * 3))
    with pytest.raises(kis.InvalidInput):
        sales.import_table("dir", "orders", _sales_frame([Decimal("1")] * 3))


def test_import_batch_with_typed_rows(sales):
    row = kis.SaleRow(
        order="ERP-9",
        line=1,
        date=datetime.date(2026, 11, 3),
        customer="C-LI",
        product="KIS-SEAT",
        quantity=Decimal("3"),
        amount=Decimal("300"),
        currency="CNY",
        credits=[kis.Credit("li", Decimal("60")), kis.Credit("zhao", Decimal("40"))],
    )
    summary = sales.import_batch("dir", sales=[row])
    assert summary.tables[0].created == 1
    problems = sales.check_import("dir", kis.ImportBatch(sales=[row]))
    assert problems == []
    with pytest.raises(kis.NotAuthorized):
        sales.import_batch("li", sales=[row])
