"""kis.Engine: the organisation commands, authorisation, idempotency, policy versions and
the audit trail, on every store (SQLite in memory, SQLite file, PostgreSQL)."""

import datetime

import pytest

import kis


def test_the_organisation_round_trips(org):
    assert [t.id for t in org.teams("li")] == ["east", "west"]
    li = org.user("admin", "li")
    assert (li.role, li.team, li.active) == ("rep", "east", True)
    assert li.created_at == datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.timezone.utc)
    assert len(org.users("li")) == 7
    assert org.team("li", "east").director == "dir"


def test_only_an_admin_changes_the_organisation(org):
    with pytest.raises(kis.NotAuthorized) as info:
        org.add_user("m-east", "x", "X", "rep", team="east")
    assert info.value.actor == "m-east"
    assert "requires role admin" in info.value.reason


def test_bad_input_names_the_field(org):
    with pytest.raises(kis.InvalidInput) as info:
        org.add_user("admin", "x", "X", "rep")
    assert info.value.field == "team"
    with pytest.raises(kis.InvalidInput) as info:
        org.add_user("admin", "x", "X", "emperor")
    assert info.value.field == "role"
    with pytest.raises(kis.AlreadyExists) as info:
        org.add_user("admin", "li", "Li", "rep", team="east")
    assert (info.value.kind, info.value.id) == ("user", "li")
    with pytest.raises(kis.NotFound) as info:
        org.user("admin", "nobody")
    assert info.value.kind == "user"


def test_a_team_leader_keeps_their_role(org):
    with pytest.raises(kis.InvalidState) as info:
        org.update_user("admin", "m-east", role="rep", team="east")
    assert info.value.kind == "user"
    org.update_team("admin", "east", manager="m-west")
    assert org.update_user("admin", "m-east", role="rep", team="east").role == "rep"


def test_update_user_fields(org):
    u = org.update_user("admin", "fin", name="Fan Q", team="east")
    assert (u.name, u.team) == ("Fan Q", "east")
    assert org.update_user("admin", "fin", remove_team=True).team is None
    with pytest.raises(kis.InvalidInput):
        org.update_user("admin", "fin", team="east", remove_team=True)
    org.update_user("admin", "fin", active=False)
    with pytest.raises(kis.NotAuthorized):
        org.users("fin")


def test_idempotent_commands(org):
    first = org.add_user("admin", "f2", "F2", "finance", idempotency_key="k-1")
    n = len(org.audit_trail("admin"))
    again = org.add_user("admin", "f2", "F2", "finance", idempotency_key="k-1")
    assert again == first
    assert len(org.audit_trail("admin")) == n
    with pytest.raises(kis.IdempotencyKeyReused) as info:
        org.add_user("admin", "f3", "F3", "finance", idempotency_key="k-1")
    assert info.value.key == "k-1"


def test_the_audit_trail_records_who_what_when(org, clock):
    clock.advance(datetime.timedelta(hours=1))
    org.update_user("admin", "li", name="Li Na")
    history = org.audit_trail("admin", collection="users", id="li")
    assert [e.command for e in history] == ["org.add_user", "org.update_user"]
    last = history[-1]
    assert last.actor == "admin"
    assert last.at == clock.now()
    assert last.input["name"] == "Li Na"
    assert last.changes[0].before["name"] == "Li Rep"
    assert last.changes[0].after["name"] == "Li Na"
    assert last.policy_version == org.policy.hash
    report = org.verify_audit("admin")
    assert report.broken is None and not report.mismatches and report.entries == len(org.audit_trail("admin"))
    with pytest.raises(kis.InvalidInput):
        org.audit_trail("admin", collection="users")


def test_policy_versions(org, policy_text):
    v2 = kis.Policy.from_toml(policy_text.replace('revenue = "0.35", profit = "0.25"', 'revenue = "0.40", profit = "0.20"'))
    version = org.install_policy("admin", v2, effective_from=datetime.date(2027, 1, 1))
    assert version.installed_by == "admin"
    assert org.policy.hash == v2.hash
    assert len(org.policy_versions("admin")) == 2
    assert org.policy_in_force(datetime.date(2027, 6, 1)).hash == v2.hash
    assert org.policy_in_force(datetime.date(2026, 12, 1)).hash != v2.hash
    with pytest.raises(kis.NotFound):
        org.policy_in_force(datetime.date(2020, 1, 1))
    with pytest.raises(kis.NotAuthorized):
        org.install_policy("dir", policy_text)


def test_today_is_in_the_company_time_zone(engine, clock):
    clock.set(datetime.datetime(2026, 11, 27, 23, 30, tzinfo=datetime.timezone.utc))
    assert engine.today() == datetime.date(2026, 11, 28)


def test_bootstrap_only_once(org):
    with pytest.raises(kis.NotAuthorized):
        org.bootstrap_admin("mallory", "M")


def test_open_with_policy_text_and_a_bad_location(policy_text, tmp_path):
    e = kis.Engine.open(":memory:", policy_text)
    assert e.backend == "sqlite"
    with pytest.raises(kis.StoreError) as info:
        kis.Engine.open(str(tmp_path / "no" / "such" / "dir" / "x.db"), policy_text)
    assert info.value.backend == "sqlite"
    with pytest.raises(kis.InvalidInput):
        kis.Engine.open(":memory:", 42)
