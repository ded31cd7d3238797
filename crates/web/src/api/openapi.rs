//! The OpenAPI 3.1 document, generated from the resource table and the
//! types' schemas, and a readable reference page rendered from it.

use super::account::{
    EndedAccess, RolesInput, SessionView, StaffLinkView, TokenView, TwoFactorSetting, UserView,
};
use super::audit::{AuditEntryView, AuditPage};
use super::operation::Operation;
use super::portal::PortalAccess;
use super::resources::{
    Activities, Agreements, Assets, CannedReplies, Contacts, FaqArticles, Organisations, Resource,
    Tickets,
};
use super::retention::{ContractEnd, HoldRelease};
use super::teams::{TeamMember, TeamView};
use super::SearchResult;
use super::{
    account, attachments, audit, consent, helpdesk, outbox, portal, purposes, requests, retention,
    roles, teams,
};
use crate::problem::Problem;
use axum::http::Method;
use custodian_app::records::Filter;
use custodian_core::access::RecordScope;
use custodian_core::access::{Action, Area};
use custodian_core::access_settings::AccessSettingsInput;
use custodian_core::activities::{Activity, ActivityInput, ActivityKind, LinkedContact};
use custodian_core::agreements::{Agreement, AgreementInput, AgreementStatus};
use custodian_core::assets::{Asset, AssetInput};
use custodian_core::audit::RecordType;
use custodian_core::contacts::{Contact, ContactInput, Gender};
use custodian_core::custom_roles::{RoleDescription, RoleInput};
use custodian_core::helpdesk::{
    FaqArticle, FaqDraft, FaqInput, Finding, FindingKind, MessageInput, MessageVisibility,
    ServiceLevel, ServiceLevels, ServiceLevelsInput, Ticket, TicketAttachment, TicketInput,
    TicketMessage, TicketPriority, TicketStatus,
};
use custodian_core::mail::{MailPurpose, MailStatus, OutboxMail};
use custodian_core::organisations::{Organisation, OrganisationInput};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::portal::registration::RegistrationSettings;
use custodian_core::portal::{PortalAccessInput, PortalAccount};
use custodian_core::privacy::consent::{
    ConsentAction, ConsentChannel, ConsentEvent, ConsentEventInput, ConsentLedger, ConsentState,
    ConsentText, ConsentTextInput,
};
use custodian_core::privacy::erasure::{ErasureCertificate, TableOutcome};
use custodian_core::privacy::fulfilment::{
    ErasureConfirmation, ObjectionInput, RestrictionInput, SubjectsInput,
};
use custodian_core::privacy::rectification::{ContactCorrection, RectificationInput};
use custodian_core::privacy::requests::{
    Channel, DeadlinePolicy, Extension, IdentityCheck, RequestInput, RequestState, RequestStep,
    RequestType, StateChange, SubjectRequest,
};
use custodian_core::privacy::subjects::{RecordCounts, SubjectCandidate};
use custodian_core::purposes::{LawfulBasis, Purpose, PurposeInput, SpecialCondition};
use custodian_core::retention::{
    DecisionOutcome, HoldFields, HoldTarget, LegalHold, RetainedType, RetentionAction,
    RetentionRule, RetentionTrigger, ReviewDecisionFields, ReviewEntry, RuleCount, RuleInput,
    RunCounts, RunSummary,
};
use custodian_core::teams::TeamInput;
use custodian_core::values::Address;
use custodian_core::FieldError;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, PathsBuilder, Ref, Required, ResponseBuilder};
use utoipa::OpenApi as _;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Custodian API",
        version = "1",
        description = "The JSON API of Custodian, a privacy-first CRM. Authenticate with `Authorization: Bearer <token>` (create one on your account page, /account, or with `custodian admin token create`). Errors are RFC 9457 problem+json with a stable `code`. Lists are cursor-paginated. Updates need `If-Match` with the ETag of the version you edited. Fields your roles may not see come back empty and are named in `masked_fields`; records outside your roles' reach (own, team or all records) do not exist for you. Where the tenant marks a category sensitive, send `X-Access-Reason: <why>` to see it: the reason is kept in the audit trail, and a read that hid such fields answers `Custodian-Access-Reason: required`."
    ),
    components(schemas(
        TicketAttachment,
        FaqArticle,
        FaqInput,
        custodian_core::helpdesk::CannedReply,
        custodian_core::helpdesk::CannedReplyInput,
        FaqDraft,
        custodian_core::helpdesk::BulkTicketInput,
        custodian_core::helpdesk::BulkOutcome,
        custodian_core::helpdesk::BulkRefusal,
        Finding,
        FindingKind,
        PortalAccount,
        RegistrationSettings,
        PortalAccessInput,
        PortalAccess,
        OutboxMail,
        MailStatus,
        MailPurpose,
        Ticket,
        TicketInput,
        TicketStatus,
        TicketPriority,
        TicketMessage,
        MessageInput,
        MessageVisibility,
        ServiceLevel,
        ServiceLevels,
        ServiceLevelsInput,
        Organisation,
        OrganisationInput,
        Contact,
        ContactInput,
        Gender,
        Address,
        Activity,
        ActivityInput,
        ActivityKind,
        LinkedContact,
        Asset,
        AssetInput,
        Agreement,
        AgreementInput,
        AgreementStatus,
        Problem,
        FieldError,
        SearchResult,
        super::dashboard::DashboardView,
        super::dashboard::HelpdeskView,
        super::dashboard::PrivacyView,
        custodian_core::dashboard::TicketTotals,
        custodian_core::dashboard::TicketWeek,
        custodian_core::dashboard::RequestMonth,
        custodian_core::page::Count,
        AuditEntryView,
        AuditPage,
        SessionView,
        TokenView,
        UserView,
        StaffLinkView,
        custodian_core::invitations::InvitationInput,
        RolesInput,
        EndedAccess,
        PasswordPolicy,
        TwoFactorSetting,
        RoleInput,
        RoleDescription,
        RecordScope,
        AccessSettingsInput,
        TeamInput,
        Purpose,
        PurposeInput,
        SubjectRequest,
        RequestStep,
        RequestInput,
        RequestType,
        RequestState,
        Channel,
        StateChange,
        Extension,
        IdentityCheck,
        DeadlinePolicy,
        LawfulBasis,
        SpecialCondition,
        TeamView,
        TeamMember,
        SubjectCandidate,
        RecordCounts,
        SubjectsInput,
        ErasureConfirmation,
        TableOutcome,
        ErasureCertificate,
        RectificationInput,
        ContactCorrection,
        RestrictionInput,
        ObjectionInput,
        ConsentText,
        ConsentTextInput,
        ConsentEvent,
        ConsentEventInput,
        ConsentLedger,
        ConsentState,
        ConsentAction,
        ConsentChannel,
        RetentionRule,
        RuleInput,
        RetainedType,
        RetentionTrigger,
        RetentionAction,
        ContractEnd,
        LegalHold,
        HoldFields,
        HoldTarget,
        HoldRelease,
        RunCounts,
        RuleCount,
        RunSummary,
        ReviewEntry,
        ReviewDecisionFields,
        DecisionOutcome
    ))
)]
struct Components;

fn json_ref(schema: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(schema)))
        .build()
}

/// The answers an operation can give before its handler runs, from what
/// it takes: a body can be unreadable (400, also a NUL character in any
/// text), over the limit (413), of another media type (415) or not of the
/// schema (422); query parameters can be unreadable (400); an id can name
/// nothing in the tenant (404). Each is problem+json
/// (`problem::api_errors_as_problems`).
fn document_framework_refusals(paths: &mut utoipa::openapi::Paths) {
    for (path, item) in paths.paths.iter_mut() {
        for operation in [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let mut shared = Vec::new();
            if operation.request_body.is_some() {
                shared.extend([
                    ("400", "The body cannot be read (malformed_json), or a text holds a NUL character (nul_character)"),
                    ("413", "The body is larger than the operation accepts (payload_too_large)"),
                    ("415", "The body is not of the media type the operation takes (unsupported_media_type)"),
                    ("422", "The body does not fit the schema: a field missing, unknown or of the wrong type (invalid_body), or a value refused (validation_failed)"),
                ]);
            }
            let takes_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| parameter.parameter_in == ParameterIn::Query);
            if takes_query {
                shared.push(("400", "A query parameter cannot be read (invalid_query) or is not one this operation offers"));
            }
            if path.contains("{id}") {
                shared.push(("404", "No such record in your tenant (not_found)"));
            }
            for (status, description) in shared {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem_response(description).into());
            }
        }
    }
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", json_ref("Problem"))
        .build()
}

