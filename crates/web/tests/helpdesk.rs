//! Helpdesk stories over the API, against a real server on a loopback
//! port, on SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL:
//! tickets raised with numbers and due times, queues and search, replies
//! and internal notes moving the ticket, a closed ticket refusing more,
//! service levels, refusals that change nothing, and other tenants' tickets
//! not there.

mod support;
use support::{
    find, items, json_answer, on_both_backends, postgres, sqlite, texts, Story, TestApp,
};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { Server { token: String, support: String, finance: String, other: String } }

impl Story for Server {
    async fn start(t: TestApp) -> Server {
        let mut tokens = Vec::new();
        for name in ["Helpdesk GmbH", "Elsewhere Ltd"] {
            let tenant = t.tenant(name).await;
            for (email, role) in [
                ("admin@example.com", Role::Administrator),
                ("support@example.com", Role::Support),
                ("finance@example.com", Role::Finance),
            ] {
                tokens.push(t.token(tenant, email, role).await);
            }
        }
        Server {
            t,
            token: tokens[0].clone(),
            support: tokens[1].clone(),
            finance: tokens[2].clone(),
            other: tokens[3].clone(),
        }
    }
}

impl Server {
    /// PUTs `body` as `token`, claiming the record is at `version`.
    async fn put_at_version(
        &self,
        token: &str,
        path: &str,
        body: Value,
        version: i64,
    ) -> (StatusCode, Value) {
        let request = self.request(token, "PUT", path, Some(body));
        json_answer(request.header("If-Match", format!("\"{version}\""))).await
    }

    /// POSTs as the first tenant's administrator.
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.post_as(&self.token, path, body).await
    }

    /// What a GET answers the first tenant's administrator, which must be OK.
    async fn get(&self, path: &str) -> Value {
        let (status, answer) = self.get_as(&self.token, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        answer
    }

    /// The numbers of the tickets a list answers.
    async fn numbers(&self, query: &str) -> Vec<i64> {
        let page = self.get(&format!("/tickets?{query}")).await;
        items(&page)
            .iter()
            .map(|t| t["number"].as_i64().unwrap())
            .collect()
    }
}

fn codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default()
}

