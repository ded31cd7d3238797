//! The `custodian` binary: serve, migrate, audit and admin commands. Every command
//! that touches the database takes `--database URL` or reads
//! CUSTODIAN_DATABASE_URL; `--json` prints one JSON object for scripts.

mod error;
mod offboarding;
mod retention;

use clap::{Args, Parser, Subcommand};
use custodian_app::audit::{AuditSigner, CheckpointLine, VerifyOptions};
use custodian_app::demo::Volume;
use custodian_app::Scope;
use custodian_app::{App, AppError};
use custodian_core::access::{Role, Roles};
use custodian_core::audit::Actor;
use custodian_core::time::Timestamp;
use custodian_core::Refusal;
use custodian_core::{ApiTokenId, TenantId, UserId};
use error::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_DATABASE: &str = "sqlite://custodian-data/custodian.db";

#[derive(Parser)]
#[command(
    name = "custodian",
    version,
    about = "Custodian, the privacy-first CRM"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Database {
    /// sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long = "database", env = "CUSTODIAN_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    url: String,
}

/// Outbound email; without an SMTP server messages stay in the outbox.
#[derive(Args, Clone)]
struct Mail {
    /// smtp://HOST:PORT, smtp://USER:PASS@HOST:587?tls=required or
    /// smtps://USER:PASS@HOST:465
    #[arg(long = "smtp-url", env = "CUSTODIAN_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of every message.
    #[arg(
        long = "mail-from",
        env = "CUSTODIAN_MAIL_FROM",
        default_value = "Custodian <no-reply@custodian.invalid>"
    )]
    from: String,
    /// The address people reach this server at, for links in messages
    /// (default: http:// and the listening address).
    #[arg(long = "public-url", env = "CUSTODIAN_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Args, Clone)]