fn typed(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(kind)
}

fn query(name: &str, description: &str, schema: ObjectBuilder) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

fn id_parameter() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(
            typed(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        ))
        .build()
}

/// Answers every operation can give, besides its own.
fn with_common_answers(operation: OperationBuilder) -> OperationBuilder {
    operation
        .response("401", problem_response("No valid API token"))
        .response(
            "403",
            problem_response(
                "Your role does not allow this (forbidden); on a list, the word filter searches a field your role does not see (filter_on_hidden_field); on an export, your role does not see every personal category it holds (export_needs_every_category)",
            ),
        )
}

/// The five operations every record type has (list, create, read,
/// replace, delete), all answered by the generic handlers.
fn resource_operations<R: Resource>(record_type: RecordType) -> Vec<Operation> {
    let area = custodian_app::area_of(record_type);
    let tag = R::PATH;
    let ok = |status: &str| {
        ResponseBuilder::new()
            .description(status)
            .content("application/json", json_ref(R::RECORD))
            .build()
    };
    let body = || {
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content("application/json", json_ref(R::INPUT))
            .build()
    };
    let mut list = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("list_{}", R::PATH)))
        .summary(Some(format!("List {}", R::PATH)))
        .parameter(query(
            "cursor",
            "The next_cursor of the previous page, or the previous_cursor of the next",
            typed(Type::String),
        ))
        .parameter(query(
            "limit",
            "Page size, 1 to 200 (default 25)",
            typed(Type::Integer).minimum(Some(1)).maximum(Some(200)),
        ))
        .parameter(query(
            "count",
            "true: also count the records that match (total), up to 10,000",
            typed(Type::Boolean),
        ))
        .parameter(query(
            "sort",
            &format!("One of: {}; prefix with - to sort descending", R::SORTS),
            typed(Type::String),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("A page")
                .content("application/json", json_ref(&format!("{}Page", R::RECORD)))
                .build(),
        )
        .response(
            "400",
            problem_response("Bad cursor, sort, limit, or a filter this list does not offer"),
        );
    for (filter, meaning) in R::FILTERS {
        let schema = match filter {
            Filter::Organisation | Filter::Contact | Filter::Assignee => typed(Type::Integer),
            Filter::NamePrefix | Filter::Kind | Filter::Status | Filter::Priority => {
                typed(Type::String)
            }
        };
        list = list.parameter(query(filter.parameter(), meaning, schema));
    }
    let create = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("create_{}", R::PATH)))
        .summary(Some(format!("Create one of {}", R::PATH)))
        .request_body(Some(body()))
        .response("201", ok("Created; ETag holds the version"))
        .response("400", problem_response("The body is not valid JSON"))
        .response(
            "409",
            problem_response("A unique value is taken, e.g. an account number"),
        )
        .response("415", problem_response("Not JSON"))
        .response(
            "422",
            problem_response("A field is invalid or refers to a record that does not exist"),
        );
    let read = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("get_{}", R::PATH)))
        .summary(Some("Read one; ETag holds the version"))
        .parameter(id_parameter())
        .response("200", ok("The record"))
        .response("404", problem_response("No such record in your tenant"));
    let update = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("update_{}", R::PATH)))
        .summary(Some("Replace one; needs If-Match"))
        .parameter(id_parameter())
        .parameter(
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some("The ETag of the version you edited, e.g. \"3\""))
                .schema(Some(typed(Type::String)))
                .build(),
        )
        .request_body(Some(body()))
        .response("200", ok("Updated"))
        .response(
            "400",
            problem_response("The body is not valid JSON, or If-Match is not an ETag"),
        )
        .response("404", problem_response("No such record in your tenant"))
        .response("409", problem_response("A unique value is taken"))
        .response("412", problem_response("Someone else changed it first"))
        .response("415", problem_response("Not JSON"))
        .response(
            "422",
            problem_response("A field is invalid or refers to a record that does not exist"),
        )
        .response("428", problem_response("If-Match missing"));
    let delete = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("delete_{}", R::PATH)))
        .summary(Some("Delete one"))
        .parameter(id_parameter())
        .response("204", ResponseBuilder::new().description("Deleted").build())
        .response("404", problem_response("No such record in your tenant"))
        .response(
            "409",
            problem_response("Still in use, e.g. an organisation with agreements"),
        );
    let (collection, item) = (format!("/{}", R::PATH), format!("/{}/{{id}}", R::PATH));
    vec![
        Operation::new(Method::GET, &collection, super::list::<R>, list).needs(area, Action::Read),
        Operation::new(Method::POST, &collection, super::create::<R>, create)
            .needs(area, Action::Create),
        Operation::new(Method::GET, &item, super::read::<R>, read)
            .needs(area, Action::Read)
            .id_of(record_type),
        Operation::new(Method::PUT, &item, super::update::<R>, update)
            .needs(area, Action::Update)
            .id_of(record_type),
        Operation::new(Method::DELETE, &item, super::delete::<R>, delete)
            .needs(area, Action::Delete)
            .id_of(record_type),
    ]
}

fn json_list(schema: &str, description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(
                    ArrayBuilder::new().items(Ref::from_schema_name(schema)),
                ))
                .build(),
        )
        .build()
}

fn no_content(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new().description(description).build()
}

