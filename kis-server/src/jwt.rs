//! Bearer JWTs from a company's identity provider: signature checked against a JWKS or
//! a configured key, `iss`, `aud`, `exp` and `nbf` checked, and one claim naming the kis
//! user. The user must exist and be active in kis's directory; their role is kis's, not
//! the token's (P2: authorisation is domain logic).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::config::Jwt;

/// How often an unknown `kid` may trigger fetching the JWKS again.
const REFETCH_EVERY: Duration = Duration::from_secs(60);

enum Keys {
    /// One key for every token.
    Single(DecodingKey, Vec<Algorithm>),
    /// A key set, found by `kid`.
    Set(JwkSet),
}

/// Checks JWTs as configured.
pub struct JwtVerifier {
    config: Jwt,
    keys: Mutex<(Keys, Option<Instant>)>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.config.issuer)
            .finish()
    }
}

fn fetch(url: &str) -> Result<JwkSet, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    agent
        .get(url)
        .call()
        .map_err(|e| format!("cannot fetch the JWKS at {url}: {e}"))?
        .body_mut()
        .read_json::<JwkSet>()
        .map_err(|e| format!("the JWKS at {url} is not a key set: {e}"))
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn load(config: &Jwt) -> Result<Keys, String> {
    if let Some(path) = &config.jwks_file {
        let set = serde_json::from_slice(&read(path)?)
            .map_err(|e| format!("{} is not a JWKS: {e}", path.display()))?;
        return Ok(Keys::Set(set));
    }
    if let Some(url) = &config.jwks_url {
        return fetch(url).map(Keys::Set);
    }
    if let Some(path) = &config.public_key_file {
        let pem = read(path)?;
        type Parse = fn(&[u8]) -> jsonwebtoken::errors::Result<DecodingKey>;
        let attempts: [(Parse, &[Algorithm]); 3] = [
            (
                DecodingKey::from_rsa_pem,
                &[
                    Algorithm::RS256,
                    Algorithm::RS384,
                    Algorithm::RS512,
                    Algorithm::PS256,
                ],
            ),
            (
                DecodingKey::from_ec_pem,
                &[Algorithm::ES256, Algorithm::ES384],
            ),
            (DecodingKey::from_ed_pem, &[Algorithm::EdDSA]),
        ];
        for (parse, algs) in attempts {
            if let Ok(key) = parse(&pem) {
                return Ok(Keys::Single(key, algs.to_vec()));
            }
        }
        return Err(format!(
            "{} holds no RSA, EC or Ed25519 public key",
            path.display()
        ));
    }
    if let Some(var) = &config.secret_env {
        let secret = std::env::var(var).map_err(|_| format!("{var} is not set"))?;
        if secret.len() < 32 {
            return Err(format!(
                "{var} holds fewer than 32 bytes; an HS256 secret needs 32"
            ));
        }
        return Ok(Keys::Single(
            DecodingKey::from_secret(secret.as_bytes()).map_err(|e| format!("{var}: {e}"))?,
            vec![Algorithm::HS256],
        ));
    }
    Err("jwt: no key source".into())
}

impl JwtVerifier {
    /// Loads the keys (fetching a JWKS URL once), or says why not.
    pub fn new(config: &Jwt) -> Result<JwtVerifier, String> {
        Ok(JwtVerifier {
            keys: Mutex::new((load(config)?, None)),
            config: config.clone(),
        })
    }

    /// The kis user id a token names, or why it is refused. Blocking: an unknown `kid`
    /// may fetch the JWKS again.
    pub fn verify(&self, token: &str) -> Result<String, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| format!("not a JWT: {e}"))?;
        let (key, algs) = self.key_for(header.kid.as_deref(), header.alg)?;
        if !algs.contains(&header.alg) {
            return Err(format!(
                "algorithm {:?} is not accepted for this key",
                header.alg
            ));
        }
        let mut validation = Validation::new(header.alg);
        validation.algorithms = algs;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.leeway = self.config.leeway_secs;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key,
            &validation,
        )
        .map_err(|e| format!("JWT refused: {e}"))?;
        match data.claims.get(&self.config.user_claim) {
            Some(serde_json::Value::String(user)) if !user.is_empty() => Ok(user.clone()),
            _ => Err(format!(
                "the JWT has no text claim {:?} naming the user",
                self.config.user_claim
            )),
        }
    }

    fn key_for(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<(DecodingKey, Vec<Algorithm>), String> {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let found = |set: &JwkSet| match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        };
        let mut jwk = match &keys.0 {
            Keys::Single(key, algs) => return Ok((key.clone(), algs.clone())),
            Keys::Set(set) => found(set),
        };
        if jwk.is_none()
            && let Some(url) = &self.config.jwks_url
            && keys.1.is_none_or(|at| at.elapsed() >= REFETCH_EVERY)
        {
            // A key rotated at the provider: fetch once, then not again for a while.
            keys.1 = Some(Instant::now());
            let fresh = fetch(url)?;
            jwk = found(&fresh);
            keys.0 = Keys::Set(fresh);
        }
        let jwk = jwk.ok_or_else(|| match kid {
            Some(kid) => format!("no key {kid:?} in the JWKS"),
            None => "the JWT names no key (kid) and the JWKS has several".into(),
        })?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| format!("JWKS key unusable: {e}"))?;
        // A JWK that declares its algorithm allows only that one.
        let algs = match jwk
            .common
            .key_algorithm
            .and_then(|a| a.to_string().parse().ok())
        {
            Some(a) => vec![a],
            None => vec![alg],
        };
        Ok((key, algs))
    }
}
