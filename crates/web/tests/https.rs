//! `serve --tls-cert --tls-key`: the server speaks HTTPS itself with the
//! certificate from PEM files (made here by openssl), sends HSTS and marks
//! every cookie Secure without any forwarded header, and serves a renewed
//! certificate without a restart, keeping the old one while the files are
//! unreadable.

use custodian_app::App;
use custodian_web::{TlsFiles, Transport};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A self-signed certificate for localhost, written to `cert` and `key`.
fn make_certificate(cert: &Path, key: &Path, name: &str) {
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj"])
        .arg(format!("/CN={name}"))
        .args(["-addext", "subjectAltName=DNS:localhost"])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .expect("openssl runs (apt-get install openssl)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

fn certificate_der(cert: &Path) -> Vec<u8> {
    CertificateDer::from_pem_file(cert)
        .unwrap()
        .as_ref()
        .to_vec()
}

/// Trusts exactly one certificate, checking the handshake's signatures.
#[derive(Debug)]
struct Pinned {
    certificate: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.certificate.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("another certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// GET `path` over TLS trusting only `certificate`; the raw answer, or the
/// handshake's error.
async fn get(port: u16, certificate: &[u8], path: &str) -> Result<String, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            certificate: certificate.to_vec(),
            provider,
        }))
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .map_err(|e| e.to_string())?;
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn the_server_speaks_https_and_takes_a_renewed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    make_certificate(&cert, &key, "first");
    let first = certificate_der(&cert);
    let app = App::open(&format!("sqlite://{}/https.db", dir.path().display()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut files = TlsFiles::new(cert.clone(), key.clone());
    files.check_every = Duration::from_millis(100);
    tokio::spawn(custodian_web::serve_tls(
        app,
        listener,
        Transport::default(),
        files,
    ));

    let answer = get(port, &first, "/login").await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains("strict-transport-security: max-age="),
        "{answer}"
    );
    let cookie = lower
        .lines()
        .find(|l| l.starts_with("set-cookie:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.contains("; secure"),
        "the login cookie is not Secure: {cookie}"
    );

    // A renewed certificate is served without a restart.
    let renewed = dir.path().join("renewed");
    std::fs::create_dir(&renewed).unwrap();
    make_certificate(
        &renewed.join("cert.pem"),
        &renewed.join("key.pem"),
        "second",
    );
    let second = certificate_der(&renewed.join("cert.pem"));
    std::fs::rename(renewed.join("key.pem"), &key).unwrap();
    std::fs::rename(renewed.join("cert.pem"), &cert).unwrap();
    let mut served = Err(String::new());
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        served = get(port, &second, "/healthz").await;
        if served.is_ok() {
            break;
        }
    }
    assert!(served.unwrap().starts_with("HTTP/1.1 200"));
    assert!(
        get(port, &first, "/healthz").await.is_err(),
        "the old certificate is still served"
    );

    // Unreadable files leave the last good certificate in use.
    std::fs::write(&cert, "not a certificate").unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(get(port, &second, "/healthz")
        .await
        .unwrap()
        .starts_with("HTTP/1.1 200"));
}