/// The caller's sessions and tokens, and the administrator's users.
fn account_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, tag: &str, summary: &str| {
        OperationBuilder::new()
            .tag(tag)
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let sessions = operation(
        "my_sessions",
        "account",
        "Your live sessions: where and when you logged in, and when each was last used",
    )
    .response("200", json_list("SessionView", "Newest first"));
    let end_session = operation("end_my_session", "account", "End one of your sessions")
        .parameter(id_parameter())
        .response("204", no_content("Ended"))
        .response("404", problem_response("Not a session of yours"));
    let tokens = operation(
        "my_tokens",
        "account",
        "Your API tokens, live and revoked (never the secrets). Tokens are made in the browser (/account) or by the operator, never by another token",
    )
    .response("200", json_list("TokenView", "Newest first"));
    let revoke_token = operation(
        "revoke_my_token",
        "account",
        "Revoke one of your API tokens",
    )
    .parameter(id_parameter())
    .response("204", no_content("Revoked"))
    .response("404", problem_response("Not a live token of yours"));
    let users = operation(
        "users",
        "users",
        "The tenant's staff users with their live session counts (administrators)",
    )
    .response("200", json_list("UserView", "By name"));
    let end_access = operation("end_user_access", "users", "A leaver's last day: disable the account, end every session and revoke every API token, at once (administrators; refused with 409 last_administrator for the last active administrator)")
        .parameter(id_parameter())
        .response(
            "200",
            ResponseBuilder::new()
                .description("What ended")
                .content("application/json", json_ref("EndedAccess"))
                .build(),
        )
        .response("404", problem_response("No such user in this tenant"));
    let set_roles = operation(
        "set_user_roles",
        "users",
        "Replace the roles a user holds (administrators)",
    )
    .parameter(id_parameter())
    .request_body(Some(
        RequestBodyBuilder::new()
            .content("application/json", json_ref("RolesInput"))
            .required(Some(Required::True))
            .build(),
    ))
    .response(
        "200",
        ResponseBuilder::new()
            .description("The user with the new roles")
            .content("application/json", json_ref("UserView"))
            .build(),
    )
    .response("404", problem_response("No such user in this tenant"))
    .response(
        "409",
        problem_response("The tenant would have no administrator left (code last_administrator)"),
    )
    .response(
        "422",
        problem_response("An unknown role name, or no role at all"),
    );
    let invite = operation(
        "invite_user",
        "users",
        "Invite a staff user by email with their roles: the user is created without a password, and a one-time link (7 days) lets them choose one. With a mail server the link is mailed; without one it is in the answer, this once (administrators)",
    )
    .request_body(Some(
        RequestBodyBuilder::new()
            .content("application/json", json_ref("InvitationInput"))
            .required(Some(Required::True))
            .build(),
    ))
    .response(
        "201",
        ResponseBuilder::new()
            .description("The invited user, and the link unless it was mailed")
            .content("application/json", json_ref("StaffLinkView"))
            .build(),
    )
    .response(
        "409",
        problem_response("A user of this tenant has the address already, or the tenant is closed"),
    );
    let new_link = operation(
        "new_staff_link",
        "users",
        "A new one-time link for a staff user: the invitation again while they have no password, a new-password link otherwise; earlier links stop working (administrators)",
    )
    .parameter(id_parameter())
    .response(
        "200",
        ResponseBuilder::new()
            .description("The link, unless it was mailed")
            .content("application/json", json_ref("StaffLinkView"))
            .build(),
    )
    .response("404", problem_response("No such user in this tenant"))
    .response("409", problem_response("The user's access has ended"));
    let reactivate = operation("reactivate_user", "users", "Let a user whose access was ended log in again; their old sessions and tokens stay ended (administrators)")
        .parameter(id_parameter())
        .response(
            "200",
            ResponseBuilder::new()
                .description("The user, active again")
                .content("application/json", json_ref("UserView"))
                .build(),
        )
        .response("404", problem_response("No such user in this tenant"));
    let get_policy = operation(
        "password_policy",
        "settings",
        "The tenant's password policy (administrators)",
    )
    .response(
        "200",
        ResponseBuilder::new()
            .description("The policy")
            .content("application/json", json_ref("PasswordPolicy"))
            .build(),
    );
    let put_policy = operation("set_password_policy", "settings", "Replace the tenant's password policy: minimum length 8 to 128, rotation 1 to 3650 days or null (administrators)")
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json_ref("PasswordPolicy"))
                .required(Some(Required::True))
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The policy now in force")
                .content("application/json", json_ref("PasswordPolicy"))
                .build(),
        )
        .response("422", problem_response("A length or interval out of range"));
    let get_two_factor = operation(
        "two_factor_setting",
        "settings",
        "Whether every staff user must log in with two factors (administrators)",
    )
    .response(
        "200",
        ResponseBuilder::new()
            .description("The setting")
            .content("application/json", json_ref("TwoFactorSetting"))
            .build(),
    );
    let put_two_factor = operation("set_two_factor_setting", "settings", "Make two-factor login mandatory (users without it set it up at their next step) or optional (administrators)")
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json_ref("TwoFactorSetting"))
                .required(Some(Required::True))
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The setting now in force")
                .content("application/json", json_ref("TwoFactorSetting"))
                .build(),
        );
    ops.extend([
        Operation::new(
            Method::GET,
            "/settings/password-policy",
            account::password_policy,
            get_policy,
        )
        .needs(Area::Administration, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/password-policy",
            account::set_password_policy,
            put_policy,
        )
        .needs(Area::Administration, Action::Administer),
        Operation::new(
            Method::GET,
            "/settings/two-factor",
            account::two_factor_setting,
            get_two_factor,
        )
        .needs(Area::Administration, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/two-factor",
            account::set_two_factor_setting,
            put_two_factor,
        )
        .needs(Area::Administration, Action::Administer),
        Operation::new(
            Method::GET,
            "/account/sessions",
            account::sessions,
            sessions,
        )
        .for_anyone_signed_in(),
        Operation::new(
            Method::DELETE,
            "/account/sessions/{id}",
            account::end_session,
            end_session,
        )
        .for_anyone_signed_in(),
        Operation::new(Method::GET, "/account/tokens", account::tokens, tokens)
            .for_anyone_signed_in(),
        Operation::new(
            Method::DELETE,
            "/account/tokens/{id}",
            account::revoke_token,
            revoke_token,
        )
        .for_anyone_signed_in(),
        Operation::new(Method::GET, "/users", account::users, users)
            .needs(Area::Administration, Action::Read),
        Operation::new(Method::POST, "/users/invitations", account::invite, invite)
            .needs(Area::Administration, Action::Administer),
        Operation::new(
            Method::POST,
            "/users/{id}/link",
            account::new_link,
            new_link,
        )
        .needs(Area::Administration, Action::Administer)
        .id_of(RecordType::User),
        Operation::new(
            Method::POST,
            "/users/{id}/end-access",
            account::end_access,
            end_access,
        )
        .needs(Area::Administration, Action::Administer)
        .id_of(RecordType::User),
        Operation::new(
            Method::PUT,
            "/users/{id}/roles",
            account::set_roles,
            set_roles,
        )
        .needs(Area::Administration, Action::Administer)
        .id_of(RecordType::User),
        Operation::new(
            Method::POST,
            "/users/{id}/reactivate",
            account::reactivate,
            reactivate,
        )
        .needs(Area::Administration, Action::Administer)
        .id_of(RecordType::User),
    ]);
    ops
}

fn json_body(schema: &str) -> utoipa::openapi::request_body::RequestBody {
    RequestBodyBuilder::new()
        .content("application/json", json_ref(schema))
        .required(Some(Required::True))
        .build()
}

fn json_ok(description: &str, schema: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json_ref(schema))
        .build()
}

/// Processing purposes: the record of processing (data protection officer
/// and administrators).
fn purposes_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("purposes")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let list = operation(
        "purposes",
        "The tenant's processing purposes with lawful basis, categories, retention and recipients; a new tenant starts with five defaults for a B2B CRM",
    )
    .response("200", json_ok("The purposes, in items", "PurposePage"));
    let create = operation("create_purpose", "Define a processing purpose")
        .request_body(Some(json_body("PurposeInput")))
        .response("201", json_ok("The purpose", "Purpose"))
        .response("409", problem_response("The name is taken (code duplicate)"))
        .response(
            "422",
            problem_response("An unknown lawful basis, category or Art. 9(2) condition; special categories without a condition, or a condition without them; no name or retention"),
        );
    let read = operation("purpose", "One purpose")
        .parameter(id_parameter())
        .response("200", json_ok("The purpose", "Purpose"))
        .response("404", problem_response("No such purpose"));
    let update = operation("update_purpose", "Replace a purpose")
        .parameter(id_parameter())
        .request_body(Some(json_body("PurposeInput")))
        .response("200", json_ok("The purpose as it is now", "Purpose"))
        .response("404", problem_response("No such purpose"))
        .response(
            "409",
            problem_response("The name is taken (code duplicate)"),
        )
        .response("422", problem_response("As for create"));
    let delete = operation("delete_purpose", "Remove a purpose")
        .parameter(id_parameter())
        .response("204", no_content("Removed"))
        .response("404", problem_response("No such purpose"))
        .response(
            "409",
            problem_response(
                "Subjects consented to this purpose's texts: it stays as proof (in_use)",
            ),
        );
    ops.extend([
        Operation::new(Method::GET, "/purposes", purposes::list, list)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::POST, "/purposes", purposes::create, create)
            .needs(Area::Privacy, Action::Create),
        Operation::new(Method::GET, "/purposes/{id}", purposes::read, read)
            .needs(Area::Privacy, Action::Read)
            .id_of(RecordType::Purpose),
        Operation::new(Method::PUT, "/purposes/{id}", purposes::update, update)
            .needs(Area::Privacy, Action::Update)
            .id_of(RecordType::Purpose),
        Operation::new(Method::DELETE, "/purposes/{id}", purposes::delete, delete)
            .needs(Area::Privacy, Action::Delete)
            .id_of(RecordType::Purpose),
    ]);
    ops
}