fn millis(answer: &Value, field: &str) -> i64 {
    let text = answer[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {answer}"));
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}

const MINUTE: i64 = 60_000;

async fn tickets_are_raised_answered_and_closed(server: Server) {
    let (_, org) = server
        .post("/organisations", json!({"name": "Brauhaus Nord"}))
        .await;
    let (_, contact) = server
        .post(
            "/contacts",
            json!({"first_name": "Ida", "last_name": "Kessel", "organisation_id": org["id"]}),
        )
        .await;
    let contact = contact["id"].as_i64().unwrap();

    // Raised: numbered per tenant, the organisation from the requester,
    // due times from the default service levels (high: 4 h and 1 day).
    let (status, first) = server
        .post(
            "/tickets",
            json!({"subject": "Bottling line stops", "description": "Since Monday.", "contact_id": contact, "priority": "high", "category": "Machines"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["number"], 1);
    assert_eq!(first["status"], "new");
    assert_eq!(first["organisation_id"], org["id"]);
    assert_eq!(first["contact_name"], "Ida Kessel");
    let raised = millis(&first, "created_at");
    assert_eq!(
        millis(&first, "first_response_due_at") - raised,
        4 * 60 * MINUTE
    );
    assert_eq!(
        millis(&first, "resolution_due_at") - raised,
        24 * 60 * MINUTE
    );
    assert_eq!(first["first_response_overdue"], false);
    let id = first["id"].as_i64().unwrap();
    let (_, second) = server
        .post(
            "/tickets",
            json!({"subject": "Invoice 4711 twice", "organisation_id": org["id"], "category": "Billing"}),
        )
        .await;
    assert_eq!(second["number"], 2);

    // Queues and search.
    assert_eq!(server.numbers("status=active").await, [2, 1]);
    assert_eq!(server.numbers("priority=high").await, [1]);
    assert_eq!(server.numbers("q=%232").await, [2]);
    assert_eq!(server.numbers("q=bottling%20LINE").await, [1]);
    assert_eq!(server.numbers(&format!("contact_id={contact}")).await, [1]);
    assert_eq!(server.numbers("assignee_id=0").await, [2, 1]);
    assert_eq!(server.numbers("sort=number").await, [1, 2]);
    for (query, code) in [
        ("status=finished", "invalid_filter"),
        ("priority=soon", "invalid_filter"),
        ("kind=call", "unsupported_filter"),
    ] {
        let (status, refused) = server
            .get_as(&server.token, &format!("/tickets?{query}"))
            .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{query}"
        );
    }

    // An internal note changes nothing for the requester.
    let messages = format!("/tickets/{id}/messages");
    let (status, note) = server
        .post(
            &messages,
            json!({"body": "Spare motor is in the van.", "visibility": "internal"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    let ticket = server.get(&format!("/tickets/{id}")).await;
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["first_responded_at"], Value::Null);
    // The first public reply stamps the first response and opens the ticket.
    let (status, _) = server
        .post(&messages, json!({"body": "A technician comes at 10:00."}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let ticket = server.get(&format!("/tickets/{id}")).await;
    assert_eq!(ticket["status"], "open");
    assert!(ticket["first_responded_at"].is_string(), "{ticket}");
    // A reply can move it on.
    server
        .post(
            &messages,
            json!({"body": "Did the restart help?", "status": "pending"}),
        )
        .await;
    let thread = server.get(&messages).await;
    let kinds = texts(&thread["items"], "visibility");
    assert_eq!(kinds, ["internal", "public", "public"]);
    assert_eq!(thread["items"][0]["author_name"], "admin@example.com");
    let ticket = server.get(&format!("/tickets/{id}")).await;
    assert_eq!(ticket["status"], "pending");

    // Closing needs the version read; a closed ticket takes nothing more.
    let mut input = json!({"subject": "Bottling line stops", "description": "Since Monday.", "contact_id": contact, "priority": "high", "category": "Machines", "status": "closed"});
    let version = ticket["version"].as_i64().unwrap();
    let (status, _) = server
        .put_at_version(
            &server.token,
            &format!("/tickets/{id}"),
            input.clone(),
            version - 1,
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, closed) = server
        .put_at_version(
            &server.token,
            &format!("/tickets/{id}"),
            input.clone(),
            version,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert!(
        closed["closed_at"].is_string() && closed["resolved_at"].is_string(),
        "{closed}"
    );
    let (status, refused) = server
        .post(&messages, json!({"body": "One more thing"}))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("ticket_closed"))
    );
    let closed_file = server
        .attach(&server.token, id, "late.txt", "too late")
        .await;
    assert_eq!(closed_file.status(), StatusCode::CONFLICT);
    assert_eq!(items(&server.get(&messages).await).len(), 3);
    // Reopened, it takes replies again and its resolution is no longer stamped.
    input["status"] = json!("open");
    let (status, reopened) = server
        .put_at_version(
            &server.token,
            &format!("/tickets/{id}"),
            input,
            closed["version"].as_i64().unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reopened["resolved_at"], Value::Null);
    assert_eq!(reopened["closed_at"], Value::Null);

    // Files: told by their content, refused when disguised, as they were.
    let files = format!("/tickets/{id}/attachments");
    let server = &server;
    let upload = |name: &'static str, bytes: Vec<u8>| async move {
        let response = server.attach(&server.token, id, name, bytes).await;
        let status = response.status();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let pdf = b"%PDF-1.4\n% bottling line wiring diagram\n".to_vec();
    let (status, stored) = upload("wiring.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(
        (
            stored["content_type"].as_str(),
            stored["size_bytes"].as_i64()
        ),
        (Some("application/pdf"), Some(pdf.len() as i64))
    );
    for (name, bytes, code) in [
        ("photo.png", pdf.clone(), "disguised_file"),
        (
            "invoice.pdf",
            b"MZ\x90\x00\x03".to_vec(),
            "unsupported_type",
        ),
        (
            "page.html",
            b"<script>alert(1)</script>".to_vec(),
            "disguised_file",
        ),
        ("empty.txt", Vec::new(), "empty_file"),
        ("big.txt", vec![b'a'; 10 * 1024 * 1024 + 1], "too_large"),
    ] {
        let (status, refused) = upload(name, bytes).await;
        assert_eq!(
            (status, refused["errors"][0]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{name}"
        );
    }
    let listed = server.get(&files).await;
    assert_eq!(items(&listed).len(), 1, "nothing refused was kept");
    let download = server
        .request(
            &server.token,
            "GET",
            &format!("/attachments/{}", stored["id"]),
            None,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"wiring.pdf\""
    );
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(download.bytes().await.unwrap().to_vec(), pdf);
    let (status, _) = server
        .get_as(&server.other, &format!("/attachments/{}", stored["id"]))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another tenant's file is not there"
    );

    // Bad input is named and stores nothing.
    let (status, refused) = server
        .post(
            "/tickets",
            json!({"subject": " ", "priority": "asap", "status": "done"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = codes(&refused);
    named.sort_unstable();
    assert_eq!(
        named,
        ["invalid_choice", "invalid_choice", "required", "required"],
        "{refused}"
    );
    let (status, refused) = server
        .post("/tickets", json!({"subject": "Ghost", "contact_id": 999}))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference"))
    );
    let (status, refused) = server
        .post(
            "/tickets",
            json!({"subject": "Ghost", "contact_id": contact, "assignee_id": 999}),
        )
        .await;
    assert_eq!(
        (status, refused["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("assignee_id")),
        "{refused}"
    );
    let (status, _) = server.post(&messages, json!({"body": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(server.numbers("status=").await, [2, 1], "nothing was added");
    assert_eq!(items(&server.get(&messages).await).len(), 3);

    // Script in a ticket is kept as text, for the pages to show inert.
    let (_, script) = server
        .post(
            "/tickets",
            json!({"subject": "<script>alert(1)</script>", "contact_id": contact}),
        )
        .await;
    assert_eq!(script["subject"], "<script>alert(1)</script>");

    // Need-to-know: support reads and answers; finance has no helpdesk.
    let (status, _) = server
        .post_as(&server.support, &messages, json!({"body": "On my way."}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = server.get_as(&server.finance, "/tickets").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another tenant's ticket is not there, however it is asked for.
    for (method, path, body) in [
        ("GET", format!("/tickets/{id}"), None),
        ("GET", messages.clone(), None),
        ("POST", messages.clone(), Some(json!({"body": "Hello"}))),
        ("DELETE", format!("/tickets/{id}"), None),
    ] {
        let (status, _) = server.call(&server.other, method, &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let (_, theirs) = server.get_as(&server.other, "/tickets?status=").await;
    assert_eq!(theirs["items"], json!([]));

    // Every change is on the audit trail, by field name.
    let trail = server
        .get(&format!("/audit?record_type=ticket&record_id={id}"))
        .await;
    let actions = texts(&trail["items"], "action");
    assert!(
        actions.contains(&"create") && actions.contains(&"update"),
        "{trail}"
    );

    // Deleting the requester keeps their organisation's ticket, without them;
    // deleting the organisation keeps it too.
    let (_, kept) = server
        .post(
            "/tickets",
            json!({"subject": "Keg washer", "contact_id": contact}),
        )
        .await;
    let (status, _) = server
        .delete_as(&server.token, &format!("/contacts/{contact}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let kept_path = format!("/tickets/{}", kept["id"]);
    let after = server.get(&kept_path).await;
    assert_eq!(
        (
            after["contact_id"].clone(),
            after["organisation_id"].clone()
        ),
        (Value::Null, org["id"].clone())
    );
    let (status, _) = server
        .delete_as(&server.token, &format!("/organisations/{}", org["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(server.get(&kept_path).await["organisation_id"], Value::Null);

    // Deleting takes the replies and notes with it.
    let (status, _) = server
        .delete_as(&server.token, &format!("/tickets/{id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get_as(&server.token, &messages).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(tickets_are_raised_answered_and_closed);

async fn service_levels_set_the_due_times(server: Server) {
    let levels = server.get("/settings/ticket-service-levels").await;
    assert_eq!(levels["levels"].as_array().unwrap().len(), 4);
    let (status, refused) = server
        .put_as(&server.token, "/settings/ticket-service-levels", json!({"levels": [{"priority": "urgent", "first_response_minutes": 120, "resolution_minutes": 60}, {"priority": "low", "first_response_minutes": 0, "resolution_minutes": 60}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = codes(&refused);
    named.sort_unstable();
    assert_eq!(
        named,
        ["invalid_minutes", "resolution_before_response"],
        "{refused}"
    );
    let (status, _) = server
        .put_as(
            &server.support,
            "/settings/ticket-service-levels",
            json!({"levels": []}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "administrators set them");
    let (status, set) = server
        .put_as(&server.token, "/settings/ticket-service-levels", json!({"levels": [{"priority": "urgent", "first_response_minutes": 15, "resolution_minutes": 120}]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, org) = server
        .post("/organisations", json!({"name": "Kältetechnik Süd"}))
        .await;
    let (_, ticket) = server
        .post(
            "/tickets",
            json!({"subject": "Cold store warm", "organisation_id": org["id"], "priority": "urgent"}),
        )
        .await;
    let raised = millis(&ticket, "created_at");
    assert_eq!(
        millis(&ticket, "first_response_due_at") - raised,
        15 * MINUTE
    );
    assert_eq!(millis(&ticket, "resolution_due_at") - raised, 120 * MINUTE);
    // Lowering the priority moves the due times, counted from the start.
    let input =
        json!({"subject": "Cold store warm", "organisation_id": org["id"], "priority": "low"});
    let (_, lowered) = server
        .put_at_version(
            &server.token,
            &format!("/tickets/{}", ticket["id"]),
            input,
            1,
        )
        .await;
    assert_eq!(
        millis(&lowered, "resolution_due_at") - raised,
        7 * 24 * 60 * MINUTE,
        "{lowered}"
    );
    // The other tenant kept the defaults.
    let theirs = server
        .get_as(&server.other, "/settings/ticket-service-levels")
        .await
        .1;
    let urgent = find(&theirs["levels"], "priority", "urgent").clone();
    assert_eq!(urgent["first_response_minutes"], 60);
}

on_both_backends!(service_levels_set_the_due_times);

async fn canned_replies_start_a_reply(server: Server) {
    // Kept through the API by support, like any record, with versions.
    let (status, reply) = server
        .post_as(
            &server.support,
            "/canned-replies",
            json!({"title": "Parts ordered", "body": "We ordered the part; it arrives on Friday."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let id = reply["id"].as_i64().unwrap();
    let (status, refused) = server
        .post_as(
            &server.support,
            "/canned-replies",
            json!({"title": " ", "body": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, changed) = server
        .put_at_version(
            &server.support,
            &format!("/canned-replies/{id}"),
            json!({"title": "Parts ordered", "body": "We ordered the part; it arrives on Thursday."}),
            1,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let (_, listed) = server
        .get_as(&server.support, "/canned-replies?q=parts")
        .await;
    assert_eq!(texts(&listed["items"], "title"), ["Parts ordered"]);
    // Finance does not work the helpdesk; another tenant does not see them.
    let (status, _) = server.get_as(&server.finance, "/canned-replies").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, theirs) = server.get_as(&server.other, "/canned-replies").await;
    assert!(items(&theirs).is_empty(), "{theirs}");

    // On a ticket's page the reply form offers them, and "Use" starts the
    // reply with the text (without JavaScript: the page again, filled in).
    let (_, contact) = server
        .post(
            "/contacts",
            json!({"first_name": "Rita", "last_name": "Reply"}),
        )
        .await;
    let (_, ticket) = server
        .post(
            "/tickets",
            json!({"subject": "Pump broken", "contact_id": contact["id"]}),
        )
        .await;
    let ticket = ticket["id"].as_i64().unwrap();
    let browser = support::browser_client(None);
    let fields = [
        ("email", "support@example.com"),
        ("password", support::PASSWORD),
    ];
    let signed_in = support::submit_login(&browser, &server.base, "/login", &fields).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (_, page) = support::get_page(&browser, &server.url(&format!("/tickets/{ticket}"))).await;
    assert!(
        page.contains(&format!(
            "<option value=\"{id}\" data-text=\"We ordered the part; it arrives on Thursday.\">Parts ordered</option>"
        )),
        "{page}"
    );
    let (_, filled) = support::get_page(
        &browser,
        &server.url(&format!("/tickets/{ticket}?reply_with={id}")),
    )
    .await;
    assert!(
        filled.contains(">We ordered the part; it arrives on Thursday.</textarea>"),
        "{filled}"
    );
    let (_, list) = support::get_page(&browser, &server.url("/canned-replies")).await;
    assert!(list.contains("1 canned reply"), "{list}");
    let (status, _) = server
        .delete_as(&server.support, &format!("/canned-replies/{id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

on_both_backends!(canned_replies_start_a_reply);
