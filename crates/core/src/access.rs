//! Who may do what: the built-in roles, the areas and actions of the
//! permission matrix, and the matrix itself. A user's roles (built-in and
//! the tenant's own, see `custom_roles`) add up to their `Grants`, which
//! every use case asks; this table is the one truth for the built-in roles,
//! and a test generated from the route table checks every route against it.

use serde::{Deserialize, Serialize};

/// The built-in roles. A user holds one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users, roles and the privacy area.
    Administrator,
    /// The privacy area and the audit trail, without the CRM's records.
    DataProtectionOfficer,
    /// Organisations, contacts, activities, agreements.
    Sales,
    /// Contacts' work details, activities, and which agreements a customer has.
    Support,
    /// Agreements and their amounts, and whom they are with.
    Finance,
    /// Reads the CRM's records, changes nothing.
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Administrator,
        Role::DataProtectionOfficer,
        Role::Sales,
        Role::Support,
        Role::Finance,
        Role::ReadOnly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::DataProtectionOfficer => "data_protection_officer",
            Role::Sales => "sales",
            Role::Support => "support",
            Role::Finance => "finance",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::DataProtectionOfficer => "Data protection officer",
            Role::Sales => "Sales",
            Role::Support => "Support",
            Role::Finance => "Finance",
            Role::ReadOnly => "Read-only",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The permission matrix, one role at a time.
    pub fn allows(self, area: Area, action: Action) -> bool {
        use Action::*;
        use Area::*;
        let crud = matches!(action, Read | Create | Update | Delete);
        match self {
            Role::Administrator => true,
            Role::DataProtectionOfficer => area == Privacy,
            Role::Sales => match area {
                OrganisationsAndContacts | Sales => crud || action == Export,
                Activities | Support => crud,
                Finance | Privacy | Administration => false,
            },
            Role::Support => match area {
                OrganisationsAndContacts => matches!(action, Read | Update),
                Activities | Support => crud,
                Sales => action == Read,
                Finance | Privacy | Administration => false,
            },
            Role::Finance => match area {
                Finance => crud || action == Export,
                OrganisationsAndContacts | Sales => action == Read,
                Activities | Support | Privacy | Administration => false,
            },
            Role::ReadOnly => {
                action == Read
                    && matches!(
                        area,
                        OrganisationsAndContacts | Activities | Sales | Support
                    )
            }
        }
    }
}

/// The roles one user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Roles(u8);

impl From<Role> for Roles {
    fn from(role: Role) -> Roles {
        Roles::of(&[role])
    }
}

impl Roles {
    pub fn of(roles: &[Role]) -> Roles {
        Roles(roles.iter().fold(0, |bits, r| bits | r.bit()))
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Allowed when any of the roles allows it.
    pub fn allow(self, area: Area, action: Action) -> bool {
        self.iter().any(|r| r.allows(area, action))
    }

    /// `administrator,sales`: how the store keeps them.
    pub fn to_names(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    /// Parses role names (comma-separated, or one per item); names the
    /// first unknown one.
    pub fn parse_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Roles, String> {
        let mut roles = Vec::new();
        for name in names {
            for part in name.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                roles.push(Role::parse(part).ok_or_else(|| part.to_string())?);
            }
        }
        Ok(Roles::of(&roles))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    OrganisationsAndContacts,
    Activities,
    /// Agreements (and, later, quotes and orders).
    Sales,
    /// Tickets (later).
    Support,
    /// Invoices (later) and agreement amounts.
    Finance,
    /// The audit trail and, later, purposes, consent and requests.
    Privacy,
    /// Users, roles, tenant settings.
    Administration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    Export,
    Erase,
    Administer,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::OrganisationsAndContacts,
        Area::Activities,
        Area::Sales,
        Area::Support,
        Area::Finance,
        Area::Privacy,
        Area::Administration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::OrganisationsAndContacts => "organisations_and_contacts",
            Area::Activities => "activities",
            Area::Sales => "sales",
            Area::Support => "support",
            Area::Finance => "finance",
            Area::Privacy => "privacy",
            Area::Administration => "administration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::OrganisationsAndContacts => "Organisations and contacts",
            Area::Activities => "Activities",
            Area::Sales => "Sales",
            Area::Support => "Support",
            Area::Finance => "Finance",
            Area::Privacy => "Privacy",
            Area::Administration => "Administration",
        }
    }

    pub fn parse(value: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Read,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Export,
        Action::Erase,
        Action::Administer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Erase => "erase",
            Action::Administer => "administer",
        }
    }

    pub fn parse(value: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// How far across a tenant's records a role reaches: the records its user
/// owns, those owned by anyone in the user's teams, or all of them. Ordered
/// from narrow to wide, so that several roles together reach the widest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordScope {
    #[default]
    Own,
    Team,
    All,
}

impl RecordScope {
    pub const ALL: [RecordScope; 3] = [RecordScope::Own, RecordScope::Team, RecordScope::All];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordScope::Own => "own",
            RecordScope::Team => "team",
            RecordScope::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordScope::Own => "Records they own",
            RecordScope::Team => "Records owned by their teams",
            RecordScope::All => "All records",
        }
    }

    pub fn parse(value: &str) -> Option<RecordScope> {
        RecordScope::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_keeps_areas_apart() {
        let dpo = Roles::of(&[Role::DataProtectionOfficer]);
        assert!(dpo.allow(Area::Privacy, Action::Read));
        assert!(!dpo.allow(Area::OrganisationsAndContacts, Action::Read));
        let support = Roles::of(&[Role::Support]);
        assert!(support.allow(Area::Sales, Action::Read));
        assert!(!support.allow(Area::Sales, Action::Update));
        assert!(!support.allow(Area::Privacy, Action::Read));
        let read_only = Roles::of(&[Role::ReadOnly]);
        assert!(!read_only.allow(Area::OrganisationsAndContacts, Action::Create));
        assert!(Roles::of(&[Role::Administrator]).allow(Area::Administration, Action::Administer));
        assert!(!Roles::default().allow(Area::OrganisationsAndContacts, Action::Read));
    }

    #[test]
    fn several_roles_add_up() {
        let both = Roles::of(&[Role::Support, Role::Finance]);
        assert!(both.allow(Area::Activities, Action::Create));
        assert!(both.allow(Area::Finance, Action::Export));
        assert_eq!(both.to_names(), "support,finance");
        assert_eq!(Roles::parse_names(["support, finance"]), Ok(both));
        assert_eq!(
            Roles::parse_names(["sales", "wizard"]),
            Err("wizard".into())
        );
    }
}