/// Retention: rules, the contract end, legal holds, the plan, runs and the
/// review list (data protection officer and administrators).
fn helpdesk_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("tickets")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let messages = operation(
        "ticket_messages",
        "A ticket's public replies and internal notes, oldest first",
    )
    .parameter(id_parameter())
    .response(
        "200",
        json_ok("The messages, in items", "TicketMessagePage"),
    )
    .response("404", problem_response("No such ticket"));
    let add = operation(
        "add_ticket_message",
        "Reply to the requester (visibility public) or note something for staff (internal); status moves the ticket with it. Staff's first public reply stamps the first response and opens a new ticket",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("MessageInput")))
    .response("201", json_ok("The message", "TicketMessage"))
    .response("404", problem_response("No such ticket"))
    .response(
        "409",
        problem_response("The ticket is closed (ticket_closed), or its requester's processing is restricted (restricted)"),
    )
    .response("422", problem_response("No text, or an unknown visibility or status"));
    let bulk = operation(
        "change_tickets",
        "Change up to 200 tickets at once: give them to a staff user (assignee_id; 0 for nobody), move them to a status, or both. Each ticket is changed as a single change would be; those that cannot be (out of reach, restricted, an unknown assignee) are left as they were and listed in refused with the reason",
    )
    .request_body(Some(json_body("BulkTicketInput")))
    .response("200", json_ok("What was changed and what was not", "BulkOutcome"))
    .response(
        "422",
        problem_response("No tickets or more than 200 (required, too_many), nothing to change (nothing_to_change), an unknown status (invalid_choice)"),
    );
    let get_levels = operation(
        "ticket_service_levels",
        "Per priority, the minutes until a new ticket's first answer and its resolution are due",
    )
    .response("200", json_ok("The service levels", "ServiceLevels"));
    let put_levels = operation(
        "set_ticket_service_levels",
        "Set the service levels of some or all priorities (administrators); tickets raised before keep their due times until their priority changes",
    )
    .request_body(Some(json_body("ServiceLevelsInput")))
    .response("200", json_ok("The service levels now", "ServiceLevels"))
    .response(
        "422",
        problem_response("A time outside 1 minute to a year (invalid_minutes), a resolution due before the first answer (resolution_before_response), a priority given twice (duplicate_priority)"),
    );
    let files = operation(
        "ticket_attachments",
        "A ticket's files, oldest first, without their content",
    )
    .parameter(id_parameter())
    .response(
        "200",
        json_ok("The files, in items", "TicketAttachmentPage"),
    )
    .response("404", problem_response("No such ticket"));
    let attach = operation(
        "attach_to_ticket",
        "Attach a file: the request body is the file, file_name its name. At most 10 MiB; a PDF, PNG, JPEG, GIF, WebP or text file, told by its content, never by its name",
    )
    .parameter(id_parameter())
    .parameter(query("file_name", "The file's name", typed(Type::String)))
    .response("201", json_ok("The file", "TicketAttachment"))
    .response("404", problem_response("No such ticket"))
    .response("409", problem_response("The ticket is closed (ticket_closed)"))
    .response("413", problem_response("Larger than 10 MiB"))
    .response(
        "422",
        problem_response("Empty (empty_file), too large (too_large), a kind not taken (unsupported_type), or a name that claims another kind than the content (disguised_file)"),
    );
    let download = operation("ticket_attachment", "One file, as a download of its kind")
        .parameter(id_parameter())
        .response(
            "200",
            ResponseBuilder::new()
                .description("The file, with Content-Disposition: attachment")
                .build(),
        )
        .response("404", problem_response("No such file"));
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("outbox")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let outbox = operation(
        "outbox",
        "The newest 200 messages Custodian wrote (administrators): to whom, why, sent or not, and why not",
    )
    .parameter(query(
        "status",
        "Only one status: pending, sent or failed",
        typed(Type::String),
    ))
    .response("200", json_ok("The messages, in items", "OutboxPage"))
    .response("422", problem_response("An unknown status (invalid_choice)"));
    let mail = operation("mail", "One message with its text")
        .parameter(id_parameter())
        .response("200", json_ok("The message", "OutboxMail"))
        .response("404", problem_response("No such message"));
    let retry = operation(
        "retry_mail",
        "Send a given-up message again, from its first attempt",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The message, waiting", "OutboxMail"))
    .response("404", problem_response("No such message"))
    .response(
        "409",
        problem_response("The message was not given up (code in_use)"),
    );
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("portal")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let get_access = operation(
        "portal_access",
        "The contact's customer-portal account (null when never invited)",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The account", "PortalAccess"))
    .response("404", problem_response("No such contact"));
    let put_access = operation(
        "set_portal_access",
        "Let the contact see their organisation's tickets, or end (or restore) their access; ending it ends their sessions and links at once",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("PortalAccessInput")))
    .response("200", json_ok("The account now", "PortalAccount"))
    .response("404", problem_response("No such contact, or never invited"));
    let invite = operation(
        "invite_to_portal",
        "Invite the contact to the customer portal at their first email: a one-time link (7 days) to choose a password, sent through the outbox; earlier links stop working",
    )
    .parameter(id_parameter())
    .response("201", json_ok("The account", "PortalAccount"))
    .response("404", problem_response("No such contact"))
    .response("409", problem_response("The contact's processing is restricted (restricted)"))
    .response("422", problem_response("The contact has no email address (no_email)"));
    let faq_draft = OperationBuilder::new()
        .tag("faq-articles")
        .operation_id(Some("faq_draft"))
        .summary(Some("A resolved or closed ticket as an FAQ article's first draft: its question and the staff's public replies, what looks personal in them (names of the tenant's contacts and staff, emails, phones, addresses, postcodes, IBANs, card numbers, links with identifiers), and the text with all of it replaced"))
        .parameter(id_parameter())
        .response("200", json_ok("The draft", "FaqDraft"))
        .response("404", problem_response("No such ticket"))
        .response("422", problem_response("The ticket is not resolved or closed (ticket_not_resolved)"));
    let get_registration = operation(
        "portal_registration",
        "Who may register for the customer portal without an invitation: off (the default), known_contacts (people whose email a contact already has) or anyone (a new contact is made once they confirm their address)",
    )
    .response("200", json_ok("The choice", "RegistrationSettings"));
    let put_registration = operation(
        "set_portal_registration",
        "Choose who may register for the customer portal at /portal/register/{tenant id}",
    )
    .request_body(Some(json_body("RegistrationSettings")))
    .response("200", json_ok("The choice now", "RegistrationSettings"))
    .response(
        "422",
        problem_response("Not one of the choices (unknown_policy)"),
    );
    ops.extend([
        Operation::new(
            Method::POST,
            "/tickets/bulk",
            helpdesk::change_in_bulk,
            bulk,
        )
        .needs(Area::Support, Action::Update),
        Operation::new(
            Method::GET,
            "/tickets/{id}/faq-draft",
            helpdesk::faq_draft,
            faq_draft,
        )
        .needs(Area::Support, Action::Create)
        .id_of(RecordType::Ticket),
        Operation::new(
            Method::GET,
            "/contacts/{id}/portal-access",
            portal::access,
            get_access,
        )
        .needs(Area::OrganisationsAndContacts, Action::Read)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::PUT,
            "/contacts/{id}/portal-access",
            portal::set_access,
            put_access,
        )
        .needs(Area::OrganisationsAndContacts, Action::Update)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::GET,
            "/settings/portal-registration",
            portal::registration,
            get_registration,
        )
        .needs(Area::Administration, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/portal-registration",
            portal::set_registration,
            put_registration,
        )
        .needs(Area::Administration, Action::Administer),
        Operation::new(
            Method::POST,
            "/contacts/{id}/portal-invitation",
            portal::invite,
            invite,
        )
        .needs(Area::OrganisationsAndContacts, Action::Update)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::GET,
            "/tickets/{id}/messages",
            helpdesk::messages,
            messages,
        )
        .needs(Area::Support, Action::Read)
        .id_of(RecordType::Ticket),
        Operation::new(
            Method::POST,
            "/tickets/{id}/messages",
            helpdesk::add_message,
            add,
        )
        .needs(Area::Support, Action::Update)
        .id_of(RecordType::Ticket),
        Operation::new(
            Method::GET,
            "/settings/ticket-service-levels",
            helpdesk::service_levels,
            get_levels,
        )
        .needs(Area::Support, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/ticket-service-levels",
            helpdesk::set_service_levels,
            put_levels,
        )
        .needs(Area::Administration, Action::Administer),
        Operation::new(
            Method::GET,
            "/tickets/{id}/attachments",
            attachments::list,
            files,
        )
        .needs(Area::Support, Action::Read)
        .id_of(RecordType::Ticket),
        Operation::new(
            Method::POST,
            "/tickets/{id}/attachments",
            attachments::attach,
            attach,
        )
        .needs(Area::Support, Action::Update)
        .id_of(RecordType::Ticket)
        .body_limit(custodian_core::helpdesk::ATTACHMENT_MAX_BYTES + 1),
        Operation::new(
            Method::GET,
            "/attachments/{id}",
            attachments::download,
            download,
        )
        .needs(Area::Support, Action::Read)
        .id_of(RecordType::TicketAttachment)
        .showing_whole("ticket_attachments"),
        Operation::new(Method::GET, "/outbox", outbox::list, outbox)
            .needs(Area::Administration, Action::Administer),
        Operation::new(Method::GET, "/outbox/{id}", outbox::read, mail)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Mail),
        Operation::new(Method::POST, "/outbox/{id}/retry", outbox::retry, retry)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Mail),
    ]);
    ops
}

