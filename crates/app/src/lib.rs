//! Custodian's use cases. The web server and the CLI both call these, so a
//! page, an API call and a command always follow the same rules: validate in
//! core, check the permission, then let the store write (with its audit
//! entry).

pub mod account;
pub mod audit;
pub mod auth;
pub mod demo;
mod error;
mod history;
mod passwords;
pub mod records;
mod secrets;
pub mod two_factor;

pub use custodian_store::{
    AuditEntry, Backend, Page, Scope, SearchHit, SessionInfo, Store, TokenInfo, User, UserSummary,
};
pub use error::{with_causes, AppError};
pub use history::area_of;

use audit::ReadRecorder;
use auth::LoginThrottle;
use custodian_core::access::{Action, Area, Roles};
use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::{Actor, ActorKind};
use custodian_core::{TenantId, UserId};

use std::sync::Arc;

#[derive(Clone)]
pub struct App {
    pub store: Store,
    throttle: Arc<LoginThrottle>,
    reads: ReadRecorder,
}

/// An authenticated caller: a staff user, in person or through an API token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: TenantId,
    pub user_id: UserId,
    pub display_name: String,
    pub roles: Roles,
    pub actor: Actor,
    /// Where the request came from, for the audit trail.
    pub context: Option<Arc<ClientContext>>,
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

    pub fn from_user(user: &custodian_store::User, kind: ActorKind, actor_id: i64) -> Principal {
        Principal {
            tenant: user.tenant,
            user_id: user.id,
            display_name: user.display_name.clone(),
            roles: user.roles,
            actor: Actor { kind, id: actor_id },
            context: None,
        }
    }

    /// The one place where permissions are checked.
    pub fn authorize(&self, area: Area, action: Action) -> Result<(), AppError> {
        if self.roles.allow(area, action) {
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
        }
    }
}
