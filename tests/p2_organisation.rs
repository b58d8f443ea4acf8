//! P2 organisation and P1.3 audit: who may change the organisation, and that every
//! change is recorded in a hash-chained trail. Runs on every backend.

mod common;

use common::*;
use kis::admin::{AddTeam, AddUser, UpdateTeam, UpdateUser};
use kis::audit::AuditEntry;
use kis::*;

per_backend! {
    p2_1_the_organisation_is_stored_with_roles_and_teams, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let users = engine.users(&org.rep_li).unwrap();
        assert_eq!(users.len(), 9, "{name}");
        let teams = engine.teams(&org.rep_li).unwrap();
        assert_eq!(
            teams.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["east", "west"]
        );
        assert_eq!(
            engine.user(&org.admin, &"zhao".into()).unwrap().team,
            Some("west".into())
        );
    }
}

per_backend! {
    p2_only_an_admin_changes_the_organisation, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let add = AddUser {
            id: "x".into(),
            name: "X".into(),
            role: Role::Rep,
            team: Some("east".into()),
        };
        for actor in [&org.director, &org.east_manager, &org.rep_li, &org.finance] {
            let err = engine.execute(actor, &add).unwrap_err();
            assert!(matches!(err, Error::NotAuthorized { .. }), "{name}: {err}");
        }
        let promote = UpdateUser {
            id: "li".into(),
            role: Some(Role::Manager),
            ..Default::default()
        };
        let err = engine.execute(&org.rep_li, &promote).unwrap_err();
        assert!(err.to_string().contains("requires role admin"), "{err}");
        assert_eq!(
            engine.user(&org.admin, &"li".into()).unwrap().role,
            Role::Rep
        );
    }
}

per_backend! {
    p2_1_a_rep_needs_a_team_and_a_team_needs_a_manager, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let no_team = AddUser {
            id: "x".into(),
            name: "X".into(),
            role: Role::Rep,
            team: None,
        };
        assert!(
            matches!(engine.execute(&org.admin, &no_team), Err(Error::Invalid(e)) if e.field == "team")
        );
        let ghost_team = AddUser {
            team: Some("north".into()),
            ..no_team.clone()
        };
        assert!(
            matches!(engine.execute(&org.admin, &ghost_team), Err(Error::Invalid(e)) if e.reason.contains("north"))
        );
        let rep_leads = AddTeam {
            id: "north".into(),
            name: "North".into(),
            manager: "li".into(),
            director: None,
        };
        let err = engine.execute(&org.admin, &rep_leads).unwrap_err();
        assert!(
            err.to_string().contains("must be an active manager"),
            "{err}"
        );
        let demote = UpdateUser {
            id: "m-east".into(),
            role: Some(Role::Rep),
            team: Some("east".into()),
            ..Default::default()
        };
        let err = engine.execute(&org.admin, &demote).unwrap_err();
        assert!(matches!(err, Error::InvalidState { .. }), "{err}");
        // After the team gets another manager, the old one can change role.
        engine
            .execute(
                &org.admin,
                &UpdateTeam {
                    id: "east".into(),
                    manager: Some("m-west".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        engine.execute(&org.admin, &demote).unwrap();
    }
}

per_backend! {
    bad_input_is_refused_with_the_field_named_and_nothing_written, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let before = engine.audit_trail(&Default::default()).unwrap().len();
        for (id, name, field) in [("", "X", "id"), ("a/b", "X", "id"), ("ok", " ", "name")] {
            let cmd = AddUser {
                id: id.into(),
                name: name.into(),
                role: Role::Finance,
                team: None,
            };
            match engine.execute(&org.admin, &cmd) {
                Err(Error::Invalid(e)) => assert_eq!(e.field, field),
                other => panic!("expected invalid {field}, got {other:?}"),
            }
        }
        let dup = AddUser {
            id: "li".into(),
            name: "Again".into(),
            role: Role::Finance,
            team: None,
        };
        assert!(matches!(
            engine.execute(&org.admin, &dup),
            Err(Error::AlreadyExists { kind: "user", .. })
        ));
        assert_eq!(
            engine.audit_trail(&Default::default()).unwrap().len(),
            before
        );
        assert_eq!(
            engine.user(&org.admin, &"li".into()).unwrap().name,
            "Li Rep"
        );
    }
}

per_backend! {
    unknown_and_deactivated_users_cannot_act, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let err = engine.users(&Actor::new("nobody")).unwrap_err();
        assert!(err.to_string().contains("no such user"), "{err}");
        engine
            .execute(
                &org.admin,
                &UpdateUser {
                    id: "fin".into(),
                    active: Some(false),
                    ..Default::default()
                },
            )
            .unwrap();
        let err = engine.users(&org.finance).unwrap_err();
        assert!(err.to_string().contains("deactivated"), "{err}");
        let err = engine
            .execute(
                &org.admin,
                &UpdateUser {
                    id: "admin".into(),
                    active: Some(false),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot demote or deactivate themselves"),
            "{err}"
        );
    }
}

per_backend! {
    bootstrap_only_on_an_empty_store, |_, store| {
        let (engine, _) = engine_on(store);
        setup_org(&engine);
        let err = engine.bootstrap_admin("mallory", "Mallory").unwrap_err();
        assert!(matches!(err, Error::NotAuthorized { .. }), "{err}");
    }
}

per_backend! {
    p1_3_every_change_is_audited_with_who_when_what, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        clock.advance(chrono::Duration::hours(2)).unwrap();
        engine
            .execute(
                &org.admin,
                &UpdateUser {
                    id: "li".into(),
                    name: Some("Li Na".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        let history: Vec<AuditEntry> = engine.history("users", "li").unwrap();
        assert_eq!(history.len(), 2, "{name}");
        let last = &history[1];
        assert_eq!(last.actor, "admin");
        assert_eq!(last.command, "org.update_user");
        assert_eq!(last.at, start() + chrono::Duration::hours(2));
        assert_eq!(last.policy_version, engine.policy().hash());
        assert_eq!(last.changes[0].before.as_ref().unwrap()["name"], "Li Rep");
        assert_eq!(last.changes[0].after["name"], "Li Na");
        assert_eq!(last.input["name"], "Li Na");
        let report = engine.verify_audit().unwrap();
        assert!(report.is_intact(), "{name}: {report:?}");
        // policy registration + bootstrap + 3 managers/director + 2 teams + 5 users + update
        assert_eq!(report.entries, 13, "{name}");
    }
}