fn retention_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("retention")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let rule_refusals = "Codes in errors: an unreadable or negative period (invalid_period, negative_period), an unknown record type, trigger, action or activity kind (unknown_value), a trigger, action or kind the record type does not have (trigger_not_for_type, action_not_for_type, kind_not_for_type), a rule that would act on everything at once without confirm_acts_on_everything (confirmation_required), or one that contradicts or repeats another enabled rule (contradicting_rules, duplicate_rule)";
    let list = operation(
        "retention_rules",
        "The tenant's retention rules: record type, trigger, period and action; a new tenant starts with defaults for a B2B CRM",
    )
    .response("200", json_ok("The rules, in items", "RetentionRulePage"));
    let create = operation("create_retention_rule", "Add a retention rule")
        .request_body(Some(json_body("RuleInput")))
        .response("201", json_ok("The rule", "RetentionRule"))
        .response("422", problem_response(rule_refusals));
    let read = operation("retention_rule", "One retention rule")
        .parameter(id_parameter())
        .response("200", json_ok("The rule", "RetentionRule"))
        .response("404", problem_response("No such rule"));
    let update = operation("update_retention_rule", "Replace a retention rule")
        .parameter(id_parameter())
        .request_body(Some(json_body("RuleInput")))
        .response("200", json_ok("The rule as it is now", "RetentionRule"))
        .response("404", problem_response("No such rule"))
        .response("422", problem_response(rule_refusals));
    let delete = operation("delete_retention_rule", "Remove a retention rule")
        .parameter(id_parameter())
        .response("204", no_content("Removed"))
        .response("404", problem_response("No such rule"));
    ops.extend([
        Operation::new(Method::GET, "/retention/rules", retention::rules, list)
            .needs(Area::Privacy, Action::Read),
        Operation::new(
            Method::POST,
            "/retention/rules",
            retention::create_rule,
            create,
        )
        .needs(Area::Privacy, Action::Update),
        Operation::new(Method::GET, "/retention/rules/{id}", retention::rule, read)
            .needs(Area::Privacy, Action::Read)
            .id_of(RecordType::RetentionRule),
        Operation::new(
            Method::PUT,
            "/retention/rules/{id}",
            retention::update_rule,
            update,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::RetentionRule),
        Operation::new(
            Method::DELETE,
            "/retention/rules/{id}",
            retention::delete_rule,
            delete,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::RetentionRule),
    ]);
    let get_contract_end = operation(
        "contract_end",
        "The day the tenant's contract with the operator ends (rules with the trigger tenant_contract_end count from it)",
    )
    .response("200", json_ok("The day, or null", "ContractEnd"));
    let put_contract_end = operation(
        "set_contract_end",
        "Set or (with null) clear the contract end (administrators)",
    )
    .request_body(Some(json_body("ContractEnd")))
    .response("200", json_ok("The day now set", "ContractEnd"))
    .response(
        "422",
        problem_response("Not a day as YYYY-MM-DD (invalid_date)"),
    );
    let holds = operation(
        "legal_holds",
        "Legal holds, active and released; an active hold past its review date is due for review",
    )
    .response("200", json_ok("The holds, in items", "LegalHoldPage"));
    let place = operation(
        "place_legal_hold",
        "Place a legal hold on a contact, an organisation (covering its contacts) or an activity: no retention rule touches what it covers",
    )
    .request_body(Some(json_body("HoldFields")))
    .response("201", json_ok("The hold", "LegalHold"))
    .response(
        "422",
        problem_response("An unknown target or one that does not exist (unknown_reference), no reason, or a review date that is unreadable or past"),
    );
    let release = operation("release_legal_hold", "Release a legal hold, saying why")
        .parameter(id_parameter())
        .request_body(Some(json_body("HoldRelease")))
        .response("200", json_ok("The released hold", "LegalHold"))
        .response("404", problem_response("No such hold"))
        .response("409", problem_response("Released already (code in_use)"))
        .response("422", problem_response("No reason"));
    let plan = operation(
        "retention_plan",
        "The dry run: per rule, how many records a run now would delete, anonymise or list for review, how many are held or kept, with example ids; changes nothing",
    )
    .response("200", json_ok("Counts per rule", "RunCounts"));
    let runs = operation(
        "retention_runs",
        "The history of runs, newest first: who started each, its status and its counts per rule",
    )
    .response("200", json_ok("The runs, in items", "RunSummaryPage"));
    let start = operation(
        "start_retention_run",
        "Run the rules now. The run goes on in the background; follow it at the Location",
    )
    .response("202", json_ok("The run, running", "RunSummary"))
    .response(
        "409",
        problem_response("Another run of the tenant is under way (code in_use)"),
    );
    let run = operation("retention_run", "One run and how far it got")
        .parameter(id_parameter())
        .response("200", json_ok("The run", "RunSummary"))
        .response("404", problem_response("No such run"));
    let reviews = operation(
        "retention_reviews",
        "The review list: what review rules listed, oldest first, with a name or subject line for each (the read is audited); with decided_since, the decisions taken since that day (the report), newest first",
    )
    .parameter(query(
        "decided_since",
        "`YYYY-MM-DD`: the report of decisions taken since then",
        typed(Type::String),
    ))
    .response("200", json_ok("The entries, in items", "ReviewEntryPage"))
    .response("400", problem_response("decided_since is not a day (invalid_date)"));
    let decide = operation(
        "decide_reviews",
        "Approve (delete: contacts through the erasure machinery, staff accounts anonymised) or keep with a reason until a day, for up to 5,000 entries at once. Approving needs the right to erase",
    )
    .request_body(Some(json_body("ReviewDecisionFields")))
    .response("200", json_ok("What was done; held and no longer open entries are named", "DecisionOutcome"))
    .response(
        "422",
        problem_response("No entries, too many, an unknown decision, keeping without a reason, or a keep-until day that is unreadable or past"),
    );
    ops.extend([
        Operation::new(
            Method::GET,
            "/settings/contract-end",
            retention::contract_end,
            get_contract_end,
        )
        .needs(Area::Privacy, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/contract-end",
            retention::set_contract_end,
            put_contract_end,
        )
        .needs(Area::Administration, Action::Update),
        Operation::new(Method::GET, "/retention/holds", retention::holds, holds)
            .needs(Area::Privacy, Action::Read),
        Operation::new(
            Method::POST,
            "/retention/holds",
            retention::place_hold,
            place,
        )
        .needs(Area::Privacy, Action::Update),
        Operation::new(
            Method::POST,
            "/retention/holds/{id}/release",
            retention::release_hold,
            release,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::LegalHold),
        Operation::new(Method::GET, "/retention/plan", retention::plan, plan)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::GET, "/retention/runs", retention::runs, runs)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::POST, "/retention/runs", retention::start_run, start)
            .needs(Area::Privacy, Action::Erase),
        Operation::new(
            Method::GET,
            "/retention/runs/{id}",
            retention::run_summary,
            run,
        )
        .needs(Area::Privacy, Action::Read)
        .id_of(RecordType::RetentionRun),
        Operation::new(
            Method::GET,
            "/retention/reviews",
            retention::reviews,
            reviews,
        )
        .needs(Area::Privacy, Action::Read),
        Operation::new(
            Method::POST,
            "/retention/reviews/decisions",
            retention::decide,
            decide,
        )
        .needs(Area::Privacy, Action::Update),
    ]);
    ops
}

