"""Arrow tables in and out: scans into polars, pyarrow and pandas without copies, a year
scored from a table or from the store, a table of lines priced, floats refused."""

import datetime
from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kis
from conftest import sell

TODAY = datetime.date(2026, 11, 27)


def test_sales_facts_come_out_as_arrow_for_polars_pyarrow_and_pandas(sales):
    sell(sales, 1, "KIS-PRO", 2, TODAY)
    sell(sales, 2, "KIS-SEAT", 3, TODAY)
    t = sales.sales_facts_table("dir", TODAY, TODAY)
    assert isinstance(t, kis.ArrowTable) and t.num_rows == 2
    assert t.column_names[:3] == ["id", "date", "order"]
    df = pl.DataFrame(t)
    assert df["amount"].dtype == pl.Decimal(38, 2)
    assert df["amount"].to_list() == [Decimal("2000.00"), Decimal("300.00")]
    table = pa.table(t)
    assert table.schema.field("cost").type == pa.decimal128(38, 2)
    assert table.schema.field("date").type == pa.date32()
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame) and frame["amount"].sum() == Decimal("2300.00")
    assert frame["rep"].tolist() == ["li", "li"]
    with pytest.raises(kis.NotAuthorized):
        sales.sales_facts_table("li", TODAY, TODAY)
    # An empty range is an empty table with the same columns.
    empty = pa.table(sales.sales_facts_table("dir", TODAY - datetime.timedelta(days=400), TODAY - datetime.timedelta(days=300)))
    assert empty.num_rows == 0 and empty.schema.names == table.schema.names


def test_the_audit_trail_and_claims_as_tables(org):
    t = pa.table(org.audit_table())
    assert t.num_rows == len(org.audit_trail("admin"))
    assert t.column("actor").to_pylist()[1] == "system"
    assert pa.table(org.audit_table(from_seq=3)).num_rows == t.num_rows - 2
    claims = pa.table(org.expense_claims_table("fin"))
    assert claims.num_rows == 0 and "amount" in claims.schema.names


def test_a_year_from_the_store_agrees_with_the_scoreboard(sales):
    sales.set_targets("dir", "li", 2026, kis.Metrics(revenue=Decimal("120000")))
    sell(sales, 1, "KIS-PRO", 5, TODAY)
    year = pl.DataFrame(sales.score_year_table("dir", 2026))
    nov = year.filter((pl.col("rep") == "li") & (pl.col("month") == 11)).row(0, named=True)
    board = sales.scoreboard("dir", 2026, month=11)
    li = next(c.card for c in board.reps if c.rep == "li")
    assert nov["revenue"] == Decimal("5000.00") and nov["revenue_target"] == Decimal("10000.00")
    assert nov["score"] == li.score and nov["band"] == li.band
    annual = year.filter((pl.col("rep") == "li") & pl.col("month").is_null()).row(0, named=True)
    assert annual["annual"] and annual["revenue_target"] == Decimal("120000")
    own = pl.DataFrame(sales.score_year_table("li", 2026))
    # The same year as records, from the API entry.
    records = sales.score_year("dir", 2026)
    assert next(r for r in records if r.rep == "li" and r.month == 11).card.score == li.score
    assert set(own["rep"]) == {"li"} and own.height == 13


def test_reader_threads_cap_a_large_read_without_changing_it(sales):
    sell(sales, 1, "KIS-PRO", 5, TODAY)
    sell(sales, 2, "KIS-PRO", 3, TODAY)
    sales.reader_threads = 1
    assert sales.reader_threads == 1
    one = pa.table(sales.sales_facts_table("dir", TODAY, TODAY))
    year_on_one = pl.DataFrame(sales.score_year_table("dir", 2026))
    sales.reader_threads = 3
    assert pa.table(sales.sales_facts_table("dir", TODAY, TODAY)).equals(one)
    assert pl.DataFrame(sales.score_year_table("dir", 2026)).equals(year_on_one)
    sales.reader_threads = 0
    assert 1 <= sales.reader_threads <= 8
    with pytest.raises(kis.InvalidInput) as e:
        sales.reader_threads = -1
    assert e.value.field == "reader_threads"


