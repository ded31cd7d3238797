//! The permission matrix, checked route by route. The route table
//! (`custodian_web::route_rules`) names what every API operation needs; this
//! test calls every operation as every built-in role and expects 403 exactly
//! where the matrix in core says no. Then it probes every operation that
//! takes an id with another tenant's ids: 404 in the path, nothing in lists
//! filtered by them, and the same refusal as a never-existing id in bodies.
//! On SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{items, json_answer, on_both_backends, postgres, sqlite, Story, TestApp};

use custodian_core::access::{Role, Roles};
use custodian_core::audit::{Actor, RecordType};
use custodian_core::catalog::Category;
use custodian_web::{route_rules, RouteRule};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// One tenant's records, as ids by type.
type Records = HashMap<RecordType, i64>;

support::fixture! {
    World {
        tenant: custodian_core::TenantId,
        tokens: Vec<(Role, String)>,
        admin: String,
        ours: Records,
        theirs: Records,
    }
}

const NEVER: i64 = 1;
/// The tenant role every world starts with.
const SEEDED_ROLE: &str = "matrix_role";

/// A call as `token` to `path` (from `/api/v1` on); a PUT claims a
/// version the record does not have.
async fn call(
    world: &World,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let put = method == reqwest::Method::PUT;
    let mut request = world.client.request(method, world.url(path));
    if put {
        request = request.header("If-Match", "\"999\"");
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    json_answer(request.bearer_auth(token)).await
}

/// Creates a record through the API with `client` as `token`; its id.
async fn create(t: &TestApp, client: &Client, token: &str, path: &str, body: Value) -> i64 {
    let request = client.post(t.api(path)).bearer_auth(token).json(&body);
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A valid body for the operation, linking to `records`.
fn body_for(rule: &RouteRule, records: &Records, serial: usize) -> Option<Value> {
    if !matches!(rule.method, "POST" | "PUT") {
        return None;
    }
    let org = records[&RecordType::Organisation];
    let contact = records[&RecordType::Contact];
    let resource = rule
        .path
        .trim_start_matches("/api/v1/")
        .split('/')
        .next()
        .unwrap_or("");
    Some(
        match (
            resource,
            rule.path.ends_with("/{id}/roles"),
            rule.path.ends_with("/end-access"),
        ) {
            (_, true, _) => json!({"roles": ["sales"]}),
            (_, _, true) => return None,
            ("roles", ..) if rule.method == "PUT" => {
                json!({"name": SEEDED_ROLE, "label": "Matrix", "permissions": {"sales": ["read"]}, "record_scope": "all"})
            }
            ("roles", ..) => {
                json!({"name": format!("matrix_{serial}"), "label": format!("Matrix {serial}"), "permissions": {"sales": ["read"]}, "record_scope": "all"})
            }
            ("teams", ..) => json!({"name": format!("Matrix {serial}"), "member_ids": []}),
            ("consent-texts", ..) if rule.path.ends_with("/publish") => return None,
            ("consent-texts", ..) => {
                json!({"purpose_id": records[&RecordType::Purpose], "title": "Matrix", "body": "Matrix text"})
            }
            ("requests", ..) if rule.path.ends_with("/identity") => {
                json!({"method": "Called back"})
            }
            ("requests", ..) if rule.path.ends_with("/state") => json!({"state": "withdrawn"}),
            ("requests", ..) if rule.path.ends_with("/extension") => {
                json!({"months": 1, "reason": "Many records"})
            }
            ("requests", ..) if rule.path.ends_with("/objection") => {
                json!({"direct_marketing": true})
            }
            ("requests", ..) if rule.path.ends_with("/subjects") => {
                json!({"contact_ids": [contact]})
            }
            // Not confirmed: an allowed role is refused with 422, and the
            // seeded contact stays for the routes after this one.
            ("requests", ..) if rule.path.ends_with("/erasure") => json!({"confirm": false}),
            ("requests", ..) if rule.path.ends_with("/rectification") => {
                json!({"contact_id": contact, "corrections": {"position": "Matrix"}})
            }
            ("requests", ..) => {
                json!({"request_type": "access", "channel": "letter", "subject_name": format!("Matrix {serial}")})
            }
            ("contacts", ..) if rule.path.ends_with("/portal-access") => {
                json!({"organisation_access": false, "enabled": true})
            }
            ("contacts", ..) if rule.path.ends_with("/portal-invitation") => return None,
            ("contacts", ..) if rule.path.ends_with("/restriction") => {
                json!({"restricted": false})
            }
            ("contacts", ..) if rule.path.ends_with("/consents") => {
                json!({"text_id": records[&RecordType::ConsentText], "action": "withdrawn", "channel": "phone"})
            }
            ("settings", ..) if rule.path.ends_with("/request-deadline") => json!({"days": null}),
            ("settings", ..) if rule.path.ends_with("/portal-registration") => {
                json!({"policy": "off"})
            }
            ("settings", ..) if rule.path.ends_with("/ticket-service-levels") => {
                json!({"levels": [{"priority": "low", "first_response_minutes": 60, "resolution_minutes": 600}]})
            }
            ("canned-replies", ..) => {
                json!({"title": format!("Matrix reply {serial}"), "body": "Matrix text."})
            }
            ("faq-articles", ..) => {
                json!({"title": format!("Matrix question {serial}"), "body": "Matrix answer."})
            }
            // A ticket nobody has: an allowed role changes nothing.
            ("tickets", ..) if rule.path.ends_with("/bulk") => {
                json!({"ticket_ids": [NEVER], "status": "open"})
            }
            ("tickets", ..) if rule.path.ends_with("/messages") => {
                json!({"body": format!("Matrix note {serial}"), "visibility": "internal"})
            }
            ("tickets", ..) => {
                json!({"subject": format!("Matrix {serial}"), "contact_id": contact})
            }
            ("settings", ..) if rule.path.ends_with("/contract-end") => {
                json!({"contract_ends_on": null})
            }
            ("retention", ..) if rule.path.ends_with("/rules") || rule.path.ends_with("/{id}") => {
                json!({"record_type": "activity", "trigger": "created", "period": format!("{} years", 6 + serial % 40), "action": "review", "activity_kind": "note"})
            }
            ("retention", ..) if rule.path.ends_with("/holds") => {
                json!({"target": "contact", "target_id": contact, "reason": "Matrix claim", "review_on": "2099-01-01"})
            }
            ("retention", ..) if rule.path.ends_with("/release") => json!({"reason": "Settled"}),
            ("retention", ..) if rule.path.ends_with("/decisions") => {
                json!({"review_ids": [NEVER], "decision": "keep", "reason": "Matrix"})
            }
            ("retention", ..) => return None,
            ("purposes", ..) => {
                json!({"name": format!("Matrix {serial}"), "lawful_basis": "contract", "categories": ["identifier"], "retention": "1 year"})
            }
            ("organisations", ..) => json!({"name": format!("Matrix {serial}")}),
            ("contacts", ..) => {
                json!({"first_name": "Max", "last_name": format!("Matrix {serial}"), "organisation_id": org})
            }
            ("activities", ..) => {
                json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Matrix", "contact_ids": [contact]})
            }
            ("assets", ..) => {
                json!({"product_name": "Router", "serial_number": format!("MX-{serial}"), "contact_id": contact})
            }
            ("agreements", ..) => {
                json!({"title": "Matrix", "organisation_id": org, "start_date": "2026-01-01", "value": "10.00", "currency": "EUR", "status": "active"})
            }
            ("account", ..) => json!({"name": format!("matrix {serial}")}),
            ("settings", ..) if rule.path.ends_with("/two-factor") => json!({"required": false}),
            ("settings", ..) if rule.path.ends_with("/access") => {
                json!({"sales_record_scope": "all", "support_record_scope": "all", "sensitive_categories": []})
            }
            ("settings", ..) => json!({"min_length": 12, "rotation_days": null}),
            _ => json!({}),
        },
    )
}

/// The path with `{id}` filled: an existing record of `records` where one
/// is read or updated, a never-existing one where something would be ended
/// or deleted (so the walk does not destroy what later calls need).
fn path_for(rule: &RouteRule, records: &Records) -> String {
    let id = match (rule.id_of, rule.method) {
        (Some(record_type), "GET" | "PUT") if record_type != RecordType::User => {
            records[&record_type]
        }
        _ => NEVER,
    };
    let path = rule.path.replace("{id}", &id.to_string());
    // Required query parameters.
    if path.ends_with("/search") {
        return format!("{path}?q=Ours");
    }
    if path.ends_with("/attachments") && rule.method == "POST" {
        return format!("{path}?file_name=matrix.txt");
    }
    path
}

async fn seed(t: &TestApp, token: &str, name: &str) -> Records {
    let post = |path: &'static str, body: Value| create(t, &t.client, token, path, body);
    let org = post("/organisations", json!({"name": name})).await;
    let contact = post(
        "/contacts",
        json!({"first_name": "Sam", "last_name": name, "organisation_id": org, "emails": ["sam@matrix.example"]}),
    )
    .await;
    let activity = post(
        "/activities",
        json!({"kind": "note", "occurred_at": "2026-11-20T10:00:00Z", "subject": name, "contact_ids": [contact]}),
    )
    .await;
    let asset = post(
        "/assets",
        json!({"product_name": "Switch", "serial_number": name, "contact_id": contact}),
    )
    .await;
    let agreement = post(
        "/agreements",
        json!({"title": name, "organisation_id": org, "start_date": "2026-01-01", "value": "99.00", "currency": "EUR", "status": "active"}),
    )
    .await;
    let ticket = post("/tickets", json!({"subject": name, "contact_id": contact})).await;
    let file = t.attach(token, ticket, "seed.txt", "A log line").await;
    assert_eq!(file.status(), StatusCode::CREATED);
    let file = file.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let article = post(
        "/faq-articles",
        json!({"title": format!("How does {name} work?"), "body": "It works."}),
    )
    .await;
    let canned = post(
        "/canned-replies",
        json!({"title": format!("{name} thanks"), "body": "Thank you, we are on it."}),
    )
    .await;
    // A reply writes the requester's notice to the outbox.
    let messages = format!("/tickets/{ticket}/messages");
    let reply = json!({"body": "Matrix reply"});
    let (status, _) = t.call(token, "POST", &messages, Some(reply)).await;
    assert_eq!(status, StatusCode::CREATED);
    let role = post(
        "/roles",
        json!({"name": SEEDED_ROLE, "label": name, "permissions": {"activities": ["read"]}, "record_scope": "all"}),
    )
    .await;
    let team = post("/teams", json!({"name": name, "member_ids": []})).await;
    let purpose = post(
        "/purposes",
        json!({"name": name, "lawful_basis": "contract", "retention": "1 year"}),
    )
    .await;
    let request = post(
        "/requests",
        json!({"request_type": "erasure", "channel": "phone", "subject_name": name, "contact_id": contact}),
    )
    .await;
    let newsletter = post(
        "/purposes",
        json!({"name": format!("{name} news"), "lawful_basis": "consent", "categories": ["contact"], "retention": "Until withdrawn"}),
    )
    .await;
    let consent_text = post(
        "/consent-texts",
        json!({"purpose_id": newsletter, "title": "News", "body": "Send me news"}),
    )
    .await;
    let hold = post(
        "/retention/holds",
        json!({"target": "organisation", "target_id": org, "reason": "Matrix claim", "review_on": "2099-01-01"}),
    )
    .await;
    let (_, rules) = t.call(token, "GET", "/retention/rules", None).await;
    let rule = rules["items"][0]["id"].as_i64().unwrap();
    let (_, outbox) = t.call(token, "GET", "/outbox", None).await;
    let mail = outbox["items"][0]["id"].as_i64().unwrap();
    let (status, run) = t.call(token, "POST", "/retention/runs", None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let run = run["id"].as_i64().unwrap();
    HashMap::from([
        (RecordType::RetentionRule, rule),
        (RecordType::LegalHold, hold),
        (RecordType::RetentionRun, run),
        (RecordType::ConsentText, consent_text),
        (RecordType::SubjectRequest, request),
        (RecordType::Role, role),
        (RecordType::Team, team),
        (RecordType::Purpose, purpose),
        (RecordType::Organisation, org),
        (RecordType::Contact, contact),
        (RecordType::Activity, activity),
        (RecordType::Asset, asset),
        (RecordType::Agreement, agreement),
        (RecordType::Ticket, ticket),
        (RecordType::Mail, mail),
        (RecordType::FaqArticle, article),
        (RecordType::CannedReply, canned),
        (RecordType::TicketAttachment, file),
    ])
}

impl Story for World {
    async fn start(t: TestApp) -> World {
        let mut tenants = Vec::new();
        let mut tenant_ids = Vec::new();
        for name in ["Ours GmbH", "Theirs Ltd"] {
            let tenant = t.tenant(name).await;
            tenant_ids.push(tenant);
            let mut tokens = Vec::new();
            for role in Role::ALL {
                let user = t
                    .user_named(
                        tenant,
                        &format!("{}@{}.example", role.as_str(), tenant),
                        "",
                        role,
                    )
                    .await;
                tokens.push((role, t.token_for(&user).await, user.id.0));
            }
            tenants.push(tokens);
        }
        let theirs_tokens = tenants.pop().unwrap();
        let ours_tokens = tenants.pop().unwrap();
        let admin = ours_tokens[0].1.clone();
        let mut ours = seed(&t, &admin, "Ours").await;
        let mut theirs = seed(&t, &theirs_tokens[0].1, "Theirs").await;
        ours.insert(RecordType::User, ours_tokens[2].2);
        theirs.insert(RecordType::User, theirs_tokens[2].2);
        let tenant = tenant_ids[0];
        World {
            t,
            tenant,
            tokens: ours_tokens
                .into_iter()
                .map(|(role, token, _)| (role, token))
                .collect(),
            admin,
            ours,
            theirs,
        }
    }
}

async fn every_route_answers_every_role_as_the_matrix_says(world: World) {
    let mut serial = 0;
    let mut wrong = Vec::new();
    for rule in route_rules() {
        for (role, token) in &world.tokens {
            serial += 1;
            let allowed = rule
                .needs
                .is_none_or(|(area, action)| Roles::from(*role).allow(area, action))
                && rule.shows_whole.is_none_or(|table| {
                    role.grants(custodian_core::grants::BuiltInReach::default())
                        .sees_all_of(table)
                });
            let body = body_for(&rule, &world.ours, serial);
            let path = path_for(&rule, &world.ours);
            let (status, answer) = call(&world, token, rule.method, &path, body.as_ref()).await;
            let fits = if allowed {
                status != StatusCode::FORBIDDEN
                    && status != StatusCode::UNAUTHORIZED
                    && !status.is_server_error()
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !fits {
                wrong.push(format!(
                    "{} {path} as {}: {status} (allowed: {allowed}) {answer}",
                    rule.method,
                    role.as_str()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that break the matrix:\n{}",
        wrong.join("\n")
    );
}

async fn another_tenants_ids_find_nothing(world: World) {
    let mut wrong = Vec::new();
    for rule in route_rules().into_iter().filter(|r| r.id_of.is_some()) {
        let record_type = rule.id_of.unwrap_or(RecordType::Tenant);
        let mut path = rule
            .path
            .replace("{id}", &world.theirs[&record_type].to_string());
        if path.ends_with("/attachments") && rule.method == "POST" {
            path.push_str("?file_name=theirs.txt");
        }
        let body = body_for(&rule, &world.ours, 0);
        let (status, answer) = call(&world, &world.admin, rule.method, &path, body.as_ref()).await;
        if status != StatusCode::NOT_FOUND {
            wrong.push(format!("{} {path}: {status} {answer}", rule.method));
        }
    }
    // Ids in query strings: their records are simply not there.
    let theirs = |t: RecordType| world.theirs[&t];
    for query in [
        format!(
            "/api/v1/contacts?organisation_id={}",
            theirs(RecordType::Organisation)
        ),
        format!(
            "/api/v1/activities?contact_id={}",
            theirs(RecordType::Contact)
        ),
        format!(
            "/api/v1/activities?organisation_id={}",
            theirs(RecordType::Organisation)
        ),
        format!("/api/v1/assets?contact_id={}", theirs(RecordType::Contact)),
        format!(
            "/api/v1/agreements?organisation_id={}",
            theirs(RecordType::Organisation)
        ),
        format!(
            "/api/v1/tickets?status=active&contact_id={}",
            theirs(RecordType::Contact)
        ),
        format!("/api/v1/tickets?assignee_id={}", theirs(RecordType::User)),
        format!("/api/v1/audit?contact_id={}", theirs(RecordType::Contact)),
        format!("/api/v1/audit?user_id={}", theirs(RecordType::User)),
        format!(
            "/api/v1/audit?record_type=contact&record_id={}",
            theirs(RecordType::Contact)
        ),
    ] {
        let (status, answer) = call(&world, &world.admin, "GET", &query, None).await;
        if status != StatusCode::OK || answer["items"] != json!([]) {
            wrong.push(format!("GET {query}: {status} {answer}"));
        }
    }
    // Ids in bodies: refused exactly like an id that never existed.
    let org = |id: i64| json!({"first_name": "A", "last_name": "B", "organisation_id": id});
    let activity = |id: i64| json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "X", "contact_ids": [id]});
    let asset = |id: i64| json!({"product_name": "X", "serial_number": "X-1", "contact_id": id});
    let agreement = |id: i64| json!({"title": "X", "organisation_id": id, "start_date": "2026-01-01", "value": "1.00", "currency": "EUR", "status": "draft"});
    let ticket = |id: i64| json!({"subject": "X", "contact_id": id});
    for (path, foreign, never) in [
        (
            "/api/v1/contacts",
            org(theirs(RecordType::Organisation)),
            org(NEVER),
        ),
        (
            "/api/v1/activities",
            activity(theirs(RecordType::Contact)),
            activity(NEVER),
        ),
        (
            "/api/v1/assets",
            asset(theirs(RecordType::Contact)),
            asset(NEVER),
        ),
        (
            "/api/v1/agreements",
            agreement(theirs(RecordType::Organisation)),
            agreement(NEVER),
        ),
        (
            "/api/v1/tickets",
            ticket(theirs(RecordType::Contact)),
            ticket(NEVER),
        ),
    ] {
        let (status, answer) = call(&world, &world.admin, "POST", path, Some(&foreign)).await;
        let (never_status, never_answer) =
            call(&world, &world.admin, "POST", path, Some(&never)).await;
        if status.is_success() || status != never_status || answer["code"] != never_answer["code"] {
            wrong.push(format!("POST {path} with their id: {status} {answer}; with a never-existing id: {never_status} {never_answer}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "another tenant's ids found something:\n{}",
        wrong.join("\n")
    );
}

async fn the_route_table_names_every_documented_operation(world: World) {
    let document = serde_json::to_value(custodian_web::openapi_document()).unwrap();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| matches!(k.as_str(), "get" | "post" | "put" | "delete" | "patch"))
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let declared: BTreeSet<(String, String)> = route_rules()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    assert_eq!(documented, declared);
    drop(world);
}

async fn fields_are_masked_by_need_to_know(world: World) {
    let token = |role: Role| {
        world
            .tokens
            .iter()
            .find(|(r, _)| *r == role)
            .unwrap()
            .1
            .clone()
    };
    let agreement = world.ours[&RecordType::Agreement];
    let activity = world.ours[&RecordType::Activity];
    let path = format!("/api/v1/agreements/{agreement}");

    let (_, seen) = call(&world, &world.admin, "GET", &path, None).await;
    assert_eq!(seen["value"], "99.00");
    assert!(seen.get("masked_fields").is_none(), "{seen}");
    let (status, hidden) = call(&world, &token(Role::Support), "GET", &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hidden["value"], "");
    assert_eq!(hidden["masked_fields"], json!(["value"]));
    assert_eq!(
        hidden["title"], seen["title"],
        "the agreement itself is not hidden"
    );
    let (_, listed) = call(
        &world,
        &token(Role::Support),
        "GET",
        "/api/v1/agreements",
        None,
    )
    .await;
    assert!(items(&listed).iter().all(|a| a["value"] == ""), "{listed}");

    // Call notes: hidden from read-only users, and finance has no activities at all.
    let notes = format!("/api/v1/activities/{activity}");
    let (_, read_only) = call(&world, &token(Role::ReadOnly), "GET", &notes, None).await;
    assert_eq!(
        read_only["masked_fields"],
        json!(["subject", "body"]),
        "{read_only}"
    );
    assert_eq!(read_only["subject"], "");
    let (status, _) = call(&world, &token(Role::Finance), "GET", &notes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, support) = call(&world, &token(Role::Support), "GET", &notes, None).await;
    assert_eq!(support["subject"], "Ours");

    // The trail names only what was shown: the administrator's read names
    // the value; the support user's read showed no personal field at all.
    let (_, trail) = call(
        &world,
        &world.admin,
        "GET",
        &format!("/api/v1/audit?record_type=agreement&record_id={agreement}&action=read"),
        None,
    )
    .await;
    let reads = items(&trail);
    assert_eq!(reads.len(), 1, "{trail}");
    assert_eq!(reads[0]["fields"], json!(["value_minor"]));
    let (_, trail) = call(
        &world,
        &world.admin,
        "GET",
        &format!("/api/v1/audit?record_type=activity&record_id={activity}&action=read"),
        None,
    )
    .await;
    let by_read_only: Vec<&Value> = items(&trail)
        .iter()
        .filter(|e| e["fields"] == json!([]))
        .collect();
    assert!(by_read_only.is_empty(), "no entry names no field: {trail}");
}

/// A value of each personal category, on records the walk reads: an
/// answer to a caller whose roles lack the category must not hold it,
/// anywhere (body, headers, cursor, file), nor find its record by it.
const CANARIES: [(Category, &str); 4] = [
    (Category::Contact, "canary-contact@leak.example"),
    (Category::FreeText, "canaryfreetext"),
    (Category::Financial, "86753.09"),
    (Category::OnlineIdentifier, "canary-agent/1.0"),
];

/// Records carrying the canaries, made by the administrator from a browser
/// that says it is `canary-agent/1.0` (the trail keeps it).
async fn canary_records(world: &World) -> Records {
    let client = Client::builder()
        .user_agent("canary-agent/1.0")
        .build()
        .unwrap();
    let post = |path: String, body: Value| {
        let client = &client;
        async move { create(world, client, &world.admin, &path, body).await }
    };
    let org = world.ours[&RecordType::Organisation];
    let contact = post(
        "/contacts".into(),
        json!({"first_name": "Canary", "last_name": "Person", "organisation_id": org, "emails": ["canary-contact@leak.example"]}),
    )
    .await;
    let activity = post(
        "/activities".into(),
        json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "canaryfreetext call", "body": "canaryfreetext notes", "contact_ids": [contact]}),
    )
    .await;
    let agreement = post(
        "/agreements".into(),
        json!({"title": "Canary deal", "organisation_id": org, "start_date": "2026-01-01", "value": "86753.09", "currency": "EUR", "status": "active"}),
    )
    .await;
    let ticket = post(
        "/tickets".into(),
        json!({"subject": "canaryfreetext ticket", "description": "canaryfreetext description", "contact_id": contact}),
    )
    .await;
    let file = client
        .post(world.api(&format!(
            "/tickets/{ticket}/attachments?file_name=canaryfreetext.txt"
        )))
        .bearer_auth(&world.admin)
        .body("canaryfreetext file")
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::CREATED);
    let file = file.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    post(
        format!("/tickets/{ticket}/messages"),
        json!({"body": "canaryfreetext reply"}),
    )
    .await;
    let request = post(
        "/requests".into(),
        json!({"request_type": "access", "channel": "letter", "subject_name": "Canary Person", "subject_email": "canary-contact@leak.example", "details": "canaryfreetext details", "contact_id": contact}),
    )
    .await;
    let mut records = world.ours.clone();
    records.extend([
        (RecordType::Contact, contact),
        (RecordType::Activity, activity),
        (RecordType::Agreement, agreement),
        (RecordType::Ticket, ticket),
        (RecordType::TicketAttachment, file),
        (RecordType::SubjectRequest, request),
    ]);
    records
}

/// A user of `world`'s tenant with a tenant role reading every area and
/// seeing only `categories`; their token.
async fn tenant_role_user(world: &World, categories: &[&str]) -> String {
    let name = format!("sees_{}", categories.join("_"));
    let (status, role) = call(
        world,
        &world.admin,
        "POST",
        "/api/v1/roles",
        Some(&json!({
            "name": name, "label": name, "record_scope": "all", "categories": categories,
            "permissions": {
                "organisations_and_contacts": ["read"], "activities": ["read"], "sales": ["read"],
                "support": ["read"], "privacy": ["read", "export"], "administration": ["read"]
            }
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let email = format!("{name}@matrix.example");
    let user = world
        .user_named(world.tenant, &email, "", Role::ReadOnly)
        .await;
    let (status, answer) = call(
        world,
        &world.admin,
        "PUT",
        &format!("/api/v1/users/{}/roles", user.id),
        Some(&json!({"roles": [name]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    world
        .app
        .create_api_token(world.tenant, user.id, "canary", Actor::SYSTEM)
        .await
        .unwrap()
        .1
}

async fn no_answer_shows_a_value_of_a_category_the_caller_lacks(world: World) {
    let records = canary_records(&world).await;
    world.app.audit().flush_audit().await;
    // Every built-in role, and a tenant role of each category set.
    let mut callers: Vec<(String, String, Vec<Category>)> = world
        .tokens
        .iter()
        .map(|(role, token)| {
            let grants = role.grants(custodian_core::grants::BuiltInReach::default());
            let sees = CANARIES
                .iter()
                .map(|(category, _)| *category)
                .filter(|c| grants.sees(*c))
                .collect();
            (role.as_str().to_string(), token.clone(), sees)
        })
        .collect();
    for set in [
        &["identifier"][..],
        &["identifier", "contact"],
        &["identifier", "free_text"],
        &["identifier", "financial"],
        &["identifier", "online_identifier"],
    ] {
        let token = tenant_role_user(&world, set).await;
        let sees = CANARIES
            .iter()
            .map(|(category, _)| *category)
            .filter(|c| set.contains(&c.as_str()))
            .collect();
        callers.push((format!("tenant role {set:?}"), token, sees));
    }
    let mut leaks = Vec::new();
    let mut looked = 0;
    for (who, token, sees) in &callers {
        let hidden: Vec<&(Category, &str)> =
            CANARIES.iter().filter(|(c, _)| !sees.contains(c)).collect();
        if hidden.is_empty() {
            continue;
        }
        let mut paths: Vec<String> = route_rules()
            .iter()
            .filter(|rule| rule.method == "GET")
            .map(|rule| path_for(rule, &records))
            .collect();
        // Pages of one, so the cursors are made from the canary rows too.
        paths.extend(
            [
                "contacts",
                "activities",
                "agreements",
                "tickets",
                "faq-articles",
            ]
            .iter()
            .map(|list| format!("/api/v1/{list}?limit=1")),
        );
        for path in &paths {
            let response = world
                .client
                .get(world.url(path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let headers = format!("{:?}", response.headers());
            let body = response.text().await.unwrap_or_default();
            looked += 1;
            for (category, value) in &hidden {
                if body.contains(value) || headers.contains(value) {
                    leaks.push(format!("{who}: GET {path} shows {value} ({category:?})"));
                }
            }
        }
        // A filter must not find a record by a value the caller cannot see.
        let contact = records[&RecordType::Contact].to_string();
        let ticket = records[&RecordType::Ticket].to_string();
        for (category, path, id) in [
            (
                Category::Contact,
                "/api/v1/search?q=canary-contact",
                &contact,
            ),
            (
                Category::FreeText,
                "/api/v1/tickets?q=canaryfreetext",
                &ticket,
            ),
        ] {
            if sees.contains(&category) {
                continue;
            }
            let (_, answer) = call(&world, token, "GET", path, None).await;
            if answer.to_string().contains(id.as_str()) {
                leaks.push(format!(
                    "{who}: GET {path} finds the record by a hidden value"
                ));
            }
        }
    }
    assert!(looked > 100, "the walk looked at {looked} answers only");
    assert!(
        leaks.is_empty(),
        "hidden values shown:\n{}",
        leaks.join("\n")
    );
}

on_both_backends!(
    every_route_answers_every_role_as_the_matrix_says,
    no_answer_shows_a_value_of_a_category_the_caller_lacks,
    another_tenants_ids_find_nothing,
    the_route_table_names_every_documented_operation,
    fields_are_masked_by_need_to_know,
);

/// The API's contract is checked in: a change to any operation, schema or
/// answer shows as a diff of `tests/snapshots/openapi.json` in review.
/// `UPDATE_SNAPSHOTS=1 cargo test -p custodian-web --test permissions`
/// writes the new one.
#[test]
fn the_api_contract_is_the_checked_in_snapshot() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let document = serde_json::to_value(custodian_web::openapi_document()).unwrap();
    let current = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != current {
        let line = checked_in
            .lines()
            .zip(current.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(checked_in.lines().count().min(current.lines().count()));
        panic!(
            "the OpenAPI document differs from tests/snapshots/openapi.json from line {}:\n  checked in: {}\n  now:        {}\nIf the change is meant, run UPDATE_SNAPSHOTS=1 cargo test -p custodian-web --test permissions and commit the file.",
            line + 1,
            checked_in.lines().nth(line).unwrap_or("(end)"),
            current.lines().nth(line).unwrap_or("(end)")
        );
    }
}