/// Data-subject requests (data protection officer and administrators).
fn requests_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("requests")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let list = operation(
        "requests",
        "Data-subject requests by due day: the open ones, or all with open=false",
    )
    .parameter(query(
        "open",
        "false for closed requests too",
        typed(Type::Boolean),
    ))
    .response("200", json_ok("The requests, in items", "RequestPage"));
    let create = operation(
        "log_request",
        "Log a request received by letter, phone, email or in person; it is due one month after receipt (Art. 12(3)), or sooner under the tenant's policy",
    )
    .request_body(Some(json_body("RequestInput")))
    .response("201", json_ok("The request", "SubjectRequest"))
    .response(
        "422",
        problem_response("An unknown type or channel, a day in the future, no subject name, an invalid email, or a contact that does not exist"),
    );
    let read = operation("request", "One request with every step taken on it")
        .parameter(id_parameter())
        .response("200", json_ok("The request", "SubjectRequest"))
        .response("404", problem_response("No such request"));
    let step = |id: &str, summary: &str, body: &str, refusals: &str| {
        operation(id, summary)
            .parameter(id_parameter())
            .request_body(Some(json_body(body)))
            .response(
                "200",
                json_ok("The request after the step", "SubjectRequest"),
            )
            .response("404", problem_response("No such request"))
            .response(
                "409",
                problem_response("The request changed meanwhile (code in_use)"),
            )
            .response("422", problem_response(refusals))
    };
    let identity = step(
        "verify_identity",
        "Record how the subject's identity was verified; a request waiting for it goes on to in_progress",
        "IdentityCheck",
        "No method, or the request is closed",
    );
    let state = step(
        "move_request",
        "Move the request: awaiting_identity, in_progress, awaiting_approval, completed (identity verified first), refused (with a reason) or withdrawn",
        "StateChange",
        "An unknown state, a move the workflow does not allow, completing before identity is verified, refusing without a reason",
    );
    let extension = step(
        "extend_request",
        "Extend the deadline by one or two further months in all, with a reason (Art. 12(3))",
        "Extension",
        "More than two months, no reason, not longer than before, or the request is closed",
    );
    let get_deadline = operation(
        "request_deadline",
        "The tenant's own answer deadline in days, if stricter than a month",
    )
    .response("200", json_ok("The policy", "DeadlinePolicy"));
    let put_deadline = operation(
        "set_request_deadline",
        "Promise answers within 1 to 30 days, or null for the month of Art. 12(3); applies to requests logged from now on",
    )
    .request_body(Some(json_body("DeadlinePolicy")))
    .response("200", json_ok("The policy now in force", "DeadlinePolicy"))
    .response("422", problem_response("Days out of range"));
    let subjects = operation(
        "request_subjects",
        "The contact records that may be the subject's: the one the request names, the confirmed ones, and every contact sharing one of their emails or phone numbers, with why each was found and how many records hang off it",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The candidates, in items", "CandidatePage"))
    .response("404", problem_response("No such request"));
    let confirm = operation(
        "confirm_request_subjects",
        "Confirm which contact records (1 to 50) are the subject's; export and erasure act on exactly these",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("SubjectsInput")))
    .response("200", json_ok("The candidates after confirming", "CandidatePage"))
    .response("404", problem_response("No such request"))
    .response(
        "422",
        problem_response("No or too many ids, a contact that does not exist (unknown_reference), or the request is closed"),
    );
    let export = operation(
        "request_export",
        "The ZIP that answers an access or portability request: data/<table>.json and .csv per record type, processing.json, access-log.json (access only) and summary.html; every exported record is audited",
    )
    .parameter(id_parameter())
    .response(
        "200",
        ResponseBuilder::new()
            .description("The export (application/zip), as an attachment")
            .content("application/zip", ContentBuilder::new().build())
            .build(),
    )
    .response("404", problem_response("No such request"))
    .response(
        "422",
        problem_response("Not an access or portability request, identity not verified, no record confirmed, or the request was refused or withdrawn"),
    );
    let plan = operation(
        "erasure_plan",
        "What erasing the confirmed records would do, table by table: rows deleted, rows rewritten (which columns) and rows kept under a legal hold; changes nothing",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The plan, in items", "ErasurePlanPage"))
    .response("404", problem_response("No such request"));
    let erase = operation(
        "erase_subject",
        "Erase the confirmed records as the data catalog says, complete the request and issue the certificate; cannot be undone",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("ErasureConfirmation")))
    .response("201", json_ok("The certificate", "ErasureCertificate"))
    .response("404", problem_response("No such request"))
    .response(
        "409",
        problem_response("The request changed meanwhile (code in_use)"),
    )
    .response(
        "422",
        problem_response("Not an erasure request, closed, identity not verified, no record confirmed, confirm not true (confirmation_required), or a legal hold keeps data and keep_under_legal_hold is not true (legal_hold_not_acknowledged)"),
    );
    let certificate = operation(
        "erasure_certificate",
        "The certificate of a carried-out erasure: tables, columns and row counts, no personal data",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The certificate", "ErasureCertificate"))
    .response("404", problem_response("No such request, or not erased"));
    let rectification = step(
        "rectify",
        "Apply the subject's corrections to one of the confirmed contact records, through the normal validated and audited update; the request's history names the fields corrected",
        "RectificationInput",
        "Not a rectification request, closed, identity not verified, a record not confirmed as the subject's (not_the_subject), no correction, nothing changed, or a correction that fails validation",
    );
    let restriction = operation(
        "restrict",
        "Carry out a restriction request (Art. 18): mark the confirmed records restricted and complete the request; while marked, only the data protection officer (or an administrator) changes them or what links to them (others get 409 restricted)",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The completed request", "SubjectRequest"))
    .response("404", problem_response("No such request"))
    .response(
        "422",
        problem_response("Not a restriction request, closed, identity not verified, or no record confirmed"),
    );
    let contact_restriction = operation(
        "set_contact_restriction",
        "Restrict one contact's processing, or lift the restriction (tell the subject before lifting it, Art. 18(3))",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("RestrictionInput")))
    .response("204", ResponseBuilder::new().description("Done").build())
    .response("404", problem_response("No such contact"));
    let objection = step(
        "object",
        "Carry out an objection to direct marketing (Art. 21(2), absolute): every direct-marketing consent of the confirmed records is withdrawn in the ledger, the records are marked, and the request is completed. Other objections are decided by completing or refusing the request with a note",
        "ObjectionInput",
        "Not an objection request, direct_marketing false (decide_on_the_request), identity not verified, or no record confirmed",
    );
    ops.extend([
        Operation::new(Method::GET, "/requests", requests::list, list)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::POST, "/requests", requests::create, create)
            .needs(Area::Privacy, Action::Create),
        Operation::new(Method::GET, "/requests/{id}", requests::read, read)
            .needs(Area::Privacy, Action::Read)
            .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::POST,
            "/requests/{id}/identity",
            requests::identity,
            identity,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(Method::POST, "/requests/{id}/state", requests::state, state)
            .needs(Area::Privacy, Action::Update)
            .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::POST,
            "/requests/{id}/extension",
            requests::extension,
            extension,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::GET,
            "/requests/{id}/subjects",
            requests::subjects,
            subjects,
        )
        .needs(Area::Privacy, Action::Read)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::PUT,
            "/requests/{id}/subjects",
            requests::confirm_subjects,
            confirm,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::GET,
            "/requests/{id}/export",
            requests::export,
            export,
        )
        .needs(Area::Privacy, Action::Export)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::GET,
            "/requests/{id}/erasure",
            requests::erasure_plan,
            plan,
        )
        .needs(Area::Privacy, Action::Read)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::POST,
            "/requests/{id}/erasure",
            requests::erase,
            erase,
        )
        .needs(Area::Privacy, Action::Erase)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::POST,
            "/requests/{id}/rectification",
            requests::rectify,
            rectification,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::POST,
            "/requests/{id}/restriction",
            requests::restrict,
            restriction,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::PUT,
            "/contacts/{id}/restriction",
            requests::contact_restriction,
            contact_restriction,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::POST,
            "/requests/{id}/objection",
            requests::object,
            objection,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::GET,
            "/requests/{id}/certificate",
            requests::certificate,
            certificate,
        )
        .needs(Area::Privacy, Action::Read)
        .id_of(RecordType::SubjectRequest),
        Operation::new(
            Method::GET,
            "/settings/request-deadline",
            requests::deadline,
            get_deadline,
        )
        .needs(Area::Privacy, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/request-deadline",
            requests::set_deadline,
            put_deadline,
        )
        .needs(Area::Privacy, Action::Update),
    ]);
    ops
}