struct AuditFiles {
    /// The operator's Ed25519 key that signs checkpoints of the audit chain
    /// (serve creates it when it does not exist). Keep a copy away from the database.
    #[arg(
        long = "audit-key",
        env = "CUSTODIAN_AUDIT_KEY",
        default_value = "custodian-data/audit-signing.key"
    )]
    key: PathBuf,
    /// The file, outside the database, that every checkpoint is appended to.
    #[arg(
        long = "audit-checkpoints",
        env = "CUSTODIAN_AUDIT_CHECKPOINTS",
        default_value = "custodian-data/audit-checkpoints.jsonl"
    )]
    checkpoints: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (migrates first).
    Serve {
        #[command(flatten)]
        database: Database,
        #[arg(long, env = "CUSTODIAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Create the demo tenant with sample data if it does not exist, and print its login.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        audit: AuditFiles,
        /// Seconds between signed checkpoints of the audit chains.
        #[arg(
            long,
            env = "CUSTODIAN_AUDIT_CHECKPOINT_SECONDS",
            default_value_t = 300
        )]
        checkpoint_seconds: u64,
        /// Leave the daily retention run to `custodian worker`.
        #[arg(long, env = "CUSTODIAN_NO_RETENTION_SCHEDULE")]
        no_retention_schedule: bool,
        /// Reverse proxies (addresses or networks, comma-separated, e.g.
        /// `127.0.0.1,10.0.0.0/8`) whose Forwarded / X-Forwarded-For and
        /// X-Forwarded-Proto headers are believed; nobody else's are.
        #[arg(long, env = "CUSTODIAN_TRUSTED_PROXIES", default_value = "")]
        trusted_proxies: String,
        /// The installation's secret key (32 bytes as hex; created when
        /// missing), which seals page cursors and secrets kept in the
        /// database. Every server of one installation needs the same file.
        /// CUSTODIAN_SECRET_KEY (the 64 hex digits themselves) takes its
        /// place for operators who keep secrets in the environment.
        #[arg(
            long = "secret-key",
            env = "CUSTODIAN_SECRET_KEY_FILE",
            default_value = "custodian-data/secret.key"
        )]
        secret_key: PathBuf,
        /// Serve HTTPS with this certificate chain (PEM); with --tls-key.
        /// Read again on SIGHUP and when the file changes.
        #[arg(long = "tls-cert", env = "CUSTODIAN_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long = "tls-key", env = "CUSTODIAN_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        #[command(flatten)]
        mail: Mail,
    },
    /// Apply pending schema migrations.
    Migrate {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        json: bool,
    },
    /// The audit trail: verify its hash chains, sign checkpoints.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Retention rules: plan (a dry run) and apply.
    Retention {
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
    /// Run the daily retention schedule apart from the server (start serve
    /// with --no-retention-schedule then).
    Worker {
        #[command(flatten)]
        database: Database,
    },
    /// Operator commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry of each tenant's chain, its head and the signed
    /// checkpoints (database and file); names the first bad entry and exits
    /// with status 1 when any tenant's trail is broken.
    Verify {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        audit: AuditFiles,
        /// Only this tenant.
        #[arg(long)]
        tenant: Option<i64>,
        /// A trusted public key (hex); repeatable. Default: the key file's.
        #[arg(long = "public-key")]
        public_keys: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Sign the head of every chain that moved since its last checkpoint.
    Checkpoint {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        audit: AuditFiles,
        #[arg(long)]
        tenant: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Bulk synthetic data, for benchmarks.
    Generate {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long, default_value_t = 1000)]
        contacts: usize,
        #[arg(long, default_value_t = 10_000)]
        activities: usize,
        /// Tickets raised by the generated contacts.
        #[arg(long, default_value_t = 0)]
        tickets: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    Create {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Offboard a tenant: remove every personal value it holds, keep the
    /// aggregate counts (users, records by type and month), then scan the
    /// database for anything left. Cannot be undone.
    Close {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        /// Needed: the removal cannot be undone.
        #[arg(long)]
        confirm: bool,
        #[arg(long)]
        json: bool,
    },
    /// The aggregate counts a closed tenant kept.
    Closure {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    Create {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "")]
        name: String,
        /// One or more of administrator, data_protection_officer, sales,
        /// support, finance, read_only (comma-separated).
        #[arg(long, alias = "role")]
        roles: String,
        #[arg(long)]
        json: bool,
    },
    /// Replace the roles a user holds.
    Roles {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        user: i64,
        /// Comma-separated role names.
        #[arg(long)]
        roles: String,
        #[arg(long)]
        json: bool,
    },
    /// Let a user whose access was ended log in again.
    Reactivate {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        user: i64,
        #[arg(long)]
        json: bool,
    },
    /// A leaver's last day: disable the account, end every session and
    /// revoke every API token.
    EndAccess {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        user: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    Create {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        user: i64,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token stops working (1 to 3650); default: no expiry.
        #[arg(long)]
        expires_in_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: programs using it stop working at once.
    Revoke {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        tenant: i64,
        #[arg(long)]
        token: i64,
        #[arg(long)]
        json: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // PostgreSQL's notices ("relation already exists, skipping") are not news.
    let filter = Targets::new()
        .with_default(Level::INFO)
        .with_target("sqlx", Level::WARN);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_writer(std::io::stderr),
        )
        .with(filter)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error.report());
            ExitCode::FAILURE
        }
    }
}

