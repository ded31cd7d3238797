//! Tenant roles, teams with record scope, and reasons for access to
//! sensitive data, through the API of a real server on a loopback port, on
//! SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    find, items, json_answer, on_both_backends, postgres, sqlite, texts, Story, TestApp,
};

use custodian_core::access::Role;
use custodian_core::TenantId;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { Server { tenant: TenantId, admin: String } }

impl Story for Server {
    async fn start(t: TestApp) -> Server {
        let (tenant, admin) = t
            .tenant_with_user(
                "Scope GmbH",
                "admin@scope.example",
                "Admin",
                Role::Administrator,
            )
            .await;
        Server { tenant, admin, t }
    }
}

impl Server {
    /// GETs as `token`, stating `reason` for seeing sensitive data.
    async fn get_with_reason(&self, token: &str, path: &str, reason: &str) -> (StatusCode, Value) {
        let request = self.request(token, "GET", path, None);
        json_answer(request.header("X-Access-Reason", reason)).await
    }

    /// Replaces a record, at the version it has now.
    async fn replace(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.replace_as(&self.admin, token, path, body).await
    }

    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(&self.admin, method, path, body).await
    }

    /// A user with these roles (by name) and an API token of theirs.
    async fn user(&self, email: &str, roles: &[&str]) -> (i64, String) {
        let user = self.t.user(self.tenant, email, Role::ReadOnly).await;
        let (status, answer) = self
            .admin(
                "PUT",
                &format!("/users/{}/roles", user.id),
                Some(json!({ "roles": roles })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        (user.id.0, self.token_for(&user).await)
    }

    async fn create(&self, token: &str, path: &str, body: Value) -> i64 {
        let (status, answer) = self.post_as(token, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
        answer["id"].as_i64().unwrap()
    }
}

fn codes(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn a_tenant_role_grants_what_it_says(server: Server) {
    let role = json!({
        "name": "call_centre",
        "label": "Call centre",
        "permissions": {"organisations_and_contacts": ["read"], "activities": ["read", "create"]},
        "categories": ["identifier", "contact"],
        "record_scope": "all",
    });
    let role_id = server.create(&server.admin, "/roles", role.clone()).await;
    let org = server
        .create(&server.admin, "/organisations", json!({"name": "Kunde AG"}))
        .await;
    let contact = server
        .create(
            &server.admin,
            "/contacts",
            json!({"first_name": "Ina", "last_name": "Roth", "organisation_id": org, "emails": ["ina@kunde.example"]}),
        )
        .await;
    let activity = server
        .create(
            &server.admin,
            "/activities",
            json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Asked about renewal", "contact_ids": [contact]}),
        )
        .await;
    let (_, agent) = server.user("agent@scope.example", &["call_centre"]).await;

    let (status, seen) = server.get_as(&agent, &format!("/contacts/{contact}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["emails"], json!(["ina@kunde.example"]));
    let (status, _) = server
        .post_as(&agent, "/organisations", json!({"name": "X"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get_as(&agent, "/agreements").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let path = format!("/activities/{activity}");
    let (_, notes) = server.get_as(&agent, &path).await;
    assert_eq!(notes["subject"], "", "no free-text category: {notes}");
    assert_eq!(notes["masked_fields"], json!(["subject", "body"]));

    // Granting the category shows the notes from the next request on.
    let mut wider = role.clone();
    wider["categories"] = json!(["identifier", "contact", "free_text"]);
    let (status, changed) = server
        .admin("PUT", &format!("/roles/{role_id}"), Some(wider))
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed["categories"],
        json!(["identifier", "contact", "free_text"])
    );
    let (_, notes) = server.get_as(&agent, &path).await;
    assert_eq!(notes["subject"], "Asked about renewal");

    // The list of roles names the built-in ones first, then this one.
    let (_, roles) = server.admin("GET", "/roles", None).await;
    let names = texts(&roles["items"], "name");
    assert_eq!(names.len(), 7, "{roles}");
    assert_eq!(names[6], "call_centre");

    // Bad input: clear 4xx, nothing changed.
    let (status, answer) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "x1", "label": "X", "permissions": {"sales": ["fly"], "moon": ["read"]}, "categories": ["gossip"], "record_scope": "own"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&answer),
        ["unknown_area", "unknown_action", "unknown_category"]
    );
    let (status, answer) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "sales", "label": "Mine", "permissions": {"sales": ["read"]}, "record_scope": "own"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["reserved_role_name"]);
    let (status, answer) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "no_reach", "label": "No reach", "permissions": {"sales": ["read"]}})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "leaving out the reach never widens a role"
    );
    assert_eq!(codes(&answer), ["required"]);
    let (status, answer) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "admin_two", "label": "administrator", "permissions": {"sales": ["read"]}, "record_scope": "own"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["duplicate_label"]);
    let (status, answer) = server.admin("POST", "/roles", Some(role.clone())).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );
    let mut renamed = role.clone();
    renamed["name"] = json!("call_center");
    let (status, answer) = server
        .admin("PUT", &format!("/roles/{role_id}"), Some(renamed))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["role_name_fixed"]);
    let (status, answer) = server
        .admin("DELETE", &format!("/roles/{role_id}"), None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_use"))
    );
    let (_, users) = server.admin("GET", "/users", None).await;
    let (status, answer) = server
        .admin(
            "PUT",
            &format!("/users/{}/roles", users[0]["id"]),
            Some(json!({"roles": ["administrator", "wizard"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["unknown_role"]);
    assert!(answer["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("call_centre"));

    // Defining and changing roles is in the trail.
    let (_, trail) = server
        .admin(
            "GET",
            &format!("/audit?record_type=role&record_id={role_id}"),
            None,
        )
        .await;
    let actions = texts(&trail["items"], "action");
    assert_eq!(actions, ["update", "create"], "{trail}");
}

fn ids(answer: &Value) -> Vec<i64> {
    items(answer)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn record_scope_keeps_users_to_their_own_and_their_teams(server: Server) {
    let (status, settings) = server
        .admin(
            "PUT",
            "/settings/access",
            Some(json!({"sales_record_scope": "own", "support_record_scope": "team", "sensitive_categories": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let (ann_id, ann) = server.user("ann@scope.example", &["sales"]).await;
    let (ben_id, ben) = server.user("ben@scope.example", &["sales"]).await;
    let (_, cy) = server.user("cy@scope.example", &["support"]).await;
    let (_, users) = server.admin("GET", "/users", None).await;
    let cy_id = find(&users, "email", "cy@scope.example")["id"]
        .as_i64()
        .unwrap();
    let team = server
        .create(
            &server.admin,
            "/teams",
            json!({"name": "North", "member_ids": [ben_id, cy_id]}),
        )
        .await;

    // What each creates is theirs.
    let org_a = server
        .create(&ann, "/organisations", json!({"name": "Anker AG"}))
        .await;
    let contact_a = server
        .create(
            &ann,
            "/contacts",
            json!({"first_name": "Ada", "last_name": "Anker", "organisation_id": org_a}),
        )
        .await;
    let agreement_a = server
        .create(&ann, "/agreements", json!({"title": "Support A", "organisation_id": org_a, "start_date": "2026-01-01", "value": "10.00", "currency": "EUR", "status": "active"}))
        .await;
    let org_b = server
        .create(&ben, "/organisations", json!({"name": "Birke GmbH"}))
        .await;
    let contact_b = server
        .create(
            &ben,
            "/contacts",
            json!({"first_name": "Bo", "last_name": "Birke", "organisation_id": org_b}),
        )
        .await;
    let activity_b = server
        .create(&ben, "/activities", json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Birke call", "contact_ids": [contact_b]}))
        .await;
    let (_, a) = server
        .get_as(&ann, &format!("/organisations/{org_a}"))
        .await;
    assert_eq!(a["owner_id"], ann_id, "{a}");

    // Ann (own) sees her records and nothing of Ben's, by any path.
    let (_, orgs) = server.get_as(&ann, "/organisations").await;
    assert_eq!(ids(&orgs), [org_a]);
    let (_, contacts) = server.get_as(&ann, "/contacts").await;
    assert_eq!(ids(&contacts), [contact_a]);
    let (_, agreements) = server.get_as(&ann, "/agreements").await;
    assert_eq!(ids(&agreements), [agreement_a]);
    let (_, activities) = server.get_as(&ann, "/activities").await;
    assert!(ids(&activities).is_empty(), "{activities}");
    for path in [
        format!("/organisations/{org_b}"),
        format!("/contacts/{contact_b}"),
        format!("/activities/{activity_b}"),
    ] {
        let (status, answer) = server.get_as(&ann, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
    }
    let (status, _) = server
        .replace(
            &ann,
            &format!("/contacts/{contact_b}"),
            json!({"first_name": "X", "last_name": "Y"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .delete_as(&ann, &format!("/organisations/{org_b}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, foreign) = server
        .post_as(
            &ann,
            "/contacts",
            json!({"first_name": "A", "last_name": "B", "organisation_id": org_b}),
        )
        .await;
    let (never_status, never) = server
        .post_as(
            &ann,
            "/contacts",
            json!({"first_name": "A", "last_name": "B", "organisation_id": 1}),
        )
        .await;
    assert_eq!(
        (status, &foreign["code"]),
        (never_status, &never["code"]),
        "{foreign}"
    );
    let (_, hits) = server.get_as(&ann, "/search?q=Birke").await;
    assert_eq!(hits, json!([]), "{hits}");
    let (_, hits) = server.get_as(&server.admin, "/search?q=Birke").await;
    assert_eq!(hits.as_array().unwrap().len(), 2, "{hits}");

    // Cy (support, team) sees what Ben, in Cy's team, owns; not Ann's.
    let (_, contacts) = server.get_as(&cy, "/contacts").await;
    assert_eq!(ids(&contacts), [contact_b]);
    let (_, timeline) = server
        .get_as(&cy, &format!("/activities?contact_id={contact_b}"))
        .await;
    assert_eq!(ids(&timeline), [activity_b]);

    // A role that reads only activities, reaching all of them, widens Cy's
    // reach into activities and nothing else.
    server
        .create(
            &server.admin,
            "/roles",
            json!({"name": "notes_everywhere", "label": "All notes", "permissions": {"activities": ["read"]}, "categories": ["free_text"], "record_scope": "all"}),
        )
        .await;
    let (status, _) = server
        .admin(
            "PUT",
            &format!("/users/{cy_id}/roles"),
            Some(json!({"roles": ["support", "notes_everywhere"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, contacts) = server.get_as(&cy, "/contacts").await;
    assert_eq!(
        ids(&contacts),
        [contact_b],
        "contacts still by team: {contacts}"
    );
    let (_, activities) = server.get_as(&cy, "/activities").await;
    assert_eq!(ids(&activities), [activity_b]);

    // Ann may edit her contact of an organisation outside her reach: the
    // link she cannot follow is kept, not refused or dropped.
    let ann_contact = server
        .create(&ben, "/contacts", json!({"first_name": "Cleo", "last_name": "Birke", "organisation_id": org_b, "owner_id": ann_id}))
        .await;
    let (status, kept) = server
        .replace(&ann, &format!("/contacts/{ann_contact}"), json!({"first_name": "Cleo", "last_name": "Birke-Anker", "organisation_id": org_b, "owner_id": ann_id}))
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["organisation_id"], org_b);

    // Giving Anker to Ben moves it out of Ann's reach and into Cy's.
    let (status, moved) = server
        .replace(
            &server.admin,
            &format!("/organisations/{org_a}"),
            json!({"name": "Anker AG", "owner_id": ben_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["owner_name"], "ben@scope.example");
    let (status, _) = server
        .get_as(&ann, &format!("/organisations/{org_a}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .get_as(&ann, &format!("/agreements/{agreement_a}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The contact Ann made is still hers.
    let (status, _) = server.get_as(&ann, &format!("/contacts/{contact_a}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get_as(&cy, &format!("/contacts/{contact_a}")).await;
    assert_eq!(status, StatusCode::OK);

    // Taking Cy out of the team takes Ben's records out of Cy's reach.
    let (status, changed) = server
        .admin(
            "PUT",
            &format!("/teams/{team}"),
            Some(json!({"name": "North", "member_ids": [ben_id]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let (_, contacts) = server.get_as(&cy, "/contacts").await;
    assert!(ids(&contacts).is_empty(), "{contacts}");

    // Bad input: clear 4xx, nothing changed.
    let (status, answer) = server
        .admin(
            "POST",
            "/teams",
            Some(json!({"name": "South", "member_ids": [1]})),
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference")),
        "{answer}"
    );
    let (status, answer) = server
        .admin("POST", "/teams", Some(json!({"name": "North"})))
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );
    let (_, teams) = server.admin("GET", "/teams", None).await;
    assert_eq!(items(&teams).len(), 1, "{teams}");
    let (status, answer) = server
        .admin(
            "PUT",
            "/settings/access",
            Some(json!({"sales_record_scope": "mine", "support_record_scope": "all"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["unknown_record_scope"]);
    let (_, settings) = server.admin("GET", "/settings/access", None).await;
    assert_eq!(settings["sales_record_scope"], "own");
    let (status, answer) = server
        .replace(
            &server.admin,
            &format!("/organisations/{org_a}"),
            json!({"name": "Anker AG", "owner_id": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
}

/// What masking hides must not come back another way: a file's name and
/// content, the consent ledger's proof, the portal account's address, a
/// search or a word filter on a hidden field. And every read of a person's
/// data is found from that person (issue 20, items 2-5 and 7).
async fn hidden_values_do_not_come_back_another_way(server: Server) {
    let (status, _) = server
        .admin(
            "PUT",
            "/settings/access",
            Some(json!({"sales_record_scope": "all", "support_record_scope": "all", "sensitive_categories": ["free_text"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let contact = server
        .create(
            &server.admin,
            "/contacts",
            json!({"first_name": "Ada", "last_name": "Lovelace", "emails": ["ada@engine.example"], "phones": ["+49 30 5550199"]}),
        )
        .await;
    let ticket = server
        .create(
            &server.admin,
            "/tickets",
            json!({"subject": "Printer on fire", "contact_id": contact}),
        )
        .await;
    let upload = server
        .attach(
            &server.admin,
            ticket,
            "ada-medical-note.txt",
            "Ada's private note",
        )
        .await;
    assert_eq!(upload.status(), StatusCode::CREATED);
    let file: Value = upload.json().await.unwrap();
    let (status, invited) = server
        .admin(
            "POST",
            &format!("/contacts/{contact}/portal-invitation"),
            None,
        )
        .await;
    assert!(status.is_success(), "{invited}");
    let (_, dpo) = server
        .user("dpo@scope.example", &["data_protection_officer"])
        .await;
    let (_, purposes) = server.get_as(&dpo, "/purposes").await;
    let purpose = find(&purposes["items"], "name", "Marketing communications")["id"].clone();
    let (status, text) = server
        .post_as(
            &dpo,
            "/consent-texts",
            json!({"purpose_id": purpose, "title": "News", "body": "Send me news"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    server
        .call(
            &dpo,
            "POST",
            &format!("/consent-texts/{}/publish", text["id"]),
            None,
        )
        .await;
    let (status, event) = server
        .admin(
            "POST",
            &format!("/contacts/{contact}/consents"),
            Some(json!({"text_id": text["id"], "action": "granted", "channel": "web_form"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let (status, request) = server
        .post_as(&dpo, "/requests", json!({"request_type": "access", "channel": "email", "contact_id": contact, "subject_name": "Ada Lovelace"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");

    let (_, reader) = server.user("reader@scope.example", &["read_only"]).await;
    let (_, support) = server.user("sup@scope.example", &["support"]).await;

    // Files: the name is hidden from read_only, the content refused.
    let (status, files) = server
        .get_as(&reader, &format!("/tickets/{ticket}/attachments"))
        .await;
    assert_eq!(status, StatusCode::OK, "{files}");
    assert_eq!(files["items"][0]["file_name"], "", "{files}");
    assert_eq!(files["items"][0]["masked_fields"], json!(["file_name"]));
    let download = format!("/attachments/{}", file["id"]);
    let (status, _) = server.get_as(&reader, &download).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Support sees free text only with a stated reason.
    let (status, refused) = server.get_as(&support, &download).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let shown = server
        .request(&support, "GET", &download, None)
        .header("X-Access-Reason", "Customer asked us to read it")
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    assert_eq!(shown.text().await.unwrap(), "Ada's private note");

    // The consent ledger's proof and the portal account's address.
    let (status, ledger) = server
        .get_as(&reader, &format!("/contacts/{contact}/consents"))
        .await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    let text = ledger.to_string();
    assert!(!text.contains("127.0.0.1"), "the address shows: {text}");
    let (_, admin_ledger) = server
        .admin("GET", &format!("/contacts/{contact}/consents"), None)
        .await;
    assert!(
        admin_ledger.to_string().contains("127.0.0.1"),
        "{admin_ledger}"
    );
    let (_, finance) = server.user("fin@scope.example", &["finance"]).await;
    let (_, ledger) = server
        .get_as(&finance, &format!("/contacts/{contact}/consents"))
        .await;
    assert!(!ledger.to_string().contains("127.0.0.1"), "{ledger}");
    // A tenant role that does not see contact details.
    let (status, role) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "names_only", "label": "Names only", "permissions": {"organisations_and_contacts": ["read"]}, "categories": ["identifier"], "record_scope": "all"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let (_, names_only) = server.user("names@scope.example", &["names_only"]).await;
    let (status, account) = server
        .get_as(&names_only, &format!("/contacts/{contact}/portal-access"))
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert!(
        !account.to_string().contains("ada@engine.example"),
        "{account}"
    );

    // Search and filters do not match on what is hidden.
    let (_, found) = server.get_as(&names_only, "/search?q=030%205550199").await;
    assert_eq!(found, json!([]), "a hidden phone found its contact");
    let (_, found) = server.get_as(&names_only, "/search?q=engine").await;
    assert_eq!(found, json!([]), "a hidden email found its contact");
    let (_, found) = server.get_as(&names_only, "/search?q=Lovelace").await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    let (_, found) = server.admin("GET", "/search?q=030%205550199", None).await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    for path in ["/tickets?q=printer", "/faq-articles?q=printer"] {
        let (status, refused) = server.get_as(&reader, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {refused}");
        assert_eq!(refused["code"], "filter_on_hidden_field");
    }
    let (status, _) = server.get_as(&reader, "/tickets?q=1").await;
    assert_eq!(status, StatusCode::OK, "a ticket number is no hidden value");

    // Every read of Ada's data is found from Ada.
    server
        .get_as(&dpo, &format!("/requests/{}", request["id"]))
        .await;
    let (_, trail) = server
        .get_as(&dpo, &format!("/audit?contact_id={contact}&limit=200"))
        .await;
    let found: Vec<(String, String)> = items(&trail)
        .iter()
        .map(|e| {
            (
                e["record_type"].as_str().unwrap_or("").to_string(),
                e["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for wanted in [
        ("consent_event", "list"),
        ("portal_account", "read"),
        ("subject_request", "read"),
        ("ticket_attachment", "list"),
        ("ticket_attachment", "read"),
    ] {
        assert!(
            found
                .iter()
                .any(|(t, a)| (t.as_str(), a.as_str()) == wanted),
            "{wanted:?} is not found from the contact: {found:?}"
        );
    }
    // A tenant role with privacy rights sees what its categories allow:
    // the request's contact details and the trail's addresses are hidden,
    // and the export, which holds everything, is refused with the reason.
    let (status, role) = server
        .admin(
            "POST",
            "/roles",
            Some(json!({"name": "privacy_clerk", "label": "Privacy clerk", "permissions": {"privacy": ["read", "export"]}, "categories": ["identifier"], "record_scope": "all"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let (_, clerk) = server.user("clerk@scope.example", &["privacy_clerk"]).await;
    server
        .put_as(
            &dpo,
            &format!("/requests/{}/subjects", request["id"]),
            json!({"contact_ids": [contact]}),
        )
        .await;
    let (status, seen) = server
        .get_as(&clerk, &format!("/requests/{}", request["id"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["subject_name"], "Ada Lovelace");
    assert!(
        seen["masked_fields"]
            .as_array()
            .is_some_and(|m| m.contains(&json!("subject_email"))),
        "{seen}"
    );
    let (status, refused) = server
        .get_as(&clerk, &format!("/requests/{}/export", request["id"]))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("export_needs_every_category")),
        "{refused}"
    );
    let (status, trail) = server.get_as(&clerk, "/audit?limit=200").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        items(&trail)
            .iter()
            .all(|e| e["source_ip"].is_null() && e["user_agent"].is_null()),
        "the trail's addresses show"
    );
    let (_, full) = server.get_as(&dpo, "/audit?limit=200").await;
    assert!(items(&full).iter().any(|e| e["source_ip"] == "127.0.0.1"));

    // Staff are people too: the list of users is a recorded read.
    server.admin("GET", "/users", None).await;
    let (_, trail) = server
        .get_as(&dpo, "/audit?record_type=user&action=list")
        .await;
    assert!(!items(&trail).is_empty(), "listing the staff left no entry");
}

async fn sensitive_data_needs_a_stated_reason(server: Server) {
    let (status, _) = server
        .admin(
            "PUT",
            "/settings/access",
            Some(json!({"sales_record_scope": "all", "support_record_scope": "all", "sensitive_categories": ["free_text"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let contact = server
        .create(
            &server.admin,
            "/contacts",
            json!({"first_name": "Nia", "last_name": "Quell"}),
        )
        .await;
    let activity = server
        .create(
            &server.admin,
            "/activities",
            json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Complained about billing", "body": "Wants a refund", "contact_ids": [contact]}),
        )
        .await;
    let (_, support) = server.user("sup@scope.example", &["support"]).await;
    let (_, reader) = server.user("reader@scope.example", &["read_only"]).await;
    let path = format!("/activities/{activity}");

    // Without a reason the notes are hidden, and the answer says a reason would show them.
    let response = server
        .request(&support, "GET", &path, None)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("custodian-access-reason")
            .map(|v| v.to_str().unwrap()),
        Some("required")
    );
    let hidden: Value = response.json().await.unwrap();
    assert_eq!(hidden["subject"], "");
    assert_eq!(hidden["masked_fields"], json!(["subject", "body"]));
    let (_, list) = server.get_as(&support, "/activities").await;
    assert_eq!(list["items"][0]["body"], "", "{list}");

    // With a reason they are shown, and the trail keeps the reason.
    let reason = "Customer complaint 4711";
    let (status, shown) = server.get_with_reason(&support, &path, reason).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["subject"], "Complained about billing");
    assert!(shown.get("masked_fields").is_none(), "{shown}");
    server.app.audit().flush_audit().await;
    // The trail shows reasons to those whose roles grant free text, stated
    // reason or not: it is where reasons are checked.
    let (_, trail) = server
        .admin(
            "GET",
            &format!("/audit?record_type=activity&record_id={activity}&action=read"),
            None,
        )
        .await;
    let reads = items(&trail);
    assert!(
        reads
            .iter()
            .any(|e| e["reason"] == reason && e["fields"] == json!(["subject", "body"])),
        "{trail}"
    );
    assert!(
        reads.iter().all(|e| e["reason"] == reason
            || !e["fields"].as_array().unwrap().iter().any(|f| f == "body")),
        "no read shows the notes without the reason: {trail}"
    );

    // Reading the trail (which holds staff addresses and reasons) is on the trail too.
    let (_, trail_reads) = server
        .admin("GET", "/audit?record_type=tenant&action=list", None)
        .await;
    assert!(
        items(&trail_reads).iter().any(|e| e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "audit_entries.reason")),
        "{trail_reads}"
    );

    // Changing the record needs sight of all of it, so a reason too.
    let body = json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Billing complaint", "contact_ids": [contact]});
    let (status, answer) = server.replace(&support, &path, body.clone()).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (_, current) = server.get_as(&server.admin, &path).await;
    let response = server
        .request(&support, "PUT", &path, Some(body))
        .header("If-Match", format!("\"{}\"", current["version"]))
        .header("X-Access-Reason", reason)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // A field hidden by the roles is not one a reason would show.
    let agreement = server
        .create(
            &server.admin,
            "/agreements",
            json!({"title": "Q", "organisation_id": server.create(&server.admin, "/organisations", json!({"name": "Quell AG"})).await, "start_date": "2026-01-01", "value": "5.00", "currency": "EUR", "status": "active"}),
        )
        .await;
    let response = server
        .request(&support, "GET", &format!("/agreements/{agreement}"), None)
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("custodian-access-reason").is_none());
    let masked: Value = response.json().await.unwrap();
    assert_eq!(masked["masked_fields"], json!(["value"]));
    assert!(masked.get("reason_required_fields").is_none(), "{masked}");
    assert_eq!(hidden["reason_required_fields"], json!(["subject", "body"]));

    // A reason does not grant what the roles do not: read-only never sees notes.
    let (_, still_hidden) = server.get_with_reason(&reader, &path, reason).await;
    assert_eq!(still_hidden["subject"], "", "{still_hidden}");

    // An empty reason is refused, not ignored.
    for empty in ["", "  ", "ok"] {
        let (status, answer) = server.get_with_reason(&support, &path, empty).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{empty:?}: {answer}"
        );
        assert_eq!(answer["code"], "reason_required");
    }
}

on_both_backends!(
    sensitive_data_needs_a_stated_reason,
    hidden_values_do_not_come_back_another_way,
    a_tenant_role_grants_what_it_says,
    record_scope_keeps_users_to_their_own_and_their_teams,
);