/// The consent ledger: texts (data protection officer) and each contact's
/// grants and withdrawals.
fn consent_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("consent")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let texts = operation(
        "consent_texts",
        "Every consent text, by purpose and version",
    )
    .response("200", json_ok("The texts, in items", "ConsentTextPage"));
    let create = operation(
        "create_consent_text",
        "Write a draft consent text for a purpose whose lawful basis is consent; it becomes the purpose's next version",
    )
    .request_body(Some(json_body("ConsentTextInput")))
    .response("201", json_ok("The draft", "ConsentText"))
    .response(
        "422",
        problem_response("No title or body, a bad language code, an unknown purpose (unknown_reference), or a purpose not based on consent (not_consent_based)"),
    );
    let read = operation("consent_text", "One consent text")
        .parameter(id_parameter())
        .response("200", json_ok("The text", "ConsentText"))
        .response("404", problem_response("No such text"));
    let update = operation(
        "update_consent_text",
        "Reword a draft; a published text never changes (409)",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("ConsentTextInput")))
    .response("200", json_ok("The draft", "ConsentText"))
    .response("404", problem_response("No such text"))
    .response(
        "409",
        problem_response("The text is published, or the purpose differs (code in_use)"),
    )
    .response(
        "422",
        problem_response("No title or body, or a bad language code"),
    );
    let publish = operation(
        "publish_consent_text",
        "Publish a draft: from now on subjects consent to it, and it never changes",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The published text", "ConsentText"))
    .response("404", problem_response("No such text"))
    .response("409", problem_response("Published already (code in_use)"));
    let ledger = operation(
        "consent_ledger",
        "A contact's consents: where each purpose stands (the newest event decides) and every grant and withdrawal with its proof",
    )
    .parameter(id_parameter())
    .response("200", json_ok("The ledger", "ConsentLedger"))
    .response("404", problem_response("No such contact"));
    let record = operation(
        "record_consent",
        "Record a grant or a withdrawal of a published text, with its channel and form; the caller's address and browser are kept as proof. Withdrawing takes exactly what granting takes",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("ConsentEventInput")))
    .response("201", json_ok("The event", "ConsentEvent"))
    .response("404", problem_response("No such contact"))
    .response(
        "422",
        problem_response("An unknown action or channel, a time in the future or unreadable, an unknown text (unknown_reference) or a draft (not_published)"),
    );
    let receipt = operation(
        "consent_receipt",
        "The contact's consent receipt in the shape of the Kantara Initiative Consent Receipt v1.1 (JSON): the purposes consented to now, their categories, termination and third parties",
    )
    .parameter(id_parameter())
    .response(
        "200",
        ResponseBuilder::new()
            .description("The receipt (Kantara Consent Receipt v1.1)")
            .content("application/json", ContentBuilder::new().build())
            .build(),
    )
    .response("404", problem_response("No such contact"));
    ops.extend([
        Operation::new(Method::GET, "/consent-texts", consent::texts, texts)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::POST, "/consent-texts", consent::create_text, create)
            .needs(Area::Privacy, Action::Create),
        Operation::new(Method::GET, "/consent-texts/{id}", consent::text, read)
            .needs(Area::Privacy, Action::Read)
            .id_of(RecordType::ConsentText),
        Operation::new(
            Method::PUT,
            "/consent-texts/{id}",
            consent::update_text,
            update,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::ConsentText),
        Operation::new(
            Method::POST,
            "/consent-texts/{id}/publish",
            consent::publish_text,
            publish,
        )
        .needs(Area::Privacy, Action::Update)
        .id_of(RecordType::ConsentText),
        Operation::new(
            Method::GET,
            "/contacts/{id}/consents",
            consent::ledger,
            ledger,
        )
        .needs(Area::OrganisationsAndContacts, Action::Read)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::POST,
            "/contacts/{id}/consents",
            consent::record,
            record,
        )
        .needs(Area::OrganisationsAndContacts, Action::Update)
        .id_of(RecordType::Contact),
        Operation::new(
            Method::GET,
            "/contacts/{id}/consent-receipt",
            consent::receipt,
            receipt,
        )
        .needs(Area::OrganisationsAndContacts, Action::Read)
        .id_of(RecordType::Contact),
    ]);
    ops
}

/// The tenant's roles and access settings (administrators).
fn roles_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let operation = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("roles")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let list = operation(
        "roles",
        "Every role a user can hold: the built-in ones (id null) with their permissions, categories and record scope, then the tenant's own",
    )
    .response("200", json_ok("The roles, in items", "RolePage"));
    let create = operation(
        "create_role",
        "Define a tenant role: a name (lower-case, fixed once made), a label, the permissions of the matrix it grants by area, the catalog categories it sees and its record scope (own, team or all)",
    )
    .request_body(Some(json_body("RoleInput")))
    .response("201", json_ok("The role", "RoleDescription"))
    .response("409", problem_response("The name is taken (code duplicate)"))
    .response(
        "422",
        problem_response(
            "An unknown area, action, category or scope, a built-in name, or no permission",
        ),
    );
    let read = operation("role", "One tenant role")
        .parameter(id_parameter())
        .response("200", json_ok("The role", "RoleDescription"))
        .response("404", problem_response("No such tenant role"));
    let update = operation(
        "update_role",
        "Replace a tenant role's label, permissions, categories and scope; its holders' access changes with their next request. The name stays",
    )
    .parameter(id_parameter())
    .request_body(Some(json_body("RoleInput")))
    .response("200", json_ok("The role as it is now", "RoleDescription"))
    .response("404", problem_response("No such tenant role"))
    .response("422", problem_response("As for create, or a changed name (code role_name_fixed in errors)"));
    let delete = operation("delete_role", "Remove a tenant role nobody holds")
        .parameter(id_parameter())
        .response("204", no_content("Removed"))
        .response("404", problem_response("No such tenant role"))
        .response("409", problem_response("Users hold the role (code in_use)"));
    let get_settings = operation(
        "access_settings",
        "How far the built-in sales and support roles reach (own, team or all records) and which catalog categories need a stated reason to be read",
    )
    .response("200", json_ok("The settings", "AccessSettingsInput"));
    let put_settings = operation(
        "set_access_settings",
        "Replace the access settings. Reading a sensitive category then needs a reason: X-Access-Reason on the API, a reason form on pages",
    )
    .request_body(Some(json_body("AccessSettingsInput")))
    .response("200", json_ok("The settings now in force", "AccessSettingsInput"))
    .response("422", problem_response("An unknown scope or category"));
    let team = |id: &str, summary: &str| {
        OperationBuilder::new()
            .tag("teams")
            .operation_id(Some(id))
            .summary(Some(summary))
    };
    let list_teams = team("teams", "The tenant's teams with their members")
        .response("200", json_ok("The teams, in items", "TeamPage"));
    let create_team = team(
        "create_team",
        "Make a team: a name and the staff users in it. A role that reaches its team's records sees what any member owns",
    )
    .request_body(Some(json_body("TeamInput")))
    .response("201", json_ok("The team", "TeamView"))
    .response("409", problem_response("The name is taken (code duplicate)"))
    .response("422", problem_response("No name, or a member who is not a user of the tenant"));
    let read_team = team("team", "One team")
        .parameter(id_parameter())
        .response("200", json_ok("The team", "TeamView"))
        .response("404", problem_response("No such team"));
    let update_team = team("update_team", "Replace a team's name and members")
        .parameter(id_parameter())
        .request_body(Some(json_body("TeamInput")))
        .response("200", json_ok("The team as it is now", "TeamView"))
        .response("404", problem_response("No such team"))
        .response(
            "409",
            problem_response("The name is taken (code duplicate)"),
        )
        .response("422", problem_response("As for create"));
    let delete_team = team("delete_team", "Remove a team; its members stay")
        .parameter(id_parameter())
        .response("204", no_content("Removed"))
        .response("404", problem_response("No such team"));
    ops.extend([
        Operation::new(Method::GET, "/roles", roles::list, list)
            .needs(Area::Administration, Action::Read),
        Operation::new(Method::POST, "/roles", roles::create, create)
            .needs(Area::Administration, Action::Administer),
        Operation::new(Method::GET, "/roles/{id}", roles::read, read)
            .needs(Area::Administration, Action::Read)
            .id_of(RecordType::Role),
        Operation::new(Method::PUT, "/roles/{id}", roles::update, update)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Role),
        Operation::new(Method::DELETE, "/roles/{id}", roles::delete, delete)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Role),
    ]);
    ops.extend([
        Operation::new(Method::GET, "/teams", teams::list, list_teams)
            .needs(Area::Administration, Action::Read),
        Operation::new(Method::POST, "/teams", teams::create, create_team)
            .needs(Area::Administration, Action::Administer),
        Operation::new(Method::GET, "/teams/{id}", teams::read, read_team)
            .needs(Area::Administration, Action::Read)
            .id_of(RecordType::Team),
        Operation::new(Method::PUT, "/teams/{id}", teams::update, update_team)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Team),
        Operation::new(Method::DELETE, "/teams/{id}", teams::delete, delete_team)
            .needs(Area::Administration, Action::Administer)
            .id_of(RecordType::Team),
    ]);
    ops.extend([
        Operation::new(
            Method::GET,
            "/settings/access",
            roles::access_settings,
            get_settings,
        )
        .needs(Area::Administration, Action::Read),
        Operation::new(
            Method::PUT,
            "/settings/access",
            roles::set_access_settings,
            put_settings,
        )
        .needs(Area::Administration, Action::Administer),
    ]);
    ops
}

