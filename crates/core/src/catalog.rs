//! The data catalog: every column of every table, classified. It is the
//! single source of truth for what is personal, whose it is, how it is erased
//! and whether it goes into a subject's export. A test compares it with the
//! live schema of both backends.

use serde::Serialize;

/// The personal-data taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Not personal data (keys, timestamps, business data about companies).
    None,
    /// Names and identifiers that single out a person.
    Identifier,
    /// Ways to reach a person: email, phone, postal address.
    Contact,
    /// Job title, employer, professional role.
    Professional,
    /// Gender, age and similar.
    Demographic,
    /// Amounts, bank details, billing.
    Financial,
    /// Free text that may contain personal data (notes, bodies).
    FreeText,
    /// Session ids, IP addresses, device identifiers.
    OnlineIdentifier,
    /// Art. 9 special categories (health, religion, ...).
    SpecialCategory,
    /// Secrets that authenticate a person (password and token hashes).
    Credential,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::None,
        Category::Identifier,
        Category::Contact,
        Category::Professional,
        Category::Demographic,
        Category::Financial,
        Category::FreeText,
        Category::OnlineIdentifier,
        Category::SpecialCategory,
        Category::Credential,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::None => "none",
            Category::Identifier => "identifier",
            Category::Contact => "contact",
            Category::Professional => "professional",
            Category::Demographic => "demographic",
            Category::Financial => "financial",
            Category::FreeText => "free_text",
            Category::OnlineIdentifier => "online_identifier",
            Category::SpecialCategory => "special_category",
            Category::Credential => "credential",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::None => "Not personal",
            Category::Identifier => "Names and identifiers",
            Category::Contact => "Contact details",
            Category::Professional => "Job and employer",
            Category::Demographic => "Gender and similar",
            Category::Financial => "Amounts and billing",
            Category::FreeText => "Notes and free text",
            Category::OnlineIdentifier => "IP addresses and devices",
            Category::SpecialCategory => "Special categories (Art. 9)",
            Category::Credential => "Secrets",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The categories a role can be granted or a tenant can mark sensitive:
    /// every personal one except secrets, which nobody is shown.
    pub fn grantable() -> impl Iterator<Item = Category> {
        Category::ALL
            .into_iter()
            .filter(|c| !matches!(c, Category::None | Category::Credential))
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Whose personal data a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    None,
    Contact,
    StaffUser,
}

/// What erasure of the subject does to the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Erasure {
    /// Not personal: nothing to do.
    Keep,
    /// The whole row goes.
    DeleteRow,
    /// The value becomes NULL.
    SetNull,
    /// The value is replaced by a pseudonym.
    Pseudonymise,
    /// Kept under a legal hold (e.g. tax law), pseudonymised where possible.
    LegalHold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColumnClass {
    pub table: &'static str,
    pub column: &'static str,
    pub category: Category,
    pub subject: Subject,
    pub erasure: Erasure,
    /// Part of the subject's access/portability export.
    pub exported: bool,
    pub description: &'static str,
}

const fn col(
    table: &'static str,
    column: &'static str,
    category: Category,
    subject: Subject,
    erasure: Erasure,
    exported: bool,
    description: &'static str,
) -> ColumnClass {
    ColumnClass {
        table,
        column,
        category,
        subject,
        erasure,
        exported,
        description,
    }
}

/// A non-personal column.
const fn plain(
    table: &'static str,
    column: &'static str,
    description: &'static str,
) -> ColumnClass {
    col(
        table,
        column,
        Category::None,
        Subject::None,
        Erasure::Keep,
        false,
        description,
    )
}

/// A non-personal column that still belongs in the subject's export (ids and
/// timestamps of the subject's own records).
const fn plain_exported(
    table: &'static str,
    column: &'static str,
    description: &'static str,
) -> ColumnClass {
    col(
        table,
        column,
        Category::None,
        Subject::None,
        Erasure::Keep,
        true,
        description,
    )
}

use Category as C;
use Erasure as E;
use Subject as S;

/// Tables that are the operator's, not a tenant's, and so have no tenant_id.
pub const OPERATOR_TABLES: &[&str] = &["schema_migrations"];

