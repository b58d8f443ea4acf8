//! #19's authentication matrix over real HTTP: the acting user comes from the
//! credential only. No token, a malformed, unknown, expired or revoked one, a
//! deactivated user: 401. A valid user beyond their role, or reading another's
//! document: 403 (the domain's NotAuthorized). JWTs from an identity provider: HS256
//! with a shared secret, ES256 from a JWKS file and from a JWKS URL. Rate limits (429),
//! body limits (413), and TLS.

mod support;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use support::*;

const SECRET_VAR: &str = "KIS_TEST_JWT_SECRET";
const SECRET: &str = "an HS256 secret of at least thirty-two bytes";

fn expiry(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn claims(user: &str, aud: &str, exp_in: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": user, "iss": "https://idp.example", "aud": aud, "iat": now, "exp": now + exp_in})
}

fn me(c: &Client, token: &str) -> Value {
    let a = c.call(token, "me", &json!({}));
    if a.status == 200 {
        a.json()
    } else {
        a.problem(401, "Unauthenticated")
    }
}

#[test]
fn api_tokens_and_a_shared_secret_jwt() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("company.db");
    let store = store.to_str().unwrap();
    let admin = bootstrap(store, &[]);
    let config = write(
        &dir,
        "server.toml",
        &format!(
            "[limits]\nper_second = 1\nburst = 40\n\n[jwt]\nissuer = \"https://idp.example\"\naudience = \"kis\"\nsecret_env = \"{SECRET_VAR}\"\n"
        ),
    );
    let server = ServerProcess::start(
        &["--store", store, "--config", &config],
        &[(SECRET_VAR, SECRET)],
    );
    let c = Client::new(&server.url);
    let t = organisation(&c, &admin, &expiry(7));

    // No credential, or not a bearer one.
    let none = c.post_raw("/v1/me", &[("Content-Type", "application/json")], b"{}");
    let body = none.problem(401, "Unauthenticated");
    assert_eq!(
        none.header("www-authenticate"),
        Some("Bearer realm=\"kis\"")
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no Authorization header"),
        "{body}"
    );
    c.post_raw(
        "/v1/me",
        &[
            ("Authorization", "Basic YWRtaW46YWRtaW4="),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    )
    .problem(401, "Unauthenticated");
    // Malformed, unknown, and a real id with a wrong secret: all the same 401.
    assert_eq!(
        me(&c, "kis_nope")["fields"]["reason"],
        "not a kis API token"
    );
    let real_id = t["li"].split('_').nth(1).unwrap();
    let forged = format!("kis_{real_id}_{}", "0".repeat(64));
    assert_eq!(me(&c, &forged)["fields"]["reason"], "unknown token");
    assert_eq!(
        me(&c, &format!("kis_{}_{}", "1".repeat(16), "0".repeat(64)))["fields"]["reason"],
        "unknown token"
    );
    assert_eq!(me(&c, &t["li"])["id"], "li");

    // Expired: a token that lives two seconds.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let short = c.ok(
        &admin,
        "issue_api_token",
        json!({"user": "wang", "label": "short", "expires_at": soon}),
    );
    let short = short["token"].as_str().unwrap();
    assert_eq!(me(&c, short)["id"], "wang");
    std::thread::sleep(Duration::from_millis(2200));
    assert!(
        me(&c, short)["fields"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("the token expired at")
    );

    // Revoked: a user revokes their own token; not another's.
    let li_tokens = c.ok(&t["li"], "api_tokens", json!({}));
    let li_id = li_tokens[0]["id"].as_str().unwrap().to_string();
    let wang_id = c.ok(&t["wang"], "api_tokens", json!({}))[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.call(&t["li"], "revoke_api_token", &json!({"id": wang_id}))
        .problem(403, "NotAuthorized");
    c.ok(&t["li"], "revoke_api_token", json!({"id": li_id}));
    assert_eq!(
        me(&c, &t["li"])["fields"]["reason"],
        "the token was revoked"
    );

    // A deactivated user's token stops working.
    c.ok(&admin, "update_user", json!({"id": "fan", "active": false}));
    assert_eq!(
        me(&c, &t["fan"])["fields"]["reason"],
        "user fan is not active"
    );

    // A valid user beyond their role, or at another's document: 403.
    let beyond = c.call(
        &t["zhao"],
        "add_user",
        &json!({"id": "x", "name": "X", "role": "admin"}),
    );
    assert_eq!(
        beyond.problem(403, "NotAuthorized")["fields"]["actor"],
        "zhao"
    );
    c.call(&t["zhao"], "customer", &json!({"id": "C-LI"}))
        .problem(403, "NotAuthorized");
    // The body never names the actor: such a field is refused, by name.
    let smuggled = c.call(
        &t["zhao"],
        "customer",
        &json!({"id": "C-ZHAO", "actor": "admin"}),
    );
    assert_eq!(
        smuggled.problem(400, "InvalidInput")["fields"]["field"],
        "actor"
    );
    // A token's secret is shown once: issuing takes no idempotency key.
    let keyed = c.call_keyed(
        &admin,
        "issue_api_token",
        &json!({"user": "zhao", "label": "k", "expires_at": expiry(1)}),
        Some("k-1"),
    );
    assert_eq!(
        keyed.problem(400, "InvalidInput")["fields"]["field"],
        "idempotency_key"
    );
    // Tokens are stored hashed: no secret is in the store's file.
    let raw = std::fs::read(store).unwrap();
    let secret = t["zhao"].rsplit('_').next().unwrap();
    assert!(
        !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "a token's secret reached the store"
    );

    // JWTs with the shared secret: the claim names the user; kis decides their role.
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let jwt = |claims: &Value| encode(&Header::new(Algorithm::HS256), claims, &key).unwrap();
    assert_eq!(me(&c, &jwt(&claims("zhao", "kis", 300)))["id"], "zhao");
    let as_zhao = jwt(&claims("zhao", "kis", 300));
    c.call(
        &as_zhao,
        "add_user",
        &json!({"id": "y", "name": "Y", "role": "admin"}),
    )
    .problem(403, "NotAuthorized");
    assert!(
        me(&c, &jwt(&claims("zhao", "other", 300)))["detail"]
            .as_str()
            .unwrap()
            .contains("JWT refused")
    );
    assert!(
        me(&c, &jwt(&claims("zhao", "kis", -120)))["detail"]
            .as_str()
            .unwrap()
            .contains("JWT refused")
    );
    assert!(
        me(&c, &jwt(&claims("nobody", "kis", 300)))["detail"]
            .as_str()
            .unwrap()
            .contains("not an active kis user")
    );
    let other_key =
        EncodingKey::from_secret(b"another secret of at least thirty-two bytes!").unwrap();
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &claims("admin", "kis", 300),
        &other_key,
    )
    .unwrap();
    me(&c, &forged);
    // An unsigned token ("alg": "none") is refused.
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims("admin", "kis", 300))
    );
    me(&c, &unsigned);

    // Rate limit: 40 at once, then one per second; the next answers 429 with Retry-After.
    let mut limited = None;
    for _ in 0..60 {
        let a = c.call(&t["dong"], "me", &json!({}));
        if a.status == 429 {
            limited = Some(a);
            break;
        }
    }
    let limited = limited.expect("the rate limit never answered 429");
    limited.problem(429, "TooManyRequests");
    assert!(
        limited
            .header("retry-after")
            .is_some_and(|s| s.parse::<u64>().unwrap() >= 1)
    );
    // Another credential is not limited by dong's.
    assert_eq!(me(&c, &t["meng"])["id"], "meng");
    assert!(server.stop().success());
}