/// The audit trail's two operations, with the filters they share.
fn audit_operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    let int64 = || typed(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)));
    let filters = || {
        vec![
            query("record_type", "Entries about records of this type (organisation, contact, activity, asset, agreement, user, api_token, tenant); with record_id, about one record", typed(Type::String)),
            query("record_id", "With record_type: the record's id", int64()),
            query("contact_id", "A data subject: the contact, the activities they take part in and their assets", int64()),
            query("user_id", "Entries made by this staff user, in person or with their API tokens", int64()),
            query("action", "One action: create, update, delete, read, list, export, login, login_failed or logout", typed(Type::String)),
            query("from", "From this day (YYYY-MM-DD, UTC) or RFC 3339 instant", typed(Type::String)),
            query("until", "Up to and including this day, or before this RFC 3339 instant", typed(Type::String)),
        ]
    };
    let mut page = OperationBuilder::new()
        .tag("audit")
        .operation_id(Some("audit_trail"))
        .summary(Some(
            "Audit entries, newest first (data protection officer and administrators)",
        ));
    for parameter in filters() {
        page = page.parameter(parameter);
    }
    page = page
        .parameter(query(
            "cursor",
            "next_cursor of the previous page",
            typed(Type::String),
        ))
        .parameter(query(
            "limit",
            "Entries per page, 1 to 200 (default 50)",
            int64(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("A page of entries")
                .content("application/json", json_ref("AuditPage"))
                .build(),
        )
        .response(
            "400",
            problem_response("A cursor or limit that is not valid"),
        )
        .response(
            "422",
            problem_response("Filters that are unknown or contradict each other"),
        );
    let mut export = OperationBuilder::new()
        .tag("audit")
        .operation_id(Some("audit_export"))
        .summary(Some("Every matching entry as CSV (at most 100,000; the header Custodian-Export-Truncated says when more matched)"));
    for parameter in filters() {
        export = export.parameter(parameter);
    }
    export = export
        .response(
            "200",
            ResponseBuilder::new()
                .description("CSV, one entry per row, newest first")
                .content(
                    "text/csv",
                    ContentBuilder::new()
                        .schema(Some(typed(Type::String)))
                        .build(),
                )
                .build(),
        )
        .response(
            "422",
            problem_response("Filters that are unknown or contradict each other"),
        );
    ops.extend([
        Operation::new(Method::GET, "/audit", audit::trail, page)
            .needs(Area::Privacy, Action::Read),
        Operation::new(Method::GET, "/audit/export", audit::export, export)
            .needs(Area::Privacy, Action::Export),
    ]);
    ops
}

/// Every operation of the API, declared once: the router, the permission
/// table and this document are made from it.
pub fn operations() -> Vec<Operation> {
    let mut ops = Vec::new();
    ops.extend(resource_operations::<Organisations>(
        RecordType::Organisation,
    ));
    ops.extend(resource_operations::<Contacts>(RecordType::Contact));
    ops.extend(resource_operations::<Activities>(RecordType::Activity));
    ops.extend(resource_operations::<Assets>(RecordType::Asset));
    ops.extend(resource_operations::<Agreements>(RecordType::Agreement));
    ops.extend(resource_operations::<Tickets>(RecordType::Ticket));
    ops.extend(resource_operations::<FaqArticles>(RecordType::FaqArticle));
    ops.extend(resource_operations::<CannedReplies>(
        RecordType::CannedReply,
    ));
    ops.extend(helpdesk_operations());
    ops.extend(search_operations());
    ops.extend(dashboard_operations());
    ops.extend(audit_operations());
    ops.extend(account_operations());
    ops.extend(roles_operations());
    ops.extend(purposes_operations());
    ops.extend(requests_operations());
    ops.extend(consent_operations());
    ops.extend(retention_operations());
    ops
}

fn dashboard_operations() -> Vec<Operation> {
    let dashboard = OperationBuilder::new()
        .tag("dashboard")
        .operation_id(Some("dashboard"))
        .summary(Some(
            "The home page's parts: my tickets and the helpdesk's service levels, data-subject requests by days left, agreements ending within 60 days, recent activity, and the weekly and monthly series; a part the caller's roles do not read is null",
        ))
        .response("200", json_ok("The dashboard", "DashboardView"));
    vec![Operation::new(
        Method::GET,
        "/dashboard",
        super::dashboard::dashboard,
        dashboard,
    )
    .for_anyone_signed_in()]
}

fn search_operations() -> Vec<Operation> {
    let search = OperationBuilder::new()
        .tag("search")
        .operation_id(Some("search"))
        .summary(Some(
            "Find organisations and contacts by name, email, phone or account number",
        ))
        .parameter(
            ParameterBuilder::new()
                .name("q")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .description(Some("What was typed"))
                .schema(Some(typed(Type::String))),
        )
        .parameter(query(
            "type",
            "Only organisations or only contacts (a record picker)",
            typed(Type::String).enum_values(Some(["organisation", "contact"])),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("Up to 10 hits")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(
                            ArrayBuilder::new().items(Ref::from_schema_name("SearchResult")),
                        ))
                        .build(),
                )
                .build(),
        )
        .response(
            "400",
            problem_response("q is missing, or type is neither organisation nor contact"),
        );
    vec![
        Operation::new(Method::GET, "/search", super::search, search)
            .needs(Area::OrganisationsAndContacts, Action::Read),
    ]
}

/// The OpenAPI paths of the operations: each with the answers every
/// operation can give.
fn paths_of(operations: Vec<Operation>) -> utoipa::openapi::Paths {
    let mut items: std::collections::BTreeMap<String, PathItem> = Default::default();
    for operation in operations {
        let built = with_common_answers(operation.doc).build();
        let method = match operation.method {
            Method::POST => HttpMethod::Post,
            Method::PUT => HttpMethod::Put,
            Method::DELETE => HttpMethod::Delete,
            Method::PATCH => HttpMethod::Patch,
            _ => HttpMethod::Get,
        };
        let path = format!("/api/v1{}", operation.path);
        match items.get_mut(&path) {
            Some(item) => match method {
                HttpMethod::Post => item.post = Some(built),
                HttpMethod::Put => item.put = Some(built),
                HttpMethod::Delete => item.delete = Some(built),
                HttpMethod::Patch => item.patch = Some(built),
                _ => item.get = Some(built),
            },
            None => {
                items.insert(path, PathItem::new(method, built));
            }
        }
    }
    let mut paths = PathsBuilder::new();
    for (path, item) in items {
        paths = paths.path(path, item);
    }
    paths.build()
}

pub fn openapi_document() -> OpenApi {
    let mut document = Components::openapi();
    document.openapi = utoipa::openapi::OpenApiVersion::Version31;
    document.paths = paths_of(operations());
    document_framework_refusals(&mut document.paths);
    if let Some(components) = document.components.as_mut() {
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        for (page, record) in [
            ("OrganisationPage", "Organisation"),
            ("ContactPage", "Contact"),
            ("ActivityPage", "Activity"),
            ("AssetPage", "Asset"),
            ("AgreementPage", "Agreement"),
            ("TicketPage", "Ticket"),
            ("TicketMessagePage", "TicketMessage"),
            ("OutboxPage", "OutboxMail"),
            ("FaqArticlePage", "FaqArticle"),
            ("CannedReplyPage", "CannedReply"),
            ("TicketAttachmentPage", "TicketAttachment"),
            ("RolePage", "RoleDescription"),
            ("TeamPage", "TeamView"),
            ("PurposePage", "Purpose"),
            ("RequestPage", "SubjectRequest"),
            ("CandidatePage", "SubjectCandidate"),
            ("ErasurePlanPage", "TableOutcome"),
            ("ConsentTextPage", "ConsentText"),
            ("RetentionRulePage", "RetentionRule"),
            ("LegalHoldPage", "LegalHold"),
            ("RunSummaryPage", "RunSummary"),
            ("ReviewEntryPage", "ReviewEntry"),
        ] {
            components.schemas.insert(
                page.to_string(),
                utoipa::openapi::ObjectBuilder::new()
                    .property(
                        "items",
                        utoipa::openapi::ArrayBuilder::new().items(Ref::from_schema_name(record)),
                    )
                    .required("items")
                    .property(
                        "next_cursor",
                        ObjectBuilder::new()
                            .schema_type(
                                [Type::String, Type::Null]
                                    .into_iter()
                                    .collect::<SchemaType>(),
                            )
                            .description(Some(
                                "Pass as cursor for the next page; null on the last page",
                            )),
                    )
                    .required("next_cursor")
                    .property(
                        "previous_cursor",
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .description(Some(
                                "Pass as cursor for the page before; left out on the first page",
                            )),
                    )
                    .property("total", Ref::from_schema_name("Count"))
                    .into(),
            );
        }
    }
    document.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    document
}