/// Prints `value` as JSON, or the human sentence.
fn report(json: bool, value: serde_json::Value, human: String) {
    if json {
        println!("{value}");
    } else {
        println!("{human}");
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve {
            database,
            listen,
            demo,
            audit,
            checkpoint_seconds,
            no_retention_schedule,
            trusted_proxies,
            secret_key,
            tls_cert,
            tls_key,
            mail,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(certificate), Some(key)) => {
                    let files = custodian_web::TlsFiles::new(certificate, key);
                    // Refuse to start on files that do not make a certificate.
                    files
                        .load()
                        .map_err(|e| format!("--tls-cert/--tls-key: {e}"))?;
                    Some(files)
                }
                _ => None,
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            let started = std::time::Instant::now();
            let transport = custodian_web::Transport {
                trusted_proxies: custodian_web::TrustedProxies::parse(&trusted_proxies)
                    .map_err(|e| format!("--trusted-proxies: {e}"))?,
                tls: false,
            };
            let app = App::open(&database.url)
                .await?
                .with_server_key(match std::env::var("CUSTODIAN_SECRET_KEY") {
                    Ok(hex) => custodian_app::sealing::ServerKey::from_hex_key(&hex),
                    Err(_) => custodian_app::sealing::ServerKey::load(&secret_key, true),
                }?);
            let signer = AuditSigner::load(&audit.key, &audit.checkpoints, true)?;
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(CliError::doing(format!("cannot listen on {listen}")))?;
            let address = listener
                .local_addr()
                .map_err(CliError::doing("cannot read the listening address"))?;
            let app = app.with_mail(&custodian_app::mail::MailSettings {
                public_url: mail
                    .public_url
                    .unwrap_or_else(|| format!("{scheme}://{address}")),
                from: mail.from,
                smtp_url: mail.smtp_url,
            })?;
            println!(
                "Custodian is running at {scheme}://{address}/ (database: {}, ready in {} ms)",
                app.backend_name(),
                started.elapsed().as_millis()
            );
            if demo {
                let login = app.ensure_demo().await?;
                println!(
                    "Demo tenant {}: log in as {} with password {}",
                    login.tenant, login.email, login.password
                );
                println!(
                    "  or as {} (support role: agreement values hidden) with the same password",
                    custodian_app::demo::DEMO_SUPPORT_EMAIL
                );
                if let Some(portal) = &login.portal_email {
                    println!(
                        "Customer portal: {scheme}://{address}/portal/login as {portal} (a contact person) with the same password"
                    );
                }
            }
            let signer = std::sync::Arc::new(signer);
            let checkpoints = tokio::spawn(checkpoint_periodically(
                app.clone(),
                signer.clone(),
                Duration::from_secs(checkpoint_seconds.max(1)),
            ));
            let schedule = (!no_retention_schedule).then(|| {
                custodian_app::retention::spawn_daily_schedule(app.clone(), Duration::from_secs(60))
            });
            let delivery =
                custodian_app::mail::spawn_mail_delivery(app.clone(), Duration::from_secs(5));
            if delivery.is_none() {
                println!("No SMTP server is configured (CUSTODIAN_SMTP_URL): messages are kept in the outbox (/admin/outbox).");
            }
            let served = match tls {
                Some(files) => {
                    custodian_web::serve_tls(app.clone(), listener, transport, files).await
                }
                None => custodian_web::serve_with(app.clone(), listener, transport).await,
            };
            checkpoints.abort();
            if let Some(delivery) = delivery {
                delivery.abort();
            }
            if let Some(schedule) = schedule {
                schedule.abort();
            }
            // Reads answered but not yet written, and a last checkpoint.
            app.audit().flush_audit().await;
            if let Err(error) = app.audit().checkpoint_audit(&signer, None).await {
                eprintln!(
                    "error: the closing audit checkpoint failed: {}",
                    CliError::from(error).report()
                );
            }
            served.map_err(CliError::doing("serving failed"))
        }
        Command::Retention { command } => retention::run(command).await,
        Command::Worker { database } => retention::worker(database).await,
        Command::Migrate { database, json } => {
            let applied = App::migrate_database(&database.url).await?;
            report(
                json,
                json!({ "applied": applied }),
                format!("applied migrations: {applied:?}"),
            );
            Ok(())
        }
        Command::Admin { command } => admin(command).await,
        Command::Audit { command } => audit(command).await,
    }
}

async fn checkpoint_periodically(app: App, signer: std::sync::Arc<AuditSigner>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if let Err(error) = app.audit().checkpoint_audit(&signer, None).await {
            tracing::error!(error = %CliError::from(error).report(), "signing audit checkpoints failed");
        }
    }
}

