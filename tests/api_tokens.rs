//! API tokens (#19, P2: the credential is domain data): an admin issues a token for a
//! user; only its hash is stored; it authenticates as that user until it expires, is
//! revoked, or the user is deactivated; nobody else issues one, and issuing takes no
//! idempotency key (the secret is shown once). On every backend.

mod common;

use chrono::Duration;
use common::*;
use kis::admin::UpdateUser;
use kis::token::{IssueApiToken, RevokeApiToken};
use kis::*;

per_backend! {
    a_token_acts_as_its_user_until_expired_revoked_or_deactivated, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        let issue = |actor: &Actor, user: &str, days: i64| {
            engine.execute(actor, &IssueApiToken {
                user: user.into(),
                label: format!("{user} integration"),
                expires_at: start() + Duration::days(days),
            })
        };
        let li = issue(&org.admin, "li", 2).unwrap();
        assert_eq!(engine.authenticate(&li.token).unwrap(), Ok(org.rep_li.clone()), "{name}");
        assert_eq!(li.info.issued_by, UserId::from("admin"));

        // Only its SHA-256 is stored, and the trail never saw the secret either.
        let secret = li.token.rsplit('_').next().unwrap().to_string();
        let stored = engine.read(|tx| document::load::<kis::token::ApiToken>(tx, &li.info.id)).unwrap();
        assert_ne!(stored.value.secret_sha256, secret);
        let trail = serde_json::to_string(&engine.audit_trail(&Default::default()).unwrap()).unwrap();
        assert!(!trail.contains(&secret), "{name}: the secret reached the audit trail");

        // Refused credentials, each with its reason.
        let reason = |token: &str| engine.authenticate(token).unwrap().unwrap_err().reason;
        assert_eq!(reason("kis_0123"), "not a kis API token");
        let forged = format!("kis_{}_{}", li.info.id, "a".repeat(64));
        assert_eq!(reason(&forged), "unknown token", "{name}: a wrong secret reads as unknown");
        clock.advance(Duration::days(2)).unwrap();
        assert!(reason(&li.token).starts_with("the token expired at"), "{name}");

        let wang = issue(&org.admin, "wang", 30).unwrap();
        // Another rep may not revoke it; wang may; revoking again changes nothing.
        assert!(matches!(engine.execute(&org.rep_li, &RevokeApiToken { id: wang.info.id.clone() }), Err(Error::NotAuthorized { .. })), "{name}");
        let revoked = engine.execute(&org.rep_wang, &RevokeApiToken { id: wang.info.id.clone() }).unwrap();
        assert!(revoked.revoked_at.is_some());
        assert_eq!(engine.execute(&org.admin, &RevokeApiToken { id: wang.info.id.clone() }).unwrap(), revoked);
        assert_eq!(reason(&wang.token), "the token was revoked");

        let zhao = issue(&org.admin, "zhao", 30).unwrap();
        engine.execute(&org.admin, &UpdateUser { id: "zhao".into(), active: Some(false), ..Default::default() }).unwrap();
        assert_eq!(reason(&zhao.token), "user zhao is not active", "{name}");

        // Only an admin issues; never for the past, nor for more than a year and a day.
        assert!(matches!(issue(&org.director, "li", 5), Err(Error::NotAuthorized { .. })), "{name}");
        assert!(matches!(issue(&org.admin, "li", -1), Err(Error::Invalid(ref i)) if i.field == "expires_at"));
        assert!(matches!(issue(&org.admin, "li", 400), Err(Error::Invalid(ref i)) if i.field == "expires_at"));
        assert!(matches!(issue(&org.admin, "nobody", 5), Err(Error::Invalid(ref i)) if i.field == "user"));
        let keyed = engine.execute_idempotent(&org.admin, "k-1", &IssueApiToken {
            user: "li".into(), label: "k".into(), expires_at: clock.now() + Duration::days(1),
        });
        assert!(matches!(keyed, Err(Error::Invalid(ref i)) if i.field == "idempotency_key"), "{name}");

        // Listing: an admin sees all, a rep only their own, never another's.
        assert_eq!(engine.api_tokens(&org.admin, None).unwrap().len(), 3);
        let own = engine.api_tokens(&org.rep_li, None).unwrap();
        assert_eq!(own.iter().map(|t| t.user.as_str()).collect::<Vec<_>>(), ["li"]);
        assert!(matches!(engine.api_tokens(&org.rep_li, Some(&UserId::from("wang"))), Err(Error::NotAuthorized { .. })));
        assert!(engine.verify_audit().unwrap().is_intact(), "{name}");
    }
}
