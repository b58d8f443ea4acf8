"""Damage to the stored data is detected from Python too (#16): a document edited in
the SQLite file, and a trail checked against an anchor the host kept."""

import sqlite3

import pytest

import kis


def test_an_edited_document_and_a_signed_anchor(tmp_path, policy, clock):
    path = tmp_path / "audit.db"
    engine = kis.Engine.open(str(path), policy, clock=clock)
    engine.bootstrap_admin("admin", "Ada Admin")
    engine.add_user("admin", "fin", "Fan Finance", "finance")
    anchor = engine.audit_anchor(b"host key")
    assert anchor.seq == len(engine.audit_trail("admin")) and anchor.mac
    assert engine.verify_audit_against(anchor, b"host key").intact
    with pytest.raises(kis.InvalidInput):
        engine.verify_audit_against(anchor, b"other key")
    with pytest.raises(kis.InvalidInput):
        engine.verify_audit_against(kis.AuditAnchor(anchor.seq - 1, anchor.head_hash, mac=anchor.mac), b"host key")
    del engine
    with sqlite3.connect(path) as db:
        db.execute("UPDATE documents SET body = replace(body, 'Fan Finance', 'Mallory') WHERE id = 'fin'")
    engine = kis.Engine.open(str(path), policy, clock=clock)
    report = engine.verify_audit("admin")
    assert not report.intact
    assert [(m.collection, m.id) for m in report.mismatches] == [("users", "fin")]
    assert report.broken is None