async fn audit(command: AuditCommand) -> Result<(), CliError> {
    match command {
        AuditCommand::Verify {
            database,
            audit,
            tenant,
            public_keys,
            json,
        } => {
            let trusted_keys = if public_keys.is_empty() && audit.key.exists() {
                vec![AuditSigner::load(&audit.key, &audit.checkpoints, false)?.public_key_hex()]
            } else {
                public_keys
            };
            if trusted_keys.is_empty() && !json {
                println!("note: no trusted public key given; each checkpoint is checked against the key it names");
            }
            let app = App::open(&database.url).await?;
            let started = std::time::Instant::now();
            let reports = app
                .audit()
                .verify_audit(&VerifyOptions {
                    tenant: tenant.map(TenantId),
                    trusted_keys,
                    checkpoint_file: Some(audit.checkpoints.clone()),
                })
                .await?;
            let seconds = started.elapsed().as_secs_f64();
            let entries: i64 = reports.iter().map(|r| r.entries_checked).sum();
            let broken = reports.iter().filter(|r| r.problem.is_some()).count();
            if json {
                println!(
                    "{}",
                    json!({ "tenants": reports, "entries_checked": entries, "seconds": seconds, "intact": broken == 0 })
                );
            } else {
                for r in &reports {
                    match &r.problem {
                        None => println!(
                            "tenant {}: intact ({} entries, {} checkpoints, head at entry {})",
                            r.tenant_id, r.entries_checked, r.checkpoints, r.head_seq
                        ),
                        Some(problem) => println!("tenant {}: BROKEN: {problem}", r.tenant_id),
                    }
                }
                println!(
                    "checked {entries} entries in {seconds:.2} s ({:.0} entries/s)",
                    entries as f64 / seconds.max(1e-9)
                );
            }
            if broken > 0 {
                return Err(format!("the audit trail of {broken} tenant(s) is broken").into());
            }
        }
        AuditCommand::Checkpoint {
            database,
            audit,
            tenant,
            json,
        } => {
            let signer = AuditSigner::load(&audit.key, &audit.checkpoints, true)?;
            let app = App::open(&database.url).await?;
            let made = app
                .audit()
                .checkpoint_audit(&signer, tenant.map(TenantId))
                .await?;
            let lines: Vec<CheckpointLine> =
                made.iter().map(CheckpointLine::from_checkpoint).collect();
            report(
                json,
                json!({ "checkpoints": lines }),
                format!(
                    "signed {} checkpoint(s) with key {}; appended to {}",
                    made.len(),
                    signer.public_key_hex(),
                    audit.checkpoints.display()
                ),
            );
        }
    }
    Ok(())
}

