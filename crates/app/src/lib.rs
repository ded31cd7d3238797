//! Custodian's use cases. The web server and the CLI both call these, so a
//! page, an API call and a command always follow the same rules: validate in
//! core, check the permission, then let the store write (with its audit
//! entry).

pub mod account;
pub mod audit;
pub mod auth;
pub mod csv;
pub mod dashboard;
mod dashboard_cache;
pub mod demo;
mod error;
pub mod helpdesk;
mod history;
pub mod invitations;
pub mod mail;
pub mod names;
mod offboarding;
mod passwords;
pub mod portal;
pub mod privacy;
mod purposes;
mod reach;
pub mod records;
pub mod retention;
pub mod roles;
pub mod sealing;
mod secrets;
pub mod teams;
pub mod two_factor;

/// The one store type callers name: the operator's tenant and actor for
/// system actions (`Scope::new(tenant, Actor::SYSTEM)`).
pub use custodian_store::Scope;
use custodian_store::Store;
pub use error::{with_causes, AppError, PublicError};
pub use history::area_of;

use audit::ReadRecorder;
use auth::LoginThrottle;
use custodian_core::access::{Action, Area};
use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::{Actor, ActorKind};
use custodian_core::grants::{Categories, Grants};
use custodian_core::need_to_know::NeedToKnow;
use custodian_core::users::UserAccess;
use custodian_core::{TenantId, UserId};

use std::sync::Arc;

#[derive(Clone)]
pub struct App {
    store: Store,
    throttle: Arc<LoginThrottle>,
    reads: ReadRecorder,
    mailer: Arc<mail::Mailer>,
    /// Seals page cursors (and secrets at rest): `serve --secret-key`.
    key: Arc<sealing::ServerKey>,
    dashboard_cache: Arc<dashboard_cache::DashboardCache>,
}

// Each capability's use cases are a view of the service (`custodian_core::capabilities!`).
custodian_core::capabilities! {
    App;
    /// Purposes, consent, data-subject requests and their fulfilment.
    Privacy => privacy,
    /// Retention rules, legal holds, reviews and sweeps.
    Retention => retention,
    /// Tickets, replies, attachments, service levels and the FAQ.
    Helpdesk => helpdesk,
    /// What a customer's contact person does in the portal, and registrations.
    Portal => portal,
    /// The audit trail: reading it, verifying it, checkpoints, access reports.
    Audit => audit,
    /// Outgoing mail: the outbox and its delivery.
    Mail => mail,
}

/// An authenticated caller: a staff user, in person or through an API token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: TenantId,
    pub user_id: UserId,
    pub display_name: String,
    /// What the user's roles add up to.
    pub grants: Grants,
    /// The tenant's sensitive categories: withheld from `sight` until the
    /// caller states a reason for access.
    pub sensitive: Categories,
    pub actor: Actor,
    /// Where the request came from, for the audit trail.
    pub context: Option<Arc<ClientContext>>,
    /// The caller confirmed that a person erased before came back, so a
    /// record with their email or phone may be created again.
    pub returning_subject_confirmed: bool,
}

impl Principal {
    pub fn scope(&self) -> Scope {
        Scope::new(self.tenant, self.actor).with_context(self.context.clone())
    }

    /// The caller's address and user agent, as the audit trail keeps them.
    pub fn with_client(mut self, source_ip: Option<String>, user_agent: Option<&str>) -> Self {
        self.context = client_context(source_ip, user_agent);
        self
    }

    pub fn from_user(
        user: &custodian_core::users::User,
        access: UserAccess,
        kind: ActorKind,
        actor_id: i64,
    ) -> Principal {
        Principal {
            tenant: user.tenant,
            user_id: user.id,
            display_name: user.display_name.clone(),
            grants: access.grants,
            sensitive: access.sensitive,
            actor: Actor { kind, id: actor_id },
            context: None,
            returning_subject_confirmed: false,
        }
    }

    /// States why the caller reads sensitive data ("break glass"): the
    /// reason unlocks the tenant's sensitive categories and goes into the
    /// audit entry of every read and change of this request. An empty
    /// reason is refused.
    pub fn with_reason(mut self, reason: Option<&str>) -> Result<Self, AppError> {
        let Some(reason) = reason else {
            return Ok(self);
        };
        let reason = reason.trim();
        if reason.chars().count() < 3 {
            return Err(AppError::ReasonRequired);
        }
        let mut context = self.context.as_deref().cloned().unwrap_or_default();
        context.reason = Some(reason.chars().take(500).collect());
        self.context = Some(Arc::new(context));
        Ok(self)
    }

    /// Confirms, for this request, that a person erased before came back.
    pub fn confirming_returning_subject(mut self, confirmed: bool) -> Self {
        self.returning_subject_confirmed = confirmed;
        self
    }

    /// The reason for access this request states, if any.
    pub fn reason(&self) -> Option<&str> {
        self.context.as_deref().and_then(|c| c.reason.as_deref())
    }