pub const CATALOG: &[ColumnClass] = &[
    plain("schema_migrations", "version", "Applied migration number"),
    plain("schema_migrations", "name", "Migration name"),
    plain("schema_migrations", "applied_at", "When it was applied"),
    plain("tenants", "tenant_id", "Tenant key"),
    plain(
        "tenants",
        "name",
        "Company name of the tenant (the controller)",
    ),
    plain("tenants", "created_at", "Creation time"),
    plain(
        "tenants",
        "closed_at",
        "When the tenant was closed (offboarded); empty while it is in use",
    ),
    plain(
        "tenants",
        "closure_counts",
        "Aggregate counts kept at closing (users, records by type and month): no personal value",
    ),
    plain(
        "tenants",
        "password_min_length",
        "Password policy: fewest characters a staff password may have",
    ),
    plain(
        "tenants",
        "require_two_factor",
        "1 when every staff user must use two-factor login",
    ),
    plain(
        "tenants",
        "password_rotation_days",
        "Password policy: days after which a password must be changed; empty for never",
    ),
    plain(
        "tenants",
        "sales_record_scope",
        "How far the built-in sales role reaches: own, team or all records",
    ),
    plain(
        "tenants",
        "support_record_scope",
        "How far the built-in support role reaches: own, team or all records",
    ),
    plain(
        "tenants",
        "sensitive_categories",
        "Catalog categories whose reading needs a stated reason",
    ),
    plain(
        "tenants",
        "request_deadline_days",
        "Days within which the tenant promises to answer a data-subject request, when less than a month",
    ),
    plain("subject_requests", "tenant_id", "Tenant key"),
    plain_exported("subject_requests", "request_id", "Request key"),
    plain_exported(
        "subject_requests",
        "number",
        "Request number as the tenant counts them",
    ),
    plain_exported("subject_requests", "request_type", "Access, portability, rectification, erasure, restriction or objection"),
    plain_exported("subject_requests", "channel", "How the request arrived"),
    plain_exported("subject_requests", "received_on", "Day of receipt"),
    plain_exported("subject_requests", "due_on", "Day the answer is due"),
    plain_exported("subject_requests", "extended_months", "Months the deadline was extended by"),
    col(
        "subject_requests",
        "extension_reason",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Why the deadline was extended",
    ),
    plain_exported("subject_requests", "state", "Where the request stands"),
    plain("subject_requests", "contact_id", "The contact the request is about"),
    col(
        "subject_requests",
        "subject_name",
        C::Identifier,
        S::Contact,
        E::LegalHold,
        true,
        "Who the subject said they are (kept as proof the request was answered)",
    ),
    col(
        "subject_requests",
        "subject_email",
        C::Contact,
        S::Contact,
        E::LegalHold,
        true,
        "The subject's email for the answer",
    ),
    col(
        "subject_requests",
        "details",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "What was asked",
    ),
    plain("subject_requests", "owner_id", "Staff user who owns the request"),
    plain_exported("subject_requests", "identity_verified_at", "When identity was verified"),
    col(
        "subject_requests",
        "identity_method",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "How identity was verified (may name the address or number used)",
    ),
    col(
        "subject_requests",
        "outcome",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Completion note or reason for refusal",
    ),
    plain("subject_requests", "created_at", "Creation time"),
    plain("subject_requests", "updated_at", "Last change"),
    plain("subject_request_events", "tenant_id", "Tenant key"),
    plain("subject_request_events", "event_id", "Step key"),
    plain("subject_request_events", "request_id", "The request"),
    plain_exported("subject_request_events", "occurred_at", "When the step was taken"),
    plain("subject_request_events", "user_id", "Staff user who took the step"),
    plain(
        "subject_request_events",
        "contact_id",
        "The subject, when they took the step themselves in the customer portal (an id only)",
    ),
    plain_exported("subject_request_events", "step", "What was done"),
    plain_exported("subject_request_events", "state", "The request's state after the step"),
    col(
        "subject_request_events",
        "note",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "The step's note (a reason, how identity was checked)",
    ),
    plain("subject_request_contacts", "tenant_id", "Tenant key"),
    plain("subject_request_contacts", "request_id", "The request"),
    plain(
        "subject_request_contacts",
        "contact_id",
        "A contact record staff confirmed as the subject's (kept after erasure as an id only)",
    ),
    plain(
        "subject_request_contacts",
        "confirmed_by",
        "Staff user who confirmed it; empty when the subject's signed-in portal session did",
    ),
    plain("subject_request_contacts", "confirmed_at", "When it was confirmed"),
    plain("erasure_certificates", "tenant_id", "Tenant key"),
    plain("erasure_certificates", "request_id", "The erasure request"),
    plain("erasure_certificates", "issued_at", "When the erasure was carried out"),
    plain("erasure_certificates", "issued_by", "Staff user who carried it out"),
    plain(
        "erasure_certificates",
        "certificate",
        "Tables, columns and row counts the erasure touched (JSON; no personal values)",
    ),
    plain("suppressions", "tenant_id", "Tenant key"),
    plain("suppressions", "kind", "Email or phone"),
    col(
        "suppressions",
        "digest",
        C::Identifier,
        S::Contact,
        E::LegalHold,
        false,
        "Keyed hash (HMAC-SHA256, the tenant's key) of an erased person's email or phone: pseudonymous, kept so the person is recognised instead of recreated",
    ),
    plain("suppressions", "request_id", "The erasure request that added it"),
    plain("suppressions", "created_at", "When it was added"),
    plain(
        "tenants",
        "suppression_key",
        "Secret key of the suppression list's keyed hashes",
    ),
    plain("consent_texts", "tenant_id", "Tenant key"),
    plain("consent_texts", "text_id", "Consent text key"),
    plain("consent_texts", "purpose_id", "The purpose the text asks consent for"),
    plain("consent_texts", "version", "Version of the purpose's consent text"),
    plain("consent_texts", "title", "Heading of the consent text"),
    plain("consent_texts", "body", "The consent text in the tenant's words"),
    plain("consent_texts", "language", "Language of the text (ISO 639-1)"),
    plain("consent_texts", "published_at", "When the text was published; it never changes after"),
    plain("consent_texts", "created_by", "Staff user who wrote it"),
    plain("consent_texts", "created_at", "Creation time"),
    plain("consent_texts", "updated_at", "Last change of the draft"),
    plain("consent_events", "tenant_id", "Tenant key"),
    plain_exported("consent_events", "event_id", "Consent event key"),
    col(
        "consent_events",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::LegalHold,
        true,
        "The subject; after erasure a bare id, kept as proof of what was consented when",
    ),
    plain_exported("consent_events", "purpose_id", "The purpose"),
    plain_exported("consent_events", "text_id", "The consent text (version) agreed to or withdrawn from"),
    plain_exported("consent_events", "action", "Granted or withdrawn"),
    plain_exported("consent_events", "channel", "How it reached us: portal, web form, phone, in person, letter, email link, import"),
    plain_exported("consent_events", "occurred_at", "When the subject acted"),
    col(
        "consent_events",
        "form",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Which form or document carried it",
    ),
    col(
        "consent_events",
        "source_ip",
        C::OnlineIdentifier,
        S::Contact,
        E::SetNull,
        true,
        "IP address the event was recorded from (proof)",
    ),
    col(
        "consent_events",
        "user_agent",
        C::OnlineIdentifier,
        S::Contact,
        E::SetNull,
        true,
        "Browser or program the event was recorded with (proof)",
    ),
    plain("consent_events", "recorded_by", "Staff user who recorded it, if staff did"),
    plain("consent_events", "created_at", "When it was recorded"),
    plain(
        "purposes",
        "direct_marketing",
        "1 when the purpose is direct marketing, which an objection (Art. 21(2)) ends",
    ),
    plain_exported(
        "contacts",
        "marketing_objection_at",
        "When the subject objected to direct marketing (Art. 21(2)); empty when not",
    ),
    plain("purposes", "tenant_id", "Tenant key"),
    plain("purposes", "purpose_id", "Purpose key"),
    plain("purposes", "name", "Purpose of processing"),
    plain("purposes", "description", "What the processing is for"),
    plain("purposes", "lawful_basis", "Art. 6(1) basis"),
    plain(
        "purposes",
        "special_category_condition",
        "Art. 9(2) condition, when special categories are used",
    ),
    plain("purposes", "categories", "Catalog categories the purpose uses"),
    plain("purposes", "retention", "How long data is kept for the purpose"),
    plain("purposes", "recipients", "Who receives the data"),
    plain("purposes", "created_at", "Creation time"),
    plain("purposes", "updated_at", "Last change"),
    plain("roles", "tenant_id", "Tenant key"),
    plain("roles", "role_id", "Tenant role key"),
    plain("roles", "name", "Role name as users' role lists name it"),
    plain("roles", "label", "Role name as shown"),
    plain("roles", "permissions", "Area:action pairs the role grants"),
    plain("roles", "categories", "Catalog categories the role sees"),
    plain("roles", "record_scope", "Own, team or all records"),
    plain("roles", "created_at", "Creation time"),
    plain("roles", "updated_at", "Last change"),
    plain("teams", "tenant_id", "Tenant key"),
    plain("teams", "team_id", "Team key"),
    plain("teams", "name", "Team name, e.g. a sales region"),
    plain("teams", "created_at", "Creation time"),
    plain("teams", "updated_at", "Last change"),
    plain("team_members", "tenant_id", "Tenant key"),
    plain("team_members", "team_id", "Team"),
    plain("team_members", "user_id", "Staff user in the team"),
    plain("users", "tenant_id", "Tenant key"),
    plain("users", "user_id", "Staff user key"),
    col(
        "users",
        "email",
        C::Contact,
        S::StaffUser,
        E::Pseudonymise,
        true,
        "Staff login email",
    ),
    col(
        "users",
        "display_name",
        C::Identifier,
        S::StaffUser,
        E::Pseudonymise,
        true,
        "Staff name as shown",
    ),
    col(
        "users",
        "password_hash",
        C::Credential,
        S::StaffUser,
        E::SetNull,
        false,
        "Argon2id hash",
    ),
    plain(
        "users",
        "roles",
        "Built-in roles held in the tenant, comma-separated",
    ),
    col(
        "users",
        "totp_secret",
        C::Credential,
        S::StaffUser,
        E::SetNull,
        false,
        "Shared secret of the user's authenticator app (TOTP)",
    ),
    col(
        "users",
        "totp_pending_secret",
        C::Credential,
        S::StaffUser,
        E::SetNull,
        false,
        "TOTP secret offered during set-up, until the first code confirms it",
    ),
    plain(
        "users",
        "totp_last_step",
        "Last TOTP time step used, so that a code works once",
    ),
    plain(
        "users",
        "password_changed_at",
        "When the user last set their password",
    ),
    plain(
        "users",
        "disabled_at",
        "When the user's access was ended (a leaver); empty while active",
    ),
    plain("users", "created_at", "Creation time"),
    plain("users", "updated_at", "Last change"),
    plain("sessions", "tenant_id", "Tenant key"),
    col(
        "sessions",
        "session_hash",
        C::OnlineIdentifier,
        S::StaffUser,
        E::DeleteRow,
        false,
        "SHA-256 of the session cookie",
    ),
    plain("sessions", "user_id", "Staff user key"),
    col(
        "sessions",
        "csrf_token",
        C::OnlineIdentifier,
        S::StaffUser,
        E::DeleteRow,
        false,
        "Anti-CSRF token of the session",
    ),
    plain("sessions", "created_at", "Login time"),
    plain("sessions", "expires_at", "Expiry time"),
    plain("sessions", "session_id", "Session key shown to its user (never the cookie or its hash)"),
    plain("sessions", "last_seen_at", "Last use, updated at most every five minutes"),
    col(
        "sessions",
        "source_ip",
        C::OnlineIdentifier,
        S::StaffUser,
        E::DeleteRow,
        false,
        "IP address the session was opened from",
    ),
    col(
        "sessions",
        "user_agent",
        C::OnlineIdentifier,
        S::StaffUser,
        E::DeleteRow,
        false,
        "Browser the session was opened with",
    ),
    plain("staff_links", "tenant_id", "Tenant key"),
    plain("staff_links", "link_id", "One-time link key"),
    plain("staff_links", "user_id", "The staff user the link lets in"),
    plain("staff_links", "purpose", "Invitation or new-password link"),
    col(
        "staff_links",
        "token_hash",
        C::Credential,
        S::StaffUser,
        E::DeleteRow,
        false,
        "SHA-256 of the link's secret (the secret itself is only in the message or shown once)",
    ),
    plain("staff_links", "created_by", "Administrator who made the link"),
    plain("staff_links", "created_at", "When it was made"),
    plain("staff_links", "expires_at", "When the link stops working"),
    plain("staff_links", "used_at", "When it was used (once)"),
    plain("api_tokens", "tenant_id", "Tenant key"),
    plain("api_tokens", "token_id", "Token key"),
    plain("api_tokens", "user_id", "Owner of the token"),
    plain("api_tokens", "name", "Label of the token"),
    col(
        "api_tokens",
        "token_hash",
        C::Credential,
        S::StaffUser,
        E::DeleteRow,
        false,
        "SHA-256 of the bearer token",
    ),
    plain("api_tokens", "created_at", "Creation time"),
    plain("api_tokens", "expires_at", "Expiry time"),
    plain("api_tokens", "revoked_at", "Revocation time"),
    plain("organisations", "tenant_id", "Tenant key"),
    plain("organisations", "organisation_id", "Organisation key"),
    plain(
        "organisations",
        "owner_id",
        "Staff user who owns the account (record scope)",
    ),
    plain("organisations", "name", "Company name"),
    plain(
        "organisations",
        "sort_name",
        "Company name folded for sorting",
    ),
    plain("organisations", "website", "Company website"),
    plain("organisations", "account_number", "Customer account number"),
    plain("organisations", "phone", "Switchboard number"),
    plain("organisations", "billing_street", "Billing address"),
    plain("organisations", "billing_postcode", "Billing address"),
    plain("organisations", "billing_city", "Billing address"),
    plain("organisations", "billing_country", "Billing address"),
    plain("organisations", "postal_street", "Postal address"),
    plain("organisations", "postal_postcode", "Postal address"),
    plain("organisations", "postal_city", "Postal address"),
    plain("organisations", "postal_country", "Postal address"),
    plain("organisations", "created_at", "Creation time"),
    plain("organisations", "updated_at", "Last change"),
    plain("organisations", "version", "Optimistic concurrency version"),
    plain("contacts", "tenant_id", "Tenant key"),
    plain_exported("contacts", "contact_id", "Contact key"),
    plain(
        "contacts",
        "owner_id",
        "Staff user who owns the contact (record scope)",
    ),
    col(
        "contacts",
        "organisation_id",
        C::Professional,
        S::Contact,
        E::DeleteRow,
        true,
        "Employer",
    ),
    col(
        "contacts",
        "gender",
        C::Demographic,
        S::Contact,
        E::DeleteRow,
        true,
        "Gender, for salutation",
    ),
    col(
        "contacts",
        "first_name",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "First name",
    ),
    col(
        "contacts",
        "last_name",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "Last name",
    ),
    col(
        "contacts",
        "sort_name",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        false,
        "Last and first name folded for sorting; derived, so not exported",
    ),
    col(
        "contacts",
        "position",
        C::Professional,
        S::Contact,
        E::DeleteRow,
        true,
        "Job title",
    ),
    col(
        "contacts",
        "emails",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work email addresses",
    ),
    col(
        "contacts",
        "phones",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work phone numbers",
    ),
    col(
        "contacts",
        "work_street",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work address: street",
    ),
    col(
        "contacts",
        "work_postcode",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work address: postcode",
    ),
    col(
        "contacts",
        "work_city",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work address: city",
    ),
    col(
        "contacts",
        "work_country",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "Work address: country",
    ),
    plain_exported(
        "contacts",
        "restricted_at",
        "When processing was restricted at the subject's request (Art. 18); empty when not restricted",
    ),
    plain_exported("contacts", "created_at", "Creation time"),
    plain_exported("contacts", "updated_at", "Last change"),
    plain("contacts", "version", "Optimistic concurrency version"),
    plain("activities", "tenant_id", "Tenant key"),
    plain_exported("activities", "activity_id", "Activity key"),
    plain_exported("activities", "kind", "Call, meeting, email, task or note"),
    plain_exported("activities", "occurred_at", "When it happened"),
    plain("activities", "author_id", "Staff user who recorded it"),
    col(
        "activities",
        "subject",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Subject line",
    ),
    col(
        "activities",
        "body",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Call notes, meeting minutes, email text",
    ),
    plain(
        "activities",
        "organisation_id",
        "Organisation the activity concerns",
    ),
    plain("activities", "created_at", "Creation time"),
    plain("activities", "updated_at", "Last change"),
    plain("activities", "version", "Optimistic concurrency version"),
    plain("activity_contacts", "tenant_id", "Tenant key"),
    plain("activity_contacts", "activity_id", "Linked activity"),
    col(
        "activity_contacts",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "A contact the activity concerns",
    ),
    plain(
        "activity_contacts",
        "occurred_at",
        "Copy of the activity time, for the timeline",
    ),
    plain("assets", "tenant_id", "Tenant key"),
    plain_exported("assets", "asset_id", "Asset key"),
    plain_exported("assets", "product_name", "Product"),
    plain_exported("assets", "serial_number", "Serial number of the product"),
    plain("assets", "control_code", "Control code of the product"),
    plain("assets", "organisation_id", "Owning organisation"),
    col(
        "assets",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::SetNull,
        true,
        "Contact responsible for the asset",
    ),
    plain("assets", "created_at", "Creation time"),
    plain("assets", "updated_at", "Last change"),
    plain("assets", "version", "Optimistic concurrency version"),
    plain("agreements", "tenant_id", "Tenant key"),
    plain("agreements", "agreement_id", "Agreement key"),
    plain("agreements", "title", "Title of the agreement"),
    plain("agreements", "organisation_id", "Contracting organisation"),
    plain("agreements", "start_date", "Start of term"),
    plain("agreements", "end_date", "End of term"),
    col(
        "agreements",
        "value_minor",
        C::Financial,
        S::None,
        E::LegalHold,
        false,
        "Contract value in minor units",
    ),
    plain("agreements", "currency", "Currency of the value"),
    plain(
        "agreements",
        "status",
        "Draft, active, expired or terminated",
    ),
    plain("agreements", "created_at", "Creation time"),
    plain("agreements", "updated_at", "Last change"),
    plain("agreements", "version", "Optimistic concurrency version"),
    plain("search_entries", "tenant_id", "Tenant key"),
    plain("search_entries", "record_type", "Organisation or contact"),
    plain("search_entries", "record_id", "Key of the indexed record"),
    col(
        "search_entries",
        "label",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        false,
        "Name shown in search results",
    ),
    col(
        "search_entries",
        "detail",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        false,
        "Second line shown in search results",
    ),
    col(
        "search_entries",
        "terms",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        false,
        "Words of names, emails and phones, for full-text search",
    ),
    plain(
        "audit_entries",
        "record_ids",
        "Ids of the records a list showed (the entry covers them all)",
    ),
    plain("audit_entry_records", "tenant_id", "Tenant key"),
    plain("audit_entry_records", "record_type", "Type of a record a list showed"),
    plain("audit_entry_records", "record_id", "Key of a record a list showed"),
    plain("audit_entry_records", "seq", "The list entry's chain position"),
    plain("audit_entries", "tenant_id", "Tenant key"),
    plain(
        "audit_entries",
        "audit_id",
        "Entry key, in order of writing",
    ),
    plain("audit_entries", "occurred_at", "When"),
    plain("audit_entries", "actor_kind", "User, API token or system"),
    plain("audit_entries", "actor_id", "Which user or token"),
    plain("audit_entries", "action", "Create, update or delete"),
    plain("audit_entries", "record_type", "Type of the record"),
    plain("audit_entries", "record_id", "Key of the record"),
    plain(
        "audit_entries",
        "fields",
        "Names (never values) of the changed fields",
    ),
    plain(
        "audit_entries",
        "seq",
        "Position in the tenant's hash chain, without gaps",
    ),
    plain(
        "audit_entries",
        "entry_hash",
        "SHA-256 committing to this entry and the one before",
    ),
    plain(
        "audit_entries",
        "context_digest",
        "Salted digest of the client context, which the chain commits to",
    ),
    col(
        "audit_entries",
        "context_salt",
        C::OnlineIdentifier,
        S::StaffUser,
        E::SetNull,
        false,
        "Random salt of the context digest; blanked with the context, so the digest can no longer be matched",
    ),
    col(
        "audit_entries",
        "source_ip",
        C::OnlineIdentifier,
        S::StaffUser,
        E::SetNull,
        false,
        "IP address the actor came from",
    ),
    col(
        "audit_entries",
        "user_agent",
        C::OnlineIdentifier,
        S::StaffUser,
        E::SetNull,
        false,
        "Browser or program the actor used",
    ),
    col(
        "audit_entries",
        "reason",
        C::FreeText,
        S::StaffUser,
        E::SetNull,
        false,
        "Reason the actor stated for accessing a sensitive category",
    ),
    plain("audit_heads", "tenant_id", "Tenant key"),
    plain("audit_heads", "seq", "Position of the tenant's newest audit entry"),
    plain("audit_heads", "entry_hash", "Hash of the tenant's newest audit entry"),
    plain("audit_checkpoints", "tenant_id", "Tenant key"),
    plain("audit_checkpoints", "seq", "Chain position the checkpoint covers"),
    plain("audit_checkpoints", "entry_hash", "Hash of the chain at that position"),
    plain("audit_checkpoints", "created_at", "When the checkpoint was signed"),
    plain(
        "audit_checkpoints",
        "public_key",
        "The operator's Ed25519 public key that signed it",
    ),
    plain("audit_checkpoints", "signature", "Ed25519 signature of the checkpoint"),
    plain(
        "tenants",
        "contract_ends_on",
        "The day the tenant's contract with the operator ends (a retention trigger)",
    ),
    plain(
        "activities",
        "anonymised_at",
        "When a retention rule anonymised the activity",
    ),
    plain(
        "users",
        "anonymised_at",
        "When a retention rule anonymised the account of a staff member who left",
    ),
    plain("retention_rules", "tenant_id", "Tenant key"),
    plain("retention_rules", "rule_id", "Retention rule key"),
    plain("retention_rules", "record_type", "The records the rule acts on"),
    plain("retention_rules", "starts_from", "The trigger the period counts from"),
    plain("retention_rules", "period", "The period, ISO 8601"),
    plain("retention_rules", "action", "Review, anonymise or delete"),
    plain("retention_rules", "activity_kind", "Limits a rule on activities to one kind"),
    plain("retention_rules", "description", "The tenant's words for the rule"),
    plain("retention_rules", "enabled", "1 when the rule runs"),
    plain("retention_rules", "created_at", "Creation time"),
    plain("retention_rules", "updated_at", "Last change"),
    plain("legal_holds", "tenant_id", "Tenant key"),
    plain("legal_holds", "hold_id", "Legal hold key"),
    plain("legal_holds", "target_type", "Contact, organisation or activity"),
    plain(
        "legal_holds",
        "target_id",
        "The held record (a contact, for holds on a data subject; an id only)",
    ),
    col(
        "legal_holds",
        "reason",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "Why the data is held; may name the claim or the person",
    ),
    plain("legal_holds", "owner_id", "The staff user who answers for the hold"),
    plain("legal_holds", "review_on", "The day the hold is to be reviewed by"),
    plain("legal_holds", "created_by", "The staff user who placed the hold"),
    plain("legal_holds", "created_at", "When the hold was placed"),
    plain("legal_holds", "released_at", "When the hold was released"),
    plain("legal_holds", "released_by", "The staff user who released it"),
    col(
        "legal_holds",
        "release_reason",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "Why the hold was released",
    ),
    plain("record_access", "tenant_id", "Tenant key"),
    plain("record_access", "record_type", "Contact or activity"),
    plain(
        "record_access",
        "record_id",
        "The record that was read (an id only; an erased contact's row goes with it)",
    ),
    plain(
        "record_access",
        "accessed_on",
        "The day the record was last read by staff (one write per record and day)",
    ),
    plain(
        "retention_runs",
        "runner",
        "The process carrying out the run (boot id and process id), to tell a crashed run",
    ),
    plain("retention_runs", "tenant_id", "Tenant key"),
    plain("retention_runs", "run_id", "Retention run key"),
    plain("retention_runs", "started_by_kind", "Schedule, command or staff"),
    plain("retention_runs", "started_by", "The staff user who started it"),
    plain("retention_runs", "started_at", "Start time"),
    plain("retention_runs", "heartbeat_at", "Last progress written"),
    plain("retention_runs", "finished_at", "End time"),
    plain("retention_runs", "status", "Running, completed, interrupted or failed"),
    plain("retention_runs", "counts", "Records acted on per rule, with example ids (JSON)"),
    plain(
        "retention_runs",
        "search_purge_pending",
        "Whether erased contacts' search entries still wait to be purged from the search index",
    ),
    plain("retention_reviews", "tenant_id", "Tenant key"),
    plain("retention_reviews", "review_id", "Review list entry key"),
    plain("retention_reviews", "rule_id", "The rule that listed the record"),
    plain("retention_reviews", "record_type", "Contact, activity or staff user"),
    plain(
        "retention_reviews",
        "record_id",
        "The listed record (kept after deletion as an id only)",
    ),
    plain("retention_reviews", "run_id", "The run that listed it"),
    plain("retention_reviews", "listed_at", "When it was listed"),
    plain("retention_reviews", "decision", "Approve (delete) or keep"),
    plain("retention_reviews", "decided_at", "When it was decided"),
    plain("retention_reviews", "decided_by", "The staff user who decided"),
    col(
        "retention_reviews",
        "reason",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "Why the record was kept",
    ),
    plain("retention_reviews", "keep_until", "Kept from every rule until this day"),
    plain(
        "tenants",
        "ticket_counter",
        "The number the tenant's last ticket got",
    ),
    plain(
        "tenants",
        "request_counter",
        "The number the tenant's last data-subject request got",
    ),
    plain("canned_replies", "tenant_id", "Tenant key"),
    plain("canned_replies", "reply_id", "Canned reply key"),
    plain(
        "canned_replies",
        "title",
        "What staff pick the reply by; a template, no one's data",
    ),
    plain(
        "canned_replies",
        "body",
        "The text a reply starts with; a template for everyone, no one's data",
    ),
    plain("canned_replies", "created_at", "When it was written"),
    plain("canned_replies", "updated_at", "When it was last changed"),
    plain("canned_replies", "version", "Edit counter for optimistic concurrency"),
    plain("tickets", "tenant_id", "Tenant key"),
    plain_exported("tickets", "ticket_id", "Ticket key"),
    plain_exported("tickets", "number", "Ticket number as the tenant counts them"),
    col(
        "tickets",
        "subject",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "What the ticket is about, as the requester or staff put it",
    ),
    col(
        "tickets",
        "description",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "The problem or question in the requester's words",
    ),
    plain_exported("tickets", "status", "New, open, pending, resolved or closed"),
    plain_exported("tickets", "priority", "Low, normal, high or urgent"),
    plain_exported("tickets", "category", "The tenant's category for the ticket"),
    plain("tickets", "organisation_id", "Organisation the ticket is for"),
    col(
        "tickets",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "The contact person who asked: their tickets are theirs, and go with them on erasure",
    ),
    plain("tickets", "assignee_id", "Staff user working on it"),
    plain("tickets", "created_by", "Staff user who recorded it, if staff did"),
    plain_exported("tickets", "first_response_due_at", "When the first answer is due by the service level"),
    plain_exported("tickets", "resolution_due_at", "When the resolution is due by the service level"),
    plain_exported("tickets", "first_responded_at", "When staff first answered the requester"),
    plain_exported("tickets", "resolved_at", "When it was resolved"),
    plain_exported("tickets", "closed_at", "When it was closed"),
    plain_exported("tickets", "created_at", "When it was raised"),
    plain("tickets", "updated_at", "Last change"),
    plain("tickets", "version", "Optimistic concurrency version"),
    plain("ticket_messages", "tenant_id", "Tenant key"),
    plain_exported("ticket_messages", "message_id", "Message key"),
    plain_exported("ticket_messages", "ticket_id", "The ticket"),
    plain_exported("ticket_messages", "visibility", "Public reply, or internal note staff alone see"),
    col(
        "ticket_messages",
        "body",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "The reply or note",
    ),
    plain("ticket_messages", "author_user_id", "Staff user who wrote it"),
    col(
        "ticket_messages",
        "author_contact_id",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "The contact person who wrote it (portal); the messages of a subject's tickets go with them",
    ),
    plain_exported("ticket_messages", "created_at", "When it was written"),
    plain("ticket_service_levels", "tenant_id", "Tenant key"),
    plain("ticket_service_levels", "priority", "The priority the times are for"),
    plain(
        "ticket_service_levels",
        "first_response_minutes",
        "Minutes until the first answer is due",
    ),
    plain(
        "ticket_service_levels",
        "resolution_minutes",
        "Minutes until the resolution is due",
    ),
    plain("ticket_service_levels", "updated_at", "Last change"),
    plain("outbox", "tenant_id", "Tenant key"),
    plain_exported("outbox", "mail_id", "Message key"),
    col(
        "outbox",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "The contact person the message was written to; their messages go with them on erasure",
    ),
    col(
        "outbox",
        "recipient",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "The address the message goes to",
    ),
    col(
        "outbox",
        "subject",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "Subject line (a ticket number, no content)",
    ),
    col(
        "outbox",
        "body",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "The text sent: a notice with a link, never a ticket's content",
    ),
    plain_exported("outbox", "purpose", "Why it was sent: a reply on a ticket, a portal invitation or sign-in link"),
    plain("outbox", "record_type", "The record it is about"),
    plain("outbox", "record_id", "The record it is about"),
    plain_exported("outbox", "status", "Waiting, sent or given up"),
    plain("outbox", "attempts", "Sends tried so far"),
    plain("outbox", "next_attempt_at", "When the next send is tried"),
    col(
        "outbox",
        "last_error",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "Why the last send failed (a mail server's answer may name the address)",
    ),
    plain_exported("outbox", "created_at", "When it was written"),
    plain_exported("outbox", "sent_at", "When the mail server took it"),
    col(
        "outbox",
        "secret_link",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "A one-time link the message carries (invitation, sign-in), put into the text only when sending and forgotten after",
    ),
    plain("portal_accounts", "tenant_id", "Tenant key"),
    plain_exported("portal_accounts", "account_id", "Portal account key"),
    col(
        "portal_accounts",
        "contact_id",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "The contact person the account is for; it goes with them on erasure",
    ),
    col(
        "portal_accounts",
        "email",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "The address they log in with",
    ),
    col(
        "portal_accounts",
        "password_hash",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "Argon2id hash of their portal password",
    ),
    plain_exported(
        "portal_accounts",
        "organisation_access",
        "1 when they see their organisation's tickets, not only their own",
    ),
    plain("portal_accounts", "invited_by", "Staff user who invited them"),
    plain_exported("portal_accounts", "invited_at", "When they were invited"),
    plain_exported("portal_accounts", "activated_at", "When they chose their password"),
    plain_exported("portal_accounts", "disabled_at", "When staff ended their access"),
    plain_exported("portal_accounts", "last_login_at", "When they last logged in"),
    plain(
        "tenants",
        "portal_registration",
        "Who may register for the portal without an invitation: off, known_contacts or anyone",
    ),
    plain("portal_registrations", "tenant_id", "Tenant key"),
    plain("portal_registrations", "registration_id", "Registration key"),
    col(
        "portal_registrations",
        "email",
        C::Contact,
        S::Contact,
        E::DeleteRow,
        true,
        "The address the person registered with, until they confirm it",
    ),
    col(
        "portal_registrations",
        "first_name",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "First name as the person gave it, until they confirm their address",
    ),
    col(
        "portal_registrations",
        "last_name",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "Last name as the person gave it, until they confirm their address",
    ),
    plain(
        "portal_registrations",
        "contact_id",
        "The contact already known by this email, when there is one",
    ),
    col(
        "portal_registrations",
        "token_hash",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "SHA-256 of the confirmation link's secret (the secret itself is only in the message)",
    ),
    plain_exported("portal_registrations", "expires_at", "When the confirmation link stops working"),
    plain_exported("portal_registrations", "created_at", "When the person registered"),
    plain("portal_links", "tenant_id", "Tenant key"),
    plain("portal_links", "link_id", "One-time link key"),
    plain("portal_links", "account_id", "The account the link lets in"),
    plain("portal_links", "purpose", "Invitation or sign-in link"),
    col(
        "portal_links",
        "token_hash",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "SHA-256 of the link's secret (the secret itself is only in the message)",
    ),
    plain("portal_links", "expires_at", "When the link stops working"),
    plain("portal_links", "used_at", "When it was used (once)"),
    plain("portal_links", "created_at", "When it was made"),
    plain("portal_sessions", "tenant_id", "Tenant key"),
    plain("portal_sessions", "session_id", "Portal session key"),
    plain("portal_sessions", "account_id", "The account logged in"),
    col(
        "portal_sessions",
        "token_hash",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "SHA-256 of the session cookie",
    ),
    col(
        "portal_sessions",
        "csrf_token",
        C::Credential,
        S::Contact,
        E::DeleteRow,
        false,
        "The session's token for forms",
    ),
    plain("portal_sessions", "created_at", "When they logged in"),
    plain("portal_sessions", "last_seen_at", "Last use (written at most every five minutes)"),
    plain("portal_sessions", "expires_at", "When the session ends unless used"),
    plain("faq_articles", "tenant_id", "Tenant key"),
    plain("faq_articles", "article_id", "FAQ article key"),
    col(
        "faq_articles",
        "title",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "The question; made impersonal before publishing, redacted again if its ticket's person is erased",
    ),
    col(
        "faq_articles",
        "body",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        false,
        "The answer; made impersonal before publishing, redacted again if its ticket's person is erased",
    ),
    plain("faq_articles", "category", "Topic the article is listed under"),
    plain("faq_articles", "published_at", "When it was published; empty for a draft"),
    col(
        "faq_articles",
        "source_ticket_id",
        C::Identifier,
        S::Contact,
        E::SetNull,
        false,
        "The ticket it was made from (internal, never shown in the portal); cleared when that ticket's person is erased",
    ),
    plain("faq_articles", "created_by", "Staff user who wrote it"),
    plain("faq_articles", "created_at", "Creation time"),
    plain("faq_articles", "updated_at", "Last change"),
    plain("faq_articles", "version", "Optimistic concurrency version"),
    plain("ticket_attachments", "tenant_id", "Tenant key"),
    plain_exported("ticket_attachments", "attachment_id", "Attachment key"),
    plain_exported("ticket_attachments", "ticket_id", "The ticket"),
    col(
        "ticket_attachments",
        "file_name",
        C::FreeText,
        S::Contact,
        E::Pseudonymise,
        true,
        "The file's name as uploaded",
    ),
    plain_exported("ticket_attachments", "content_type", "The file's kind, told by its content"),
    plain_exported("ticket_attachments", "size_bytes", "The file's size"),
    col(
        "ticket_attachments",
        "content",
        C::FreeText,
        S::Contact,
        E::DeleteRow,
        false,
        "The file itself (a screenshot, a log, a document); it goes with the ticket's person on erasure",
    ),
    plain("ticket_attachments", "uploaded_by_user", "Staff user who attached it"),
    col(
        "ticket_attachments",
        "uploaded_by_contact",
        C::Identifier,
        S::Contact,
        E::DeleteRow,
        true,
        "The contact person who attached it (portal)",
    ),
    plain_exported("ticket_attachments", "created_at", "When it was attached"),
];