async fn admin(command: AdminCommand) -> Result<(), CliError> {
    match command {
        AdminCommand::Tenant {
            command:
                TenantCommand::Create {
                    database,
                    name,
                    json,
                },
        } => {
            let app = App::open(&database.url).await?;
            let tenant = app.create_tenant(&name).await?;
            report(
                json,
                json!({ "id": tenant.id.0, "name": tenant.name }),
                format!("created tenant {}", tenant.id),
            );
        }
        AdminCommand::Tenant {
            command:
                TenantCommand::Close {
                    database,
                    tenant,
                    confirm,
                    json,
                },
        } => offboarding::close(database, tenant, confirm, json).await?,
        AdminCommand::Tenant {
            command:
                TenantCommand::Closure {
                    database,
                    tenant,
                    json,
                },
        } => offboarding::closure(database, tenant, json).await?,
        AdminCommand::User {
            command:
                UserCommand::Create {
                    database,
                    tenant,
                    email,
                    password,
                    name,
                    roles,
                    json,
                },
        } => {
            let roles = Roles::parse_names([roles.as_str()]).map_err(|unknown| {
                format!(
                    "unknown role {unknown:?}; use {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })?;
            let app = App::open(&database.url).await?;
            let user = app
                .create_user(
                    TenantId(tenant),
                    &email,
                    &name,
                    &password,
                    roles,
                    Actor::SYSTEM,
                )
                .await?;
            report(
                json,
                json!({ "id": user.id.0, "email": user.email }),
                format!("created user {}", user.id),
            );
        }
        AdminCommand::User {
            command:
                UserCommand::Roles {
                    database,
                    tenant,
                    user,
                    roles,
                    json,
                },
        } => {
            let app = App::open(&database.url).await?;
            let names: Vec<String> = roles.split(',').map(|r| r.trim().to_string()).collect();
            let changed = app
                .assign_roles(
                    &Scope::new(TenantId(tenant), Actor::SYSTEM),
                    UserId(user),
                    &names,
                )
                .await?;
            report(
                json,
                json!({ "id": changed.id.0, "roles": changed.role_names() }),
                format!(
                    "user {} now holds: {}",
                    changed.id,
                    changed.role_names().join(",")
                ),
            );
        }
        AdminCommand::User {
            command:
                UserCommand::Reactivate {
                    database,
                    tenant,
                    user,
                    json,
                },
        } => {
            let app = App::open(&database.url).await?;
            app.reactivate(&Scope::new(TenantId(tenant), Actor::SYSTEM), UserId(user))
                .await?;
            report(
                json,
                json!({ "reactivated": user }),
                format!("user {user} may log in again"),
            );
        }
        AdminCommand::User {
            command:
                UserCommand::EndAccess {
                    database,
                    tenant,
                    user,
                    json,
                },
        } => {
            let app = App::open(&database.url).await?;
            let (sessions, tokens) = app
                .end_user_access(&Scope::new(TenantId(tenant), Actor::SYSTEM), UserId(user))
                .await?;
            report(
                json,
                json!({ "sessions_ended": sessions, "tokens_revoked": tokens }),
                format!("ended {sessions} session(s) and revoked {tokens} token(s) of user {user}"),
            );
        }
        AdminCommand::Token {
            command:
                TokenCommand::Revoke {
                    database,
                    tenant,
                    token,
                    json,
                },
        } => {
            let app = App::open(&database.url).await?;
            app.revoke_api_token(
                &Scope::new(TenantId(tenant), Actor::SYSTEM),
                ApiTokenId(token),
            )
            .await
            .map_err(|e| match e {
                AppError::Refused(Refusal::NotFound) => {
                    format!("no live token {token} in tenant {tenant}").into()
                }
                other => CliError::from(other),
            })?;
            report(
                json,
                json!({ "revoked": token }),
                format!("revoked token {token}"),
            );
        }
        AdminCommand::Token {
            command:
                TokenCommand::Create {
                    database,
                    tenant,
                    user,
                    name,
                    expires_in_days,
                    json,
                },
        } => {
            let expires_at = match expires_in_days {
                None => None,
                Some(days) if (1..=3_650).contains(&days) => {
                    Some(Timestamp(Timestamp::now().0 + i64::from(days) * 86_400_000))
                }
                Some(_) => return Err("--expires-in-days takes 1 to 3650".into()),
            };
            let app = App::open(&database.url).await?;
            let (id, token) = app
                .create_api_token_until(
                    TenantId(tenant),
                    UserId(user),
                    &name,
                    expires_at,
                    Actor::SYSTEM,
                )
                .await?;
            report(
                json,
                json!({ "id": id.0, "token": token }),
                format!("token (shown once): {token}"),
            );
        }
        AdminCommand::Generate {
            database,
            tenant,
            contacts,
            activities,
            tickets,
            json,
        } => {
            let app = App::open(&database.url).await?;
            let volume = Volume {
                organisations: (contacts / 10).max(1),
                contacts,
                activities,
                assets: contacts / 5,
                agreements: contacts / 20,
                tickets,
            };
            let total = (volume.organisations
                + volume.contacts
                + volume.activities
                + volume.assets
                + volume.agreements
                + volume.tickets) as u64;
            let bar = if json {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(total)
            };
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} records, {per_sec}, eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            app.generate(TenantId(tenant), None, &volume, |n| bar.set_position(n))
                .await?;
            bar.finish();
            report(
                json,
                json!({ "records": total, "seconds": started.elapsed().as_secs_f64() }),
                format!(
                    "generated {total} records in {:.1} s",
                    started.elapsed().as_secs_f64()
                ),
            );
        }
    }
    Ok(())
}