    /// What this request may see: the grants, without the sensitive
    /// categories unless a reason was stated.
    pub fn sight(&self) -> Grants {
        if self.reason().is_some() {
            self.grants
        } else {
            self.grants.without(self.sensitive)
        }
    }

    /// Hides what the caller may not see of `record`, naming the fields a
    /// stated reason would show.
    pub fn mask<R: NeedToKnow>(&self, record: &mut R) {
        record.mask_for_reader(self.grants, self.sight());
    }

    /// `record` as the caller may see it.
    pub fn masked<R: NeedToKnow>(&self, mut record: R) -> R {
        self.mask(&mut record);
        record
    }

    /// Replacing a record needs sight of all of it, or the update would
    /// blank what the caller cannot see: refused outright when the roles do
    /// not grant it all, and until a reason is stated when only sensitive
    /// categories are missing.
    pub fn may_replace(&self, table: &str) -> Result<(), AppError> {
        self.may_see_whole(table)
    }

    /// Something shown whole or not at all (a file's content) needs sight
    /// of every personal column of its table: refused when the roles do not
    /// grant it, and until a reason is stated when only sensitive
    /// categories are missing.
    pub fn may_see_whole(&self, table: &str) -> Result<(), AppError> {
        if self.sight().sees_all_of(table) {
            Ok(())
        } else if self.grants.sees_all_of(table) {
            Err(AppError::ReasonRequired)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The one place where permissions are checked.
    pub fn authorize(&self, area: Area, action: Action) -> Result<(), AppError> {
        if self.grants.allow(area, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A request's address and user agent for the audit trail; None when
/// neither is known.
pub(crate) fn client_context(
    source_ip: Option<String>,
    user_agent: Option<&str>,
) -> Option<Arc<ClientContext>> {
    let context = ClientContext {
        source_ip,
        // Clients send anything here; keep a bounded prefix.
        user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
        reason: None,
    };
    (!context.is_empty()).then(|| Arc::new(context))
}

impl App {
    /// Connects and migrates.
    pub async fn open(database_url: &str) -> Result<App, AppError> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        Ok(App::new(store))
    }

    /// Must run inside a tokio runtime: it starts the writer of read entries.
    pub fn new(store: Store) -> App {
        App {
            reads: ReadRecorder::start(store.clone()),
            store,
            throttle: Arc::new(LoginThrottle::default()),
            mailer: Arc::new(mail::Mailer::keeping()),
            key: Arc::new(sealing::ServerKey::random()),
            dashboard_cache: Arc::default(),
        }
    }

    /// The same app with the installation's secret key, which every server
    /// of it shares (a random one otherwise: cursors end with the process).
    pub fn with_server_key(mut self, key: sealing::ServerKey) -> App {
        self.key = Arc::new(key);
        self
    }

    /// A page with its cursor sealed: the cursor holds the sort key of the
    /// last row, which may be a value the caller is not allowed to see.
    pub(crate) fn sealed<T>(
        &self,
        mut page: custodian_core::page::Page<T>,
    ) -> custodian_core::page::Page<T> {
        let seal = |plain: String| self.key.seal(sealing::Purpose::Cursor, plain.as_bytes());
        page.next_cursor = page.next_cursor.map(seal);
        page.previous_cursor = page.previous_cursor.map(seal);
        page
    }

    /// An absolute address of `path` on this server, as messages link it
    /// (the configured public URL).
    pub fn public_link(&self, path: &str) -> String {
        self.mailer.link(path)
    }

    /// The same app sending mail as `settings` say; refused when the sender
    /// or the SMTP URL cannot be used.
    pub fn with_mail(mut self, settings: &mail::MailSettings) -> Result<App, AppError> {
        self.mailer = Arc::new(mail::Mailer::new(settings)?);
        Ok(self)
    }
}

/// What the operator's tools and the server's own checks need of the
/// database, without reaching past the app to the store.
impl App {
    /// Applies the migrations a database lacks and names those applied,
    /// without starting an app on it (`custodian migrate`).
    pub async fn migrate_database(database_url: &str) -> Result<Vec<i64>, AppError> {
        let store = Store::connect(database_url).await?;
        Ok(store.migrate().await?)
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// How many live sessions a user of the caller's tenant has, for the
    /// answer to a change of their access (administrators).
    pub async fn live_session_count(
        &self,
        principal: &Principal,
        user: UserId,
    ) -> Result<i64, AppError> {
        principal.authorize(
            custodian_core::access::Area::Administration,
            custodian_core::access::Action::Read,
        )?;
        let sessions = self.store.user_sessions(principal.tenant, user).await?;
        Ok(sessions.len() as i64)
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        self.store.backend().name()
    }

    /// The tenants in use (not closed), for the operator's batch commands.
    pub async fn open_tenant_ids(&self) -> Result<Vec<TenantId>, AppError> {
        Ok(self.store.audit_trail().open_tenant_ids().await?)
    }

    /// The store itself, for tests that inspect or tamper with what it
    /// holds; only in builds with the `testing` feature (dev-dependencies).
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.store
    }
}
