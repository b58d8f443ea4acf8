//! TLS to PostgreSQL with rustls, as the connection URL asks (`sslmode`), with libpq's
//! meanings:
//!
//! - `disable`: plaintext.
//! - `prefer` (the default): TLS when the server offers it, else plaintext; the
//!   certificate is not checked (a passive listener learns nothing; an active one could
//!   pose as the server).
//! - `require`: TLS or no connection; the certificate is not checked.
//! - `verify-ca`: TLS, and the certificate must chain to a trusted root.
//! - `verify-full`: as `verify-ca`, and the certificate must name the host. Use this
//!   across any network you do not own.
//!
//! Trusted roots: the Mozilla roots (webpki-roots), and the CA in `sslrootcert=PATH`
//! (PEM) when the URL names one, for a company's private CA.

use std::str::FromStr;
use std::sync::Arc;

use kis_core::store::StoreError;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::errors::BACKEND;

/// Where to connect: the URL as tokio-postgres reads it, and the TLS it asks for.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    url: String,
    mode: Mode,
    root_cert: Option<String>,
}

/// What the URL's `sslmode` asks of the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No TLS.
    Plain,
    /// TLS without checking the certificate (`prefer`, `require`).
    Encrypt,
    /// TLS, the certificate chained to a trusted root (`verify-ca`).
    VerifyCa,
    /// TLS, the certificate chained to a trusted root and naming the host.
    VerifyFull,
}

fn refuse(message: String) -> StoreError {
    StoreError::Backend {
        backend: BACKEND,
        message,
    }
}

/// `%XX` escapes of a URL query value, decoded.
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Target {
    /// Reads `sslmode` and `sslrootcert` from a `postgres://` URL (a `key=value`
    /// connection string is passed on as it is, with its own `sslmode`).
    pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
        let mut root_cert = None;
        let mut verify = None;
        let cleaned = match url.split_once('?') {
            Some((base, query))
                if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                let mut kept = Vec::new();
                for pair in query.split('&') {
                    match pair.split_once('=') {
                        Some(("sslrootcert", v)) => root_cert = Some(percent_decoded(v)),
                        // tokio-postgres knows disable, prefer and require: the verify
                        // modes are `require` to it, and kis checks the certificate.
                        Some(("sslmode", m @ ("verify-ca" | "verify-full"))) => {
                            verify = Some(if m == "verify-ca" {
                                Mode::VerifyCa
                            } else {
                                Mode::VerifyFull
                            });
                            kept.push("sslmode=require");
                        }
                        _ => kept.push(pair),
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            _ => url.to_string(),
        };
        let config = postgres::Config::from_str(&cleaned)
            .map_err(|e| refuse(format!("connection string: {e}")))?;
        let mode = match (verify, config.get_ssl_mode()) {
            (Some(m), _) => m,
            (None, postgres::config::SslMode::Disable) => Mode::Plain,
            (None, _) => Mode::Encrypt,
        };
        Ok(Target {
            url: cleaned,
            mode,
            root_cert,
        })
    }

    /// The URL tokio-postgres reads (without the parts kis handles itself).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The rustls connector, or `None` for `sslmode=disable`.
    pub(crate) fn connector(&self) -> Result<Option<MakeRustlsConnect>, StoreError> {
        if self.mode == Mode::Plain {
            return Ok(None);
        }
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = &self.root_cert {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| refuse(format!("sslrootcert {path:?}: {e}")))?;
            let mut any = false;
            for cert in certs {
                let cert = cert.map_err(|e| refuse(format!("sslrootcert {path:?}: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| refuse(format!("sslrootcert {path:?}: {e}")))?;
                any = true;
            }
            if !any {
                return Err(refuse(format!("sslrootcert {path:?} holds no certificate")));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| refuse(format!("TLS: {e}")))?;
        let config = match self.mode {
            Mode::VerifyFull => builder.with_root_certificates(roots).with_no_client_auth(),
            Mode::VerifyCa | Mode::Encrypt | Mode::Plain => {
                let chain = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    Arc::clone(&provider),
                )
                .build()
                .map_err(|e| refuse(format!("TLS: {e}")))?;
                let verifier = Lenient {
                    chain,
                    provider,
                    check_chain: self.mode == Mode::VerifyCa,
                };
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(verifier))
                    .with_no_client_auth()
            }
        };
        Ok(Some(MakeRustlsConnect::new(config)))
    }
}

/// The certificate check of `prefer`/`require` (none) and `verify-ca` (the chain, not
/// the name). The handshake's signatures are always verified: the session is encrypted
/// to whoever holds the certificate's key.
#[derive(Debug)]
struct Lenient {
    chain: Arc<rustls::client::WebPkiServerVerifier>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    check_chain: bool,
}

impl rustls::client::danger::ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        if !self.check_chain {
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        }
        match self.chain.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_read_from_the_url() {
        let t = Target::parse("postgres://u@h:5/db").unwrap();
        assert_eq!(t.mode, Mode::Encrypt, "prefer is the default");
        let t = Target::parse("postgres://u@h/db?sslmode=disable").unwrap();
        assert_eq!(t.mode, Mode::Plain);
        let t = Target::parse("postgres://u@h/db?sslmode=verify-ca").unwrap();
        assert_eq!(t.mode, Mode::VerifyCa);
        let t = Target::parse("postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&application_name=kis")
            .unwrap();
        assert_eq!(t.mode, Mode::VerifyFull);
        assert_eq!(t.root_cert.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(
            t.url(),
            "postgres://u@h/db?sslmode=require&application_name=kis"
        );
        assert!(Target::parse("postgres://u@h/db?sslmode=sometimes").is_err());
        let missing =
            Target::parse("postgres://u@h/db?sslmode=require&sslrootcert=/nonexistent.pem")
                .unwrap();
        assert!(missing.connector().is_err());
    }
}
