//! The API's route table: every operation with the area and action of the
//! permission matrix it needs (None: any signed-in user, for their own
//! things). `tests/permissions.rs` walks this table for every built-in role
//! and compares each answer with the matrix in core, and checks that the
//! table and the OpenAPI document name the same operations.

use super::resources::{
    Activities, Agreements, Assets, Contacts, FaqArticles, Organisations, Resource, Tickets,
};
use custodian_core::access::{Action, Area};
use custodian_core::audit::RecordType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: &'static str,
    /// As in the OpenAPI document, e.g. `/api/v1/contacts/{id}`.
    pub path: String,
    pub needs: Option<(Area, Action)>,
    /// The record type whose id `{id}` stands for.
    pub id_of: Option<RecordType>,
    /// What the answer shows whole (a file's content): the caller's roles
    /// must also see every personal column of this table.
    pub shows_whole: Option<&'static str>,
}

impl RouteRule {
    fn showing_whole(mut self, table: &'static str) -> RouteRule {
        self.shows_whole = Some(table);
        self
    }
}

fn rule(
    method: &'static str,
    path: &str,
    needs: Option<(Area, Action)>,
    id_of: Option<RecordType>,
) -> RouteRule {
    RouteRule {
        method,
        path: format!("/api/v1{path}"),
        needs,
        id_of,
        shows_whole: None,
    }
}

fn resource_rules<R: Resource>(record_type: RecordType) -> Vec<RouteRule> {
    let area = custodian_app::area_of(record_type);
    let (collection, item) = (format!("/{}", R::PATH), format!("/{}/{{id}}", R::PATH));
    vec![
        rule("GET", &collection, Some((area, Action::Read)), None),
        rule("POST", &collection, Some((area, Action::Create)), None),
        rule("GET", &item, Some((area, Action::Read)), Some(record_type)),
        rule(
            "PUT",
            &item,
            Some((area, Action::Update)),
            Some(record_type),
        ),
        rule(
            "DELETE",
            &item,
            Some((area, Action::Delete)),
            Some(record_type),
        ),
    ]
}

