//! Field-level need-to-know: a role sees a personal field only if it is
//! granted the field's catalog category. A record read by someone without
//! the category comes back with the field emptied and named in
//! `masked_fields`, in pages, API answers and search results alike.

use crate::access::{Role, Roles};
use crate::activities::Activity;
use crate::agreements::Agreement;
use crate::catalog::{self, Category};
use crate::contacts::Contact;

impl Role {
    /// The catalog categories a role is granted.
    pub fn sees(self, category: Category) -> bool {
        use Category::*;
        match category {
            None => true,
            // Secrets are never shown to anyone.
            Credential => false,
            // Art. 9 data only where explicitly needed; no built-in CRM role
            // needs it.
            SpecialCategory => matches!(self, Role::Administrator | Role::DataProtectionOfficer),
            _ => match self {
                Role::Administrator | Role::DataProtectionOfficer | Role::Sales => true,
                // Support: work contact details and call notes, not money.
                Role::Support => !matches!(category, Financial),
                // Finance: billing details and amounts, not call notes.
                Role::Finance => {
                    matches!(category, Identifier | Contact | Professional | Financial)
                }
                Role::ReadOnly => matches!(category, Identifier | Contact | Professional),
            },
        }
    }
}

impl Roles {
    /// Seen when any of the roles sees it.
    pub fn sees(self, category: Category) -> bool {
        self.iter().any(|r| r.sees(category))
    }

    /// Whether every personal column of `table` is visible: who may replace
    /// a whole record must see all of it, or they would blank what they
    /// cannot see.
    pub fn sees_all_of(self, table: &str) -> bool {
        catalog::table(table).all(|c| self.sees(c.category))
    }
}

/// A record that can hide the fields its reader may not see.
pub trait NeedToKnow {
    fn mask_for(&mut self, roles: Roles);
}

/// Hides `field` (stored in `table.column`) unless `roles` see its category.
fn hide(roles: Roles, table: &str, column: &str) -> bool {
    !roles.sees(catalog::category_of(table, column))
}

impl NeedToKnow for Contact {
    fn mask_for(&mut self, roles: Roles) {
        if hide(roles, "contacts", "gender") {
            self.gender = None;
            self.masked_fields.push("gender");
        }
        if hide(roles, "contacts", "position") {
            self.position = None;
            self.masked_fields.push("position");
        }
        if hide(roles, "contacts", "emails") {
            self.emails.clear();
            self.masked_fields.push("emails");
        }
        if hide(roles, "contacts", "phones") {
            self.phones.clear();
            self.masked_fields.push("phones");
        }
        if hide(roles, "contacts", "work_street") {
            self.work_address = Default::default();
            self.masked_fields.push("work_address");
        }
    }
}

impl NeedToKnow for Activity {
    fn mask_for(&mut self, roles: Roles) {
        if hide(roles, "activities", "subject") {
            self.subject.clear();
            self.masked_fields.push("subject");
        }
        if hide(roles, "activities", "body") {
            self.body.clear();
            self.masked_fields.push("body");
        }
    }
}

impl NeedToKnow for Agreement {
    fn mask_for(&mut self, roles: Roles) {
        if hide(roles, "agreements", "value_minor") {
            self.value.clear();
            self.masked_fields.push("value");
        }
    }
}

/// Organisations and assets hold no field a CRM role may not see: company
/// data, and a link to a contact (an identifier every reader is granted).
impl NeedToKnow for crate::organisations::Organisation {
    fn mask_for(&mut self, _roles: Roles) {}
}

impl NeedToKnow for crate::assets::Asset {
    fn mask_for(&mut self, _roles: Roles) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_sees_call_notes_finance_sees_amounts() {
        let support = Roles::of(&[Role::Support]);
        let finance = Roles::of(&[Role::Finance]);
        assert!(support.sees(Category::FreeText) && !support.sees(Category::Financial));
        assert!(finance.sees(Category::Financial) && !finance.sees(Category::FreeText));
        assert!(Roles::of(&[Role::Support, Role::Finance]).sees(Category::Financial));
        assert!(!Roles::of(&[Role::Administrator]).sees(Category::Credential));
        assert!(support.sees_all_of("contacts"));
        assert!(!support.sees_all_of("agreements"));
    }
}