/// An EC P-256 key, its JWKS, and JWTs signed with it.
struct Idp {
    key: EncodingKey,
    jwks: String,
}

impl Idp {
    fn new(kid: &str) -> Idp {
        let pair = rcgen::KeyPair::generate().unwrap();
        let raw = pair.public_key_raw();
        assert_eq!(raw.len(), 65, "an uncompressed P-256 point");
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let jwks = json!({"keys": [{"kty": "EC", "crv": "P-256", "x": b64(&raw[1..33]), "y": b64(&raw[33..]),
            "kid": kid, "alg": "ES256", "use": "sig"}]});
        Idp {
            key: EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap(),
            jwks: jwks.to_string(),
        }
    }

    fn token(&self, kid: &str, user: &str) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.into());
        encode(&header, &claims(user, "kis", 300), &self.key).unwrap()
    }
}

/// Serves `body` as JSON to every connection (a stand-in for an IdP's JWKS endpoint).
fn serve_jwks(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn jwks_from_a_file_and_from_a_url_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("company.db");
    let store = store.to_str().unwrap();
    let admin = bootstrap(store, &[]);
    let idp = Idp::new("k1");

    // A JWKS file.
    let jwks = write(&dir, "jwks.json", &idp.jwks);
    let config = write(
        &dir,
        "file.toml",
        &format!(
            "[jwt]\nissuer = \"https://idp.example\"\naudience = \"kis\"\njwks_file = \"{jwks}\"\n"
        ),
    );
    let server = ServerProcess::start(&["--store", store, "--config", &config], &[]);
    let c = Client::new(&server.url);
    c.ok(
        &admin,
        "add_user",
        json!({"id": "dong", "name": "Dong", "role": "director"}),
    );
    assert_eq!(me(&c, &idp.token("k1", "dong"))["id"], "dong");
    let unknown_kid = me(&c, &idp.token("k2", "dong"));
    assert!(
        unknown_kid["detail"]
            .as_str()
            .unwrap()
            .contains("no key \"k2\""),
        "{unknown_kid}"
    );
    let stranger = Idp::new("k1");
    assert!(
        me(&c, &stranger.token("k1", "dong"))["detail"]
            .as_str()
            .unwrap()
            .contains("JWT refused")
    );
    assert!(server.stop().success());

    // A JWKS URL, with the server on TLS and a small body limit.
    let url = serve_jwks(idp.jwks.clone());
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = write(&dir, "cert.pem", &certified.cert.pem());
    let key = write(&dir, "key.pem", &certified.signing_key.serialize_pem());
    let config = write(
        &dir,
        "url.toml",
        &format!(
            "[limits]\nbody_bytes = 2048\n\n[jwt]\nissuer = \"https://idp.example\"\naudience = \"kis\"\njwks_url = \"{url}\"\n"
        ),
    );
    let server = ServerProcess::start(
        &[
            "--store",
            store,
            "--config",
            &config,
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
        ],
        &[],
    );
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let root = ureq::tls::Certificate::from_der(certified.cert.der()).to_owned();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![root])))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .build()
        .into();
    let c = Client::with_agent(&server.url, agent);
    assert_eq!(c.get("/health", &[]).status, 200);
    assert_eq!(me(&c, &idp.token("k1", "dong"))["id"], "dong");
    let big = json!({"id": "x".repeat(4096)});
    c.call(&idp.token("k1", "dong"), "customer", &big)
        .problem(413, "PayloadTooLarge");
    // Plain HTTP to the TLS port gets no answer.
    let plain = Client::new(&server.url.replace("https://", "http://"));
    let refused = ureq::get(format!("{}/health", plain.base)).call();
    assert!(refused.is_err(), "plain HTTP was answered on the TLS port");
    assert!(server.stop().success());
}