pub fn route_rules() -> Vec<RouteRule> {
    let mut rules = Vec::new();
    rules.extend(resource_rules::<Organisations>(RecordType::Organisation));
    rules.extend(resource_rules::<Contacts>(RecordType::Contact));
    rules.extend(resource_rules::<Activities>(RecordType::Activity));
    rules.extend(resource_rules::<Assets>(RecordType::Asset));
    rules.extend(resource_rules::<Agreements>(RecordType::Agreement));
    rules.extend(resource_rules::<Tickets>(RecordType::Ticket));
    rules.extend(resource_rules::<FaqArticles>(RecordType::FaqArticle));
    rules.extend([
        rule(
            "GET",
            "/tickets/{id}/attachments",
            Some((Area::Support, Action::Read)),
            Some(RecordType::Ticket),
        ),
        rule(
            "POST",
            "/tickets/{id}/attachments",
            Some((Area::Support, Action::Update)),
            Some(RecordType::Ticket),
        ),
        rule(
            "GET",
            "/attachments/{id}",
            Some((Area::Support, Action::Read)),
            Some(RecordType::TicketAttachment),
        )
        .showing_whole("ticket_attachments"),
        rule(
            "GET",
            "/tickets/{id}/faq-draft",
            Some((Area::Support, Action::Create)),
            Some(RecordType::Ticket),
        ),
        rule(
            "GET",
            "/tickets/{id}/messages",
            Some((Area::Support, Action::Read)),
            Some(RecordType::Ticket),
        ),
        rule(
            "POST",
            "/tickets/{id}/messages",
            Some((Area::Support, Action::Update)),
            Some(RecordType::Ticket),
        ),
        rule(
            "GET",
            "/settings/ticket-service-levels",
            Some((Area::Support, Action::Read)),
            None,
        ),
        rule(
            "PUT",
            "/settings/ticket-service-levels",
            Some((Area::Administration, Action::Administer)),
            None,
        ),
        rule(
            "GET",
            "/contacts/{id}/portal-access",
            Some((Area::OrganisationsAndContacts, Action::Read)),
            Some(RecordType::Contact),
        ),
        rule(
            "PUT",
            "/contacts/{id}/portal-access",
            Some((Area::OrganisationsAndContacts, Action::Update)),
            Some(RecordType::Contact),
        ),
        rule(
            "POST",
            "/contacts/{id}/portal-invitation",
            Some((Area::OrganisationsAndContacts, Action::Update)),
            Some(RecordType::Contact),
        ),
        rule(
            "GET",
            "/outbox",
            Some((Area::Administration, Action::Administer)),
            None,
        ),
        rule(
            "GET",
            "/outbox/{id}",
            Some((Area::Administration, Action::Administer)),
            Some(RecordType::Mail),
        ),
        rule(
            "POST",
            "/outbox/{id}/retry",
            Some((Area::Administration, Action::Administer)),
            Some(RecordType::Mail),
        ),
    ]);
    let contacts_read = Some((Area::OrganisationsAndContacts, Action::Read));
    let administer = Some((Area::Administration, Action::Administer));
    let administration_read = Some((Area::Administration, Action::Read));
    let privacy_read = Some((Area::Privacy, Action::Read));
    let privacy_update = Some((Area::Privacy, Action::Update));
    rules.extend([
        rule("GET", "/search", contacts_read, None),
        rule("GET", "/audit", Some((Area::Privacy, Action::Read)), None),
        rule(
            "GET",
            "/audit/export",
            Some((Area::Privacy, Action::Export)),
            None,
        ),
        rule("GET", "/account/sessions", None, None),
        rule("DELETE", "/account/sessions/{id}", None, None),
        rule("GET", "/account/tokens", None, None),
        rule("DELETE", "/account/tokens/{id}", None, None),
        rule(
            "GET",
            "/users",
            Some((Area::Administration, Action::Read)),
            None,
        ),
        rule(
            "POST",
            "/users/{id}/end-access",
            administer,
            Some(RecordType::User),
        ),
        rule(
            "PUT",
            "/users/{id}/roles",
            administer,
            Some(RecordType::User),
        ),
        rule(
            "GET",
            "/settings/password-policy",
            Some((Area::Administration, Action::Read)),
            None,
        ),
        rule("PUT", "/settings/password-policy", administer, None),
        rule(
            "GET",
            "/settings/portal-registration",
            Some((Area::Administration, Action::Read)),
            None,
        ),
        rule("PUT", "/settings/portal-registration", administer, None),
        rule(
            "GET",
            "/settings/two-factor",
            Some((Area::Administration, Action::Read)),
            None,
        ),
        rule("PUT", "/settings/two-factor", administer, None),
        rule(
            "POST",
            "/users/{id}/reactivate",
            administer,
            Some(RecordType::User),
        ),
        rule("GET", "/roles", administration_read, None),
        rule("POST", "/roles", administer, None),
        rule(
            "GET",
            "/roles/{id}",
            administration_read,
            Some(RecordType::Role),
        ),
        rule("PUT", "/roles/{id}", administer, Some(RecordType::Role)),
        rule("DELETE", "/roles/{id}", administer, Some(RecordType::Role)),
        rule(
            "GET",
            "/purposes",
            Some((Area::Privacy, Action::Read)),
            None,
        ),
        rule(
            "POST",
            "/purposes",
            Some((Area::Privacy, Action::Create)),
            None,
        ),
        rule(
            "GET",
            "/purposes/{id}",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::Purpose),
        ),
        rule(
            "PUT",
            "/purposes/{id}",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::Purpose),
        ),
        rule(
            "DELETE",
            "/purposes/{id}",
            Some((Area::Privacy, Action::Delete)),
            Some(RecordType::Purpose),
        ),
        rule(
            "GET",
            "/requests",
            Some((Area::Privacy, Action::Read)),
            None,
        ),
        rule(
            "POST",
            "/requests",
            Some((Area::Privacy, Action::Create)),
            None,
        ),
        rule(
            "GET",
            "/requests/{id}",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/identity",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/state",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/extension",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "GET",
            "/requests/{id}/subjects",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "PUT",
            "/requests/{id}/subjects",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "GET",
            "/requests/{id}/export",
            Some((Area::Privacy, Action::Export)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "GET",
            "/requests/{id}/erasure",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/erasure",
            Some((Area::Privacy, Action::Erase)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "GET",
            "/requests/{id}/certificate",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/rectification",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "POST",
            "/requests/{id}/restriction",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "PUT",
            "/contacts/{id}/restriction",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::Contact),
        ),
        rule(
            "POST",
            "/requests/{id}/objection",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::SubjectRequest),
        ),
        rule(
            "GET",
            "/consent-texts",
            Some((Area::Privacy, Action::Read)),
            None,
        ),
        rule(
            "POST",
            "/consent-texts",
            Some((Area::Privacy, Action::Create)),
            None,
        ),
        rule(
            "GET",
            "/consent-texts/{id}",
            Some((Area::Privacy, Action::Read)),
            Some(RecordType::ConsentText),
        ),
        rule(
            "PUT",
            "/consent-texts/{id}",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::ConsentText),
        ),
        rule(
            "POST",
            "/consent-texts/{id}/publish",
            Some((Area::Privacy, Action::Update)),
            Some(RecordType::ConsentText),
        ),
        rule(
            "GET",
            "/contacts/{id}/consents",
            Some((Area::OrganisationsAndContacts, Action::Read)),
            Some(RecordType::Contact),
        ),
        rule(
            "POST",
            "/contacts/{id}/consents",
            Some((Area::OrganisationsAndContacts, Action::Update)),
            Some(RecordType::Contact),
        ),
        rule(
            "GET",
            "/contacts/{id}/consent-receipt",
            Some((Area::OrganisationsAndContacts, Action::Read)),
            Some(RecordType::Contact),
        ),
        rule(
            "GET",
            "/settings/request-deadline",
            Some((Area::Privacy, Action::Read)),
            None,
        ),
        rule(
            "PUT",
            "/settings/request-deadline",
            Some((Area::Privacy, Action::Update)),
            None,
        ),
        rule("GET", "/retention/rules", privacy_read, None),
        rule("POST", "/retention/rules", privacy_update, None),
        rule(
            "GET",
            "/retention/rules/{id}",
            privacy_read,
            Some(RecordType::RetentionRule),
        ),
        rule(
            "PUT",
            "/retention/rules/{id}",
            privacy_update,
            Some(RecordType::RetentionRule),
        ),
        rule(
            "DELETE",
            "/retention/rules/{id}",
            privacy_update,
            Some(RecordType::RetentionRule),
        ),
        rule("GET", "/settings/contract-end", privacy_read, None),
        rule(
            "PUT",
            "/settings/contract-end",
            Some((Area::Administration, Action::Update)),
            None,
        ),
        rule("GET", "/retention/holds", privacy_read, None),
        rule("POST", "/retention/holds", privacy_update, None),
        rule(
            "POST",
            "/retention/holds/{id}/release",
            privacy_update,
            Some(RecordType::LegalHold),
        ),
        rule("GET", "/retention/plan", privacy_read, None),
        rule("GET", "/retention/runs", privacy_read, None),
        rule(
            "POST",
            "/retention/runs",
            Some((Area::Privacy, Action::Erase)),
            None,
        ),
        rule(
            "GET",
            "/retention/runs/{id}",
            privacy_read,
            Some(RecordType::RetentionRun),
        ),
        rule("GET", "/retention/reviews", privacy_read, None),
        // Keeping needs update; approving (deletion) also needs erase,
        // which the use case checks for that decision.
        rule("POST", "/retention/reviews/decisions", privacy_update, None),
        rule("GET", "/teams", administration_read, None),
        rule("POST", "/teams", administer, None),
        rule(
            "GET",
            "/teams/{id}",
            administration_read,
            Some(RecordType::Team),
        ),
        rule("PUT", "/teams/{id}", administer, Some(RecordType::Team)),
        rule("DELETE", "/teams/{id}", administer, Some(RecordType::Team)),
        rule("GET", "/settings/access", administration_read, None),
        rule("PUT", "/settings/access", administer, None),
    ]);
    rules
}