def test_a_year_scored_from_a_polars_frame_with_split_credits(policy):
    facts = pl.DataFrame(
        {
            "date": [datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 2)],
            "rep": ["a", "b", "a"],
            "amount": [Decimal("10000.00"), Decimal("10000.00"), Decimal("0.10")],
            "cost": [Decimal("6000.00"), Decimal("6000.00"), Decimal("0.00")],
            "share_pct": [Decimal("60"), Decimal("40"), Decimal("100")],
        },
        schema_overrides={"amount": pl.Decimal(18, 2), "cost": pl.Decimal(18, 2), "share_pct": pl.Decimal(5, 2)},
    )
    targets = pl.DataFrame({"rep": ["a", "b"], "revenue": [Decimal("120000"), Decimal("60000")]})
    out = pl.DataFrame(policy.score_year(2026, facts, targets=targets))
    assert out.height == 26
    # A monthly distribution per rep (null: even), as SetTargets takes it.
    spread = targets.with_columns(pl.Series("distribution", [[5, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8], None]))
    jan = pl.DataFrame(policy.score_year(2026, facts, targets=spread)).filter(pl.col("month") == 1).sort("rep")
    assert jan["revenue_target"].to_list() == [Decimal("6000.00"), Decimal("5000.00")]
    with pytest.raises(kis.InvalidInput) as info:
        policy.score_year(2026, facts, targets=targets.with_columns(pl.Series("distribution", [[100], None])))
    assert info.value.field == "targets.distribution[0]"
    march = out.filter(pl.col("month") == 3).sort("rep")
    assert march["revenue"].to_list() == [Decimal("6000.00"), Decimal("4000.00")]
    assert march["profit"].to_list() == [Decimal("2400.00"), Decimal("1600.00")]
    a_year = out.filter((pl.col("rep") == "a") & pl.col("month").is_null())
    assert a_year["revenue"].item() == Decimal("6000.10")
    # Money as float is refused, naming the column.
    with pytest.raises(kis.InvalidInput) as info:
        policy.score_year(2026, facts.with_columns(pl.col("amount").cast(pl.Float64)))
    assert info.value.field == "facts.amount" and "float" in info.value.reason
    with pytest.raises(kis.InvalidInput) as info:
        policy.score_year(2026, facts.drop("cost"))
    assert info.value.field == "facts.cost"


def test_a_table_of_lines_is_priced_as_price_batch_prices_it(policy):
    products = pa.table(
        {
            "product": ["KIS-PRO", "KIS-SEAT"],
            "category": ["software>erp", "software>seats"],
            "list_price": pa.array([Decimal("1000"), Decimal("100")], pa.decimal128(18, 2)),
            "cost": pa.array([Decimal("600"), Decimal("40")], pa.decimal128(18, 2)),
        }
    )
    day = datetime.date(2026, 12, 1)
    lines = pa.table(
        {
            "product": ["KIS-PRO", "KIS-PRO", "KIS-SEAT"],
            "quantity": pa.array([1, 12, 7], pa.int64()),
            "date": [day, day, day],
            "customer_group": ["retail", "key-accounts", None],
        }
    )
    out = pa.table(policy.price_table(products, lines))
    batch = policy.price_batch(
        {"KIS-PRO": ("software>erp", Decimal("1000"), Decimal("600")), "KIS-SEAT": ("software>seats", Decimal("100"), Decimal("40"))},
        [("KIS-PRO", None, "retail", 1, day), ("KIS-PRO", None, "key-accounts", 12, day), ("KIS-SEAT", None, None, 7, day)],
    )
    assert out.column("line_total").to_pylist() == batch["line_total"]
    assert out.column("rule").to_pylist() == batch["rule"]
    with pytest.raises(kis.InvalidInput) as info:
        policy.price_table(products, pa.table({"product": ["NOPE"], "quantity": [1], "date": [day]}))
    assert info.value.field == "lines.product[0]"


def test_a_reps_history_and_the_directors_roll_up(sales):
    sales.set_targets("dir", "li", 2026, kis.Metrics(revenue=Decimal("120000")))
    sell(sales, 1, "KIS-PRO", 5, TODAY)
    history = sales.rep_history("li", "li", 2026)
    assert [m.month for m in history] == list(range(1, 12))
    nov = history[10].score
    assert nov.rep == "li" and next(l for l in nov.card.lines if l.metric == "revenue").actual == Decimal("5000.00")
    with pytest.raises(kis.NotAuthorized):
        sales.rep_history("zhao", "li", 2026)
    board = sales.scoreboard("dir", 2026, month=11)
    assert [d.team for d in board.directors] == ["dir"]
    assert sales.scoreboard("m-east", 2026, month=11).directors == []
