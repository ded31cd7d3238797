//! Who may do what. Roles beyond administrator and member, field-level
//! need-to-know and record scope come later; every use case already asks
//! `allows(role, area, action)`, so those rules have one place to live.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    OrganisationsAndContacts,
    Activities,
    Sales,
    /// The audit trail and, later, purposes, consent and requests.
    Privacy,
    Administration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    Export,
    Administer,
}

/// The permission matrix: administrators may do everything; members work
/// with CRM records but not with tenant administration or the privacy area.
pub fn allows(role: Role, area: Area, action: Action) -> bool {
    match role {
        Role::Admin => true,
        Role::Member => {
            !matches!(area, Area::Administration | Area::Privacy) && action != Action::Administer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_cannot_administer() {
        assert!(allows(
            Role::Member,
            Area::OrganisationsAndContacts,
            Action::Delete
        ));
        assert!(!allows(Role::Member, Area::Administration, Action::Create));
        assert!(!allows(Role::Member, Area::Privacy, Action::Read));
        assert!(allows(
            Role::Admin,
            Area::Administration,
            Action::Administer
        ));
    }
}
