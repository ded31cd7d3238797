//! What a user's roles add up to: the permissions (area × action), the
//! catalog categories they see, and how far across records they reach.
//! Built-in and tenant-defined roles both become grants, so every use case
//! asks one thing and nothing downstream tells the two kinds apart.

use crate::access::{Action, Area, RecordScope, Role, Roles};
use crate::catalog::{self, Category};

/// A set of catalog categories: what a role sees, or what a tenant marks
/// sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Categories(u16);

impl Categories {
    pub fn of(categories: impl IntoIterator<Item = Category>) -> Categories {
        Categories(categories.into_iter().fold(0, |bits, c| bits | c.bit()))
    }

    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.contains(*c))
    }

    /// `financial,free_text`: how the store keeps them.
    pub fn to_names(self) -> String {
        self.iter()
            .map(Category::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads what `to_names` wrote; names this version does not know count
    /// for nothing.
    pub fn from_names(names: &str) -> Categories {
        Categories::of(names.split(',').filter_map(|n| Category::parse(n.trim())))
    }

    pub fn minus(self, other: Categories) -> Categories {
        Categories(self.0 & !other.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Grants {
    permissions: u64,
    categories: Categories,
    /// The reach a single role declares (what its description shows).
    reach: RecordScope,
    /// The reach in each area, from the roles that read that area: roles
    /// add up area by area, so a role that reads only activities does not
    /// widen how far another role reaches into contacts.
    area_reach: [RecordScope; 7],
}

fn permission_bit(area: Area, action: Action) -> u64 {
    1 << (area as u64 * Action::ALL.len() as u64 + action as u64)
}

impl Grants {
    pub fn new(
        permissions: impl IntoIterator<Item = (Area, Action)>,
        categories: Categories,
        reach: RecordScope,
    ) -> Grants {
        Grants {
            permissions: permissions.into_iter().fold(0, |bits, (area, action)| {
                bits | permission_bit(area, action)
            }),
            // Secrets are never shown, whatever a role says.
            categories: categories.minus(Categories::of([Category::Credential])),
            reach,
            area_reach: [reach; 7],
        }
    }

    pub fn allow(&self, area: Area, action: Action) -> bool {
        self.permissions & permission_bit(area, action) != 0
    }

    pub fn sees(&self, category: Category) -> bool {
        category == Category::None || self.categories.contains(category)
    }

    /// Whether every personal column of `table` is visible: who may replace
    /// a whole record must see all of it, or they would blank what they
    /// cannot see.
    pub fn sees_all_of(&self, table: &str) -> bool {
        catalog::table(table).all(|c| self.sees(c.category))
    }

    pub fn categories(&self) -> Categories {
        self.categories
    }

    /// The reach a role declares (for one role's grants).
    pub fn reach(&self) -> RecordScope {
        self.reach
    }

    /// How far these grants reach into the records of `area`.
    pub fn reach_in(&self, area: Area) -> RecordScope {
        self.area_reach[area as usize]
    }

    pub fn permissions(&self) -> impl Iterator<Item = (Area, Action)> + '_ {
        Area::ALL.into_iter().flat_map(move |area| {
            Action::ALL
                .into_iter()
                .filter(move |action| self.allow(area, *action))
                .map(move |action| (area, action))
        })
    }

    /// Two roles together: every permission and category of either; in each
    /// area, the wider reach of those that read it (a data protection
    /// officer's role, which reads no records, widens nothing, and a role
    /// that reads only activities does not widen the reach into contacts).
    pub fn union(self, other: Grants) -> Grants {
        let mut area_reach = [RecordScope::Own; 7];
        for area in Area::ALL {
            let i = area as usize;
            area_reach[i] = match (
                self.allow(area, Action::Read),
                other.allow(area, Action::Read),
            ) {
                (true, false) => self.area_reach[i],
                (false, true) => other.area_reach[i],
                _ => self.area_reach[i].max(other.area_reach[i]),
            };
        }
        Grants {
            permissions: self.permissions | other.permissions,
            categories: Categories(self.categories.0 | other.categories.0),
            reach: self.reach.max(other.reach),
            area_reach,
        }
    }

    /// The same grants without some categories: what a user sees of the
    /// tenant's sensitive categories before stating a reason.
    pub fn without(self, hidden: Categories) -> Grants {
        Grants {
            categories: self.categories.minus(hidden),
            ..self
        }
    }

    /// `sales:read,sales:update`: how the store keeps a tenant role's
    /// permissions.
    pub fn permission_names(&self) -> String {
        self.permissions()
            .map(|(area, action)| format!("{}:{}", area.as_str(), action.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads what the store keeps; pairs this version does not know grant
    /// nothing.
    pub fn from_stored(permissions: &str, categories: &str, reach: &str) -> Grants {
        let pairs = permissions.split(',').filter_map(|pair| {
            let (area, action) = pair.trim().split_once(':')?;
            Some((Area::parse(area)?, Action::parse(action)?))
        });
        Grants::new(
            pairs,
            Categories::from_names(categories),
            // An unreadable reach reaches least.
            RecordScope::parse(reach).unwrap_or(RecordScope::Own),
        )
    }
}

/// How far the built-in sales and support roles reach in one tenant; the
/// other built-in roles always reach every record they may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BuiltInReach {
    pub sales: RecordScope,
    pub support: RecordScope,
}

impl Default for BuiltInReach {
    fn default() -> Self {
        BuiltInReach {
            sales: RecordScope::All,
            support: RecordScope::All,
        }
    }
}

impl Role {
    /// The matrix row and the categories of one built-in role.
    pub fn grants(self, reach: BuiltInReach) -> Grants {
        let permissions = Area::ALL.into_iter().flat_map(|area| {
            Action::ALL
                .into_iter()
                .filter(move |action| self.allows(area, *action))
                .map(move |action| (area, action))
        });
        let categories = Categories::of(Category::ALL.into_iter().filter(|c| self.sees(*c)));
        let reach = match self {
            Role::Sales => reach.sales,
            Role::Support => reach.support,
            _ => RecordScope::All,
        };
        Grants::new(permissions, categories, reach)
    }
}

impl Roles {
    /// What the built-in roles a user holds add up to.
    pub fn grants(self, reach: BuiltInReach) -> Grants {
        self.iter()
            .map(|role| role.grants(reach))
            .reduce(Grants::union)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_grants_follow_the_matrix() {
        for role in Role::ALL {
            let grants = role.grants(BuiltInReach::default());
            for area in Area::ALL {
                for action in Action::ALL {
                    assert_eq!(grants.allow(area, action), role.allows(area, action));
                }
            }
            for category in Category::ALL {
                assert_eq!(
                    grants.sees(category),
                    role.sees(category) || category == Category::None
                );
            }
        }
    }

    #[test]
    fn stored_grants_round_trip() {
        let grants = Grants::new(
            [(Area::Sales, Action::Read), (Area::Finance, Action::Export)],
            Categories::of([Category::Identifier, Category::Financial]),
            RecordScope::Team,
        );
        let again = Grants::from_stored(
            &grants.permission_names(),
            &grants.categories().to_names(),
            grants.reach().as_str(),
        );
        assert_eq!(again, grants);
        assert_eq!(grants.permission_names(), "sales:read,finance:export");
        let unknown = Grants::from_stored("sales:fly,moon:read", "credential,magic", "galaxy");
        assert_eq!(unknown.permissions().count(), 0);
        assert!(unknown.categories().is_empty());
        assert_eq!(unknown.reach(), RecordScope::Own);
    }

    #[test]
    fn a_role_without_records_does_not_widen_the_reach() {
        let reach = BuiltInReach {
            sales: RecordScope::Own,
            support: RecordScope::Team,
        };
        let contacts = Area::OrganisationsAndContacts;
        let sales_and_dpo = Roles::of(&[Role::Sales, Role::DataProtectionOfficer]).grants(reach);
        assert_eq!(sales_and_dpo.reach_in(contacts), RecordScope::Own);
        assert!(sales_and_dpo.allow(Area::Privacy, Action::Read));
        let sales_and_support = Roles::of(&[Role::Sales, Role::Support]).grants(reach);
        assert_eq!(sales_and_support.reach_in(contacts), RecordScope::Team);
        let with_read_only = Roles::of(&[Role::Sales, Role::ReadOnly]).grants(reach);
        assert_eq!(with_read_only.reach_in(contacts), RecordScope::All);
        // A role that reads only activities widens only the activities.
        let notes_only = Grants::new(
            [(Area::Activities, Action::Read)],
            Categories::default(),
            RecordScope::All,
        );
        let support_and_notes = Role::Support.grants(reach).union(notes_only);
        assert_eq!(support_and_notes.reach_in(contacts), RecordScope::Team);
        assert_eq!(
            support_and_notes.reach_in(Area::Activities),
            RecordScope::All
        );
    }

    #[test]
    fn hidden_categories_are_withheld() {
        let admin = Role::Administrator.grants(BuiltInReach::default());
        assert!(admin.sees(Category::FreeText));
        let guarded = admin.without(Categories::of([Category::FreeText]));
        assert!(!guarded.sees(Category::FreeText));
        assert!(guarded.sees(Category::Contact));
        assert!(!admin.sees(Category::Credential));
    }
}
