//! Staff users as stored and shown: who they are, what their roles let
//! them do and see, and their sessions and API tokens.

use crate::access::Roles;
use crate::grants::{Categories, Grants};
use crate::time::Timestamp;
use crate::{ApiTokenId, SessionId, TenantId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub tenant: TenantId,
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// The built-in roles the user holds.
    pub roles: Roles,
    /// The names of the tenant's own roles the user holds.
    pub custom_roles: Vec<String>,
    /// Set when an administrator ended the user's access.
    pub disabled_at: Option<Timestamp>,
}

impl User {
    /// Every role the user holds by name: the built-in ones, then the
    /// tenant's own.
    pub fn role_names(&self) -> Vec<String> {
        self.roles
            .iter()
            .map(|r| r.as_str().to_string())
            .chain(self.custom_roles.iter().cloned())
            .collect()
    }
}

/// What a signed-in user may do and see, resolved from their roles (built-in
/// and the tenant's own) and the tenant's access settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserAccess {
    pub grants: Grants,
    /// Categories whose reading needs a stated reason.
    pub sensitive: Categories,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub session_id: SessionId,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: ApiTokenId,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub user: User,
    pub live_sessions: i64,
}
