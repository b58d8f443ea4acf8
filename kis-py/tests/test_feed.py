"""The change feed from Python (#18): a rep follows what they may see, in commit order,
and a manager's decision comes back as the quote's new state, typed."""

import datetime

import kis


def follow(engine, actor, cursor=0, limit=100):
    events = []
    while True:
        batch = engine.changes_since(actor, after=cursor, limit=limit)
        events += batch.events
        cursor = batch.cursor
        if not batch.more:
            return events, cursor


def test_a_rep_follows_their_documents_and_the_decision_flows_back(engine, sales):
    engine.create_quote("li", "Q-F", "C-LI", [kis.LineRequest("KIS-PRO", 2)], datetime.date(2026, 12, 31))
    events, cursor = follow(engine, "li", limit=3)
    assert {e.id for e in events if e.collection == "quotes"} == {"Q-F"}
    assert all(e.collection != "idempotency" for e in events)
    assert [e.seq for e in events] == sorted(e.seq for e in events)

    engine.submit("li", "quote", "Q-F")
    engine.approve("m-east", "quote", "Q-F")
    batch = engine.changes_since("li", after=cursor)
    decided = [e for e in batch.events if e.command == "approval.decide" and e.collection == "quotes"][-1]
    assert decided.kind == "updated" and decided.actor == "m-east"
    quote = decided.document()
    assert isinstance(quote, kis.Quote) and quote.status == "approved"
    # Another team's rep sees none of it; a replay from the old cursor is the same batch.
    assert not [e for e in follow(engine, "zhao")[0] if e.collection == "quotes"]
    assert engine.changes_since("li", after=cursor) == batch


def test_a_bad_limit_is_refused_naming_it(engine, org):
    for bad in (0, 1001):
        try:
            engine.changes_since("li", limit=bad)
        except kis.InvalidInput as e:
            assert e.field == "limit"
        else:
            raise AssertionError(f"limit {bad} accepted")
