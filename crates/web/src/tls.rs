//! HTTPS without a proxy (`serve --tls-cert --tls-key`): rustls with the
//! certificate chain and private key from PEM files. The files are read
//! again on SIGHUP and when either changes (checked every 30 seconds), so a
//! renewed certificate is served without a restart; a file that cannot be
//! read is logged and the certificate before it stays in use. Handshakes run
//! on their own tasks, so a slow client never holds up the others.

use axum::serve::Listener;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// How long a client may take to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The PEM files of the server's certificate chain and private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
    /// How often the files are checked for a change.
    pub check_every: Duration,
}

impl TlsFiles {
    pub fn new(certificate: PathBuf, key: PathBuf) -> TlsFiles {
        TlsFiles {
            certificate,
            key,
            check_every: Duration::from_secs(30),
        }
    }

    /// The server configuration from the files, or what is wrong with them.
    pub fn load(&self) -> Result<Arc<ServerConfig>, String> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&self.certificate)
            .and_then(|certificates| certificates.collect())
            .map_err(|e| {
                format!(
                    "{}: no certificate could be read ({e})",
                    self.certificate.display()
                )
            })?;
        if chain.is_empty() {
            return Err(format!(
                "{}: holds no certificate",
                self.certificate.display()
            ));
        }
        let key = PrivateKeyDer::from_pem_file(&self.key)
            .map_err(|e| format!("{}: no private key could be read ({e})", self.key.display()))?;
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(|e| {
                    format!(
                        "{} and {} do not make a certificate and its key ({e})",
                        self.certificate.display(),
                        self.key.display()
                    )
                })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    fn modified(&self) -> Option<(SystemTime, SystemTime)> {
        let time = |path: &PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        Some((time(&self.certificate)?, time(&self.key)?))
    }
}

/// Connections that finished their TLS handshake, for `axum::serve`.
pub struct TlsListener {
    connections: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `listener` with the certificate in `files`;
    /// refused when the files do not make a usable certificate.
    pub fn start(listener: TcpListener, files: TlsFiles) -> Result<TlsListener, String> {
        let current = Arc::new(RwLock::new(files.load()?));
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let (sender, connections) = mpsc::channel(64);
        tokio::spawn(accept(listener, current.clone(), sender));
        tokio::spawn(reload(files, current));
        Ok(TlsListener { connections, local })
    }
}

async fn accept(
    listener: TcpListener,
    current: Arc<RwLock<Arc<ServerConfig>>>,
    sender: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if sender.is_closed() {
            return;
        }
        let config = current
            .read()
            .map(|config| config.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
        let sender = sender.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, TlsAcceptor::from(config).accept(tcp))
                .await
            {
                Ok(Ok(stream)) => {
                    let _ = sender.send((stream, peer)).await;
                }
                Ok(Err(error)) => tracing::debug!(%error, "a TLS handshake failed"),
                Err(_) => tracing::debug!("a TLS handshake took too long"),
            }
        });
    }
}

/// Reads the files again on SIGHUP, and when they changed.
async fn reload(files: TlsFiles, current: Arc<RwLock<Arc<ServerConfig>>>) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut seen = files.modified();
    let mut ticks = tokio::time::interval(files.check_every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        #[cfg(unix)]
        let asked = async {
            match hangup.as_mut() {
                Some(signal) => signal.recv().await.is_some(),
                None => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let asked = std::future::pending::<bool>();
        let by_signal = tokio::select! {
            got = asked => got,
            _ = ticks.tick() => false,
        };
        let now = files.modified();
        if !by_signal && now == seen {
            continue;
        }
        seen = now;
        match files.load() {
            Ok(config) => {
                match current.write() {
                    Ok(mut slot) => *slot = config,
                    Err(poisoned) => *poisoned.into_inner() = config,
                }
                tracing::info!(certificate = %files.certificate.display(), "loaded the TLS certificate");
            }
            Err(problem) => tracing::warn!(
                %problem,
                "the TLS certificate could not be loaded again; the previous one stays in use"
            ),
        }
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accepting task ended with the runtime: nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
