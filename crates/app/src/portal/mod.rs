//! The customer portal's use cases: the contact person signed in, their
//! sessions (password or one-time link), staff inviting them and setting
//! their access, and what they do there (tickets). Every action is audited
//! with the contact person as the actor.

mod access;
mod consents;
mod details;
mod faq;
mod registration;
mod rights;
mod sign_in;
mod tickets;

pub use details::PortalDetailsInput;
pub use sign_in::{NewPortalSession, PortalSession};
pub use tickets::PortalTicketInput;

use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::{Actor, ActorKind};
use custodian_core::{ContactId, OrganisationId, PortalAccountId, TenantId};
use custodian_store::{PortalIdentity, Scope};
use std::sync::Arc;

/// A contact person signed in to the portal.
#[derive(Debug, Clone)]
pub struct PortalPrincipal {
    pub tenant: TenantId,
    pub account: PortalAccountId,
    pub contact: ContactId,
    pub name: String,
    pub email: String,
    pub organisation_id: Option<OrganisationId>,
    /// They see their organisation's tickets, not only their own.
    pub organisation_access: bool,
    pub context: Option<Arc<ClientContext>>,
}

impl PortalPrincipal {
    pub(crate) fn from_identity(identity: PortalIdentity) -> PortalPrincipal {
        PortalPrincipal {
            tenant: identity.tenant,
            account: identity.account.id,
            contact: identity.account.contact_id,
            name: identity.name,
            email: identity.account.email,
            organisation_id: identity.organisation_id,
            organisation_access: identity.account.organisation_access,
            context: None,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            kind: ActorKind::Contact,
            id: self.contact.0,
        }
    }

    pub fn scope(&self) -> Scope {
        Scope::new(self.tenant, self.actor()).with_context(self.context.clone())
    }

    /// The caller's address and browser, as the audit trail keeps them.
    pub fn with_client(mut self, source_ip: Option<String>, user_agent: Option<&str>) -> Self {
        self.context = crate::client_context(source_ip, user_agent);
        self
    }
}
