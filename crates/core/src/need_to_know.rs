//! Field-level need-to-know: a role sees a personal field only if it is
//! granted the field's catalog category. A record read by someone without
//! the category comes back with the field emptied and named in
//! `masked_fields`, in pages, API answers and search results alike.

use crate::access::Role;
use crate::activities::Activity;
use crate::agreements::Agreement;
use crate::catalog::{self, Category};
use crate::contacts::Contact;
use crate::grants::Grants;

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

/// A record that can hide the fields its reader may not see.
pub trait NeedToKnow: Clone {
    fn mask_for(&mut self, sight: Grants);

    /// The fields `mask_for` emptied.
    fn masked(&self) -> &[&'static str] {
        &[]
    }

    /// Notes which masked fields a stated reason would show.
    fn require_reason_for(&mut self, _fields: Vec<&'static str>) {}

    /// The fields a stated reason would show.
    fn reason_required(&self) -> &[&'static str] {
        &[]
    }

    /// Masks for what the reader sees now (`sight`) and names the masked
    /// fields their roles (`grants`) would show with a stated reason.
    fn mask_for_reader(&mut self, grants: Grants, sight: Grants) {
        if grants == sight {
            self.mask_for(sight);
            return;
        }
        let mut by_roles = self.clone();
        by_roles.mask_for(grants);
        self.mask_for(sight);
        let needs: Vec<&'static str> = self
            .masked()
            .iter()
            .filter(|f| !by_roles.masked().contains(f))
            .copied()
            .collect();
        if !needs.is_empty() {
            self.require_reason_for(needs);
        }
    }
}

/// The accessors of records that carry `masked_fields` and
/// `reason_required_fields`.
macro_rules! masked_accessors {
    () => {
        fn masked(&self) -> &[&'static str] {
            &self.masked_fields
        }
        fn require_reason_for(&mut self, fields: Vec<&'static str>) {
            self.reason_required_fields = fields;
        }
        fn reason_required(&self) -> &[&'static str] {
            &self.reason_required_fields
        }
    };
}

/// Hides `table.column` unless `sight` includes its category.
fn hide(sight: Grants, table: &str, column: &str) -> bool {
    !sight.sees(catalog::category_of(table, column))
}

impl NeedToKnow for Contact {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "contacts", "gender") {
            self.gender = None;
            self.masked_fields.push("gender");
        }
        if hide(sight, "contacts", "position") {
            self.position = None;
            self.masked_fields.push("position");
        }
        if hide(sight, "contacts", "emails") {
            self.emails.clear();
            self.masked_fields.push("emails");
        }
        if hide(sight, "contacts", "phones") {
            self.phones.clear();
            self.masked_fields.push("phones");
        }
        if hide(sight, "contacts", "work_street") {
            self.work_address = Default::default();
            self.masked_fields.push("work_address");
        }
    }
}

impl NeedToKnow for Activity {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "activities", "subject") {
            self.subject.clear();
            self.masked_fields.push("subject");
        }
        if hide(sight, "activities", "body") {
            self.body.clear();
            self.masked_fields.push("body");
        }
    }
}

impl NeedToKnow for Agreement {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "agreements", "value_minor") {
            self.value.clear();
            self.masked_fields.push("value");
        }
    }
}

impl NeedToKnow for crate::helpdesk::Ticket {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "tickets", "subject") {
            self.subject.clear();
            self.masked_fields.push("subject");
        }
        if hide(sight, "tickets", "description") {
            self.description.clear();
            self.masked_fields.push("description");
        }
    }
}

/// A canned reply is a template staff write for everyone: nothing in it
/// is anyone's personal data, so nothing is hidden.
impl NeedToKnow for crate::helpdesk::CannedReply {
    fn mask_for(&mut self, _sight: Grants) {}
}

impl NeedToKnow for crate::helpdesk::FaqArticle {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "faq_articles", "title") {
            self.title.clear();
            self.masked_fields.push("title");
        }
        if hide(sight, "faq_articles", "body") {
            self.body.clear();
            self.masked_fields.push("body");
        }
    }
}

impl NeedToKnow for crate::helpdesk::TicketAttachment {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "ticket_attachments", "file_name") {
            self.file_name.clear();
            self.masked_fields.push("file_name");
        }
        if hide(sight, "ticket_attachments", "uploaded_by_contact") {
            self.uploaded_by_contact = None;
            self.masked_fields.push("uploaded_by_contact");
        }
    }
}

/// A consent event's proof: the address and browser it came from (the
/// subject's own, for portal consents) and the form that carried it.
impl NeedToKnow for crate::privacy::consent::ConsentEvent {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "consent_events", "source_ip") {
            self.source_ip = None;
            self.masked_fields.push("source_ip");
        }
        if hide(sight, "consent_events", "user_agent") {
            self.user_agent = None;
            self.masked_fields.push("user_agent");
        }
        if hide(sight, "consent_events", "form") {
            self.form = None;
            self.masked_fields.push("form");
        }
    }
}

/// The portal account's login address is the contact's email, and hidden
/// where the contact's emails are.
impl NeedToKnow for crate::portal::PortalAccount {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        if hide(sight, "portal_accounts", "email") || hide(sight, "contacts", "emails") {
            self.email.clear();
            self.masked_fields.push("email");
        }
    }
}

/// A data-subject request names its subject and may quote them: a tenant
/// role with privacy rights sees what its categories allow (the data
/// protection officer's built-in role sees all of it).
impl NeedToKnow for crate::privacy::requests::SubjectRequest {
    masked_accessors!();

    fn mask_for(&mut self, sight: Grants) {
        let texts: [(&'static str, &mut Option<String>); 5] = [
            ("subject_email", &mut self.subject_email),
            ("details", &mut self.details),
            ("extension_reason", &mut self.extension_reason),
            ("identity_method", &mut self.identity_method),
            ("outcome", &mut self.outcome),
        ];
        for (column, value) in texts {
            if hide(sight, "subject_requests", column) {
                *value = None;
                self.masked_fields.push(column);
            }
        }
        if hide(sight, "subject_requests", "subject_name") {
            self.subject_name.clear();
            self.masked_fields.push("subject_name");
        }
        if hide(sight, "subject_request_events", "note") {
            self.steps.iter_mut().for_each(|step| step.note = None);
            self.masked_fields.push("steps.note");
        }
    }
}

/// Organisations and assets hold no field a CRM role may not see: company
/// data, and a link to a contact (an identifier every reader is granted).
impl NeedToKnow for crate::organisations::Organisation {
    fn mask_for(&mut self, _sight: Grants) {}
}

impl NeedToKnow for crate::assets::Asset {
    fn mask_for(&mut self, _sight: Grants) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::BuiltInReach;

    #[test]
    fn support_sees_call_notes_finance_sees_amounts() {
        let reach = BuiltInReach::default();
        let support = Role::Support.grants(reach);
        let finance = Role::Finance.grants(reach);
        assert!(support.sees(Category::FreeText) && !support.sees(Category::Financial));
        assert!(finance.sees(Category::Financial) && !finance.sees(Category::FreeText));
        assert!(support.union(finance).sees(Category::Financial));
        assert!(!Role::Administrator.grants(reach).sees(Category::Credential));
        assert!(support.sees_all_of("contacts"));
        assert!(!support.sees_all_of("agreements"));
    }
}