/// The personal columns of a table that a screen or an API answer can show:
/// the field names a read's audit entry names. Credentials are never shown;
/// sort keys are derived from names and only order lists.
pub fn shown_personal_columns(table_name: &str) -> Vec<&'static str> {
    table(table_name)
        .filter(|c| c.category != Category::None && c.category != Category::Credential)
        .filter(|c| c.column != "sort_name")
        .map(|c| c.column)
        .collect()
}

/// The category of one column; None (not personal) for a column the
/// catalog does not know, which the schema test rules out.
pub fn category_of(table_name: &str, column: &str) -> Category {
    table(table_name)
        .find(|c| c.column == column)
        .map_or(Category::None, |c| c.category)
}

/// The catalog entries of one table.
pub fn table(name: &str) -> impl Iterator<Item = &'static ColumnClass> + '_ {
    CATALOG.iter().filter(move |c| c.table == name)
}

/// What a table holds, as a person would say it ("call notes and other
/// activities"), for screens that list what happens to someone's data.
pub fn table_label(table_name: &str) -> String {
    let known = match table_name {
        "contacts" => "Contact record",
        "activities" => "Call notes, meetings, emails and tasks",
        "activity_contacts" => "Links to activities",
        "assets" => "Assets",
        "tickets" => "Support tickets",
        "ticket_messages" => "Ticket replies and notes",
        "ticket_attachments" => "Files on tickets",
        "consent_events" => "Consent history",
        "subject_requests" => "Privacy requests",
        "subject_request_events" => "Steps of privacy requests",
        "portal_accounts" => "Customer portal account",
        "portal_links" => "Customer portal sign-in links",
        "portal_sessions" => "Customer portal sessions",
        "portal_registrations" => "Customer portal registrations",
        "search_entries" => "Search index",
        "audit_entries" => "Audit trail (context of entries)",
        "faq_articles" => "FAQ articles",
        "retention_reviews" => "Retention reviews",
        "legal_holds" => "Legal holds",
        "outbox" => "Sent and waiting emails",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let words = table_name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// A column as a person would name it: its catalog description up to the
/// first explanation ("Work email addresses", "Call notes, meeting minutes,
/// email text"); the column's name for a column the catalog does not know.
pub fn column_label(table_name: &str, column: &str) -> String {
    let Some(class) = table(table_name).find(|c| c.column == column) else {
        return column.replace('_', " ");
    };
    let label = class
        .description
        .split([';', '('])
        .next()
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .unwrap_or(class.description);
    // "Work address: street" names a part; "The contact person who asked:
    // their tickets are theirs, …" explains, and the explanation goes.
    match label.split_once(':') {
        Some((named, explained)) if explained.split_whitespace().count() > 3 => {
            named.trim().to_string()
        }
        _ => label.to_string(),
    }
}

/// Every table the catalog knows, in catalog order.
pub fn tables() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for c in CATALOG {
        if !names.contains(&c.table) {
            names.push(c.table);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_columns_have_names_people_read() {
        assert_eq!(
            table_label("activities"),
            "Call notes, meetings, emails and tasks"
        );
        assert_eq!(table_label("retention_runs"), "Retention runs");
        assert_eq!(column_label("contacts", "emails"), "Work email addresses");
        assert_eq!(column_label("contacts", "work_city"), "Work address: city");
        assert_eq!(
            column_label("tickets", "contact_id"),
            "The contact person who asked"
        );
        assert_eq!(column_label("nowhere", "odd_column"), "odd column");
    }

    #[test]
    fn no_column_is_listed_twice() {
        for (i, a) in CATALOG.iter().enumerate() {
            assert!(
                !CATALOG[i + 1..]
                    .iter()
                    .any(|b| a.table == b.table && a.column == b.column),
                "{}.{} is classified twice",
                a.table,
                a.column
            );
        }
    }

    #[test]
    fn personal_columns_name_their_subject_and_erasure() {
        for c in CATALOG {
            let personal = c.category != Category::None;
            assert_eq!(
                personal,
                c.erasure != Erasure::Keep,
                "{}.{}",
                c.table,
                c.column
            );
            if c.category != Category::None && c.category != Category::Financial {
                assert_ne!(c.subject, Subject::None, "{}.{}", c.table, c.column);
            }
        }
    }

    #[test]
    fn every_tenant_table_has_tenant_id() {
        for t in tables() {
            if !OPERATOR_TABLES.contains(&t) {
                assert!(
                    table(t).any(|c| c.column == "tenant_id"),
                    "{t} has no tenant_id"
                );
            }
        }
    }
}
