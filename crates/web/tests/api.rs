//! API stories against a real server on a loopback port, on SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    fetch, get_page, items, json_answer, on_both_backends, postgres, sqlite, Story, TestApp,
};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! {
    TestServer {
        token: String,
        other_token: String,
        /// A read_only user of the first tenant.
        read_only_token: String,
    }
}

impl Story for TestServer {
    async fn start(t: TestApp) -> TestServer {
        let alpha = t.tenant("Alpha GmbH").await;
        let beta = t.tenant("Beta Ltd").await;
        let token = t
            .token(alpha, "admin@example.com", Role::Administrator)
            .await;
        let read_only_token = t.token(alpha, "reader@example.com", Role::ReadOnly).await;
        let other_token = t
            .token(beta, "admin@example.com", Role::Administrator)
            .await;
        TestServer {
            t,
            token,
            other_token,
            read_only_token,
        }
    }
}

impl TestServer {
    /// POSTs as the first tenant's administrator.
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(&self.token, "POST", path, Some(body)).await
    }

    /// A new contact sent as this content type and raw body.
    fn raw_contact(&self, content_type: &str, body: &'static str) -> reqwest::RequestBuilder {
        let request = self.request(&self.token, "POST", "/contacts", None);
        request.header("content-type", content_type).body(body)
    }

    /// GETs as `token`.
    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(token, "GET", path, None).await
    }
}

async fn a_contact_lives_through_create_read_update_delete(server: TestServer) {
    let (status, org) = server
        .post(
            "/organisations",
            json!({"name": "Acme", "account_number": "A-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, contact) = server
        .post("/contacts", json!({"first_name": "Ada", "last_name": "Lovelace", "emails": ["ada@acme.example"], "organisation_id": org["id"]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{contact}");
    let id = contact["id"].as_i64().unwrap();
    assert_eq!(contact["organisation_name"], "Acme");

    let read = server
        .request(&server.token, "GET", &format!("/contacts/{id}"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let etag = read.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, "\"1\"");

    let mut changed =
        json!({"first_name": "Augusta Ada", "last_name": "King", "emails": ["ada@acme.example"]});
    let put = |body: &Value, if_match: Option<&str>| {
        let mut request = server
            .request(&server.token, "PUT", &format!("/contacts/{id}"), None)
            .json(body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    assert_eq!(
        put(&changed, None).await.unwrap().status(),
        StatusCode::PRECONDITION_REQUIRED
    );
    let updated = put(&changed, Some(&etag)).await.unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.headers()["etag"], "\"2\"");
    // A second editor still holding version 1 is refused, and nothing changes.
    changed["last_name"] = json!("Byron");
    let stale = put(&changed, Some(&etag)).await.unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["code"], "version_mismatch");
    let (_, now) = server.get(&format!("/contacts/{id}"), &server.token).await;
    assert_eq!(now["last_name"], "King");

    let (_, hits) = server.get("/search?q=augusta", &server.token).await;
    assert_eq!(hits[0]["id"].as_i64(), Some(id));

    let deleted = server
        .request(&server.token, "DELETE", &format!("/contacts/{id}"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get(&format!("/contacts/{id}"), &server.token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(a_contact_lives_through_create_read_update_delete);

async fn bad_input_is_answered_with_problems_and_changes_nothing(server: TestServer) {
    let cases: Vec<(Value, StatusCode, &str, Option<&str>)> = vec![
        (
            json!({"first_name": "A", "last_name": "B", "emails": ["not-an-email"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("emails[0]"),
        ),
        (
            json!({"first_name": "A", "last_name": "B", "phones": ["call me"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("phones[0]"),
        ),
        (
            json!({"first_name": "A".repeat(101), "last_name": "B"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("first_name"),
        ),
        (
            json!({"first_name": "A", "last_name": "B", "nickname": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            None,
        ),
        (
            json!({"first_name": "A", "last_name": "B", "organisation_id": 42}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_reference",
            Some("organisation_id"),
        ),
    ];
    for (body, status, code, field) in cases {
        let (got, problem) = server.post("/contacts", body.clone()).await;
        assert_eq!(got, status, "{body} → {problem}");
        assert_eq!(problem["code"], code, "{body} → {problem}");
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{body} → {problem}");
        }
    }
    let (status, problem) = server
        .post("/organisations", json!({"name": "Acme", "website": "acme"}))
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("website"))
    );

    let malformed = server
        .raw_contact("application/json", "{\"first_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        malformed.headers()["content-type"],
        "application/problem+json"
    );
    let wrong_type = server
        .raw_contact("text/plain", "first_name=A")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    server
        .post(
            "/organisations",
            json!({"name": "Acme", "account_number": "K-1"}),
        )
        .await;
    let (status, problem) = server
        .post(
            "/organisations",
            json!({"name": "Other", "account_number": "K-1"}),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );

    assert_eq!(
        server
            .get("/contacts?cursor=garbage", &server.token)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server
            .get("/contacts?sort=shoe_size", &server.token)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    // A page size outside 1..=200 is refused, not quietly changed.
    for limit in ["0", "201", "-1"] {
        let (status, problem) = server
            .get(&format!("/contacts?limit={limit}"), &server.token)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_limit")),
            "{limit}"
        );
    }
    // A record is a JSON object: arrays are not read by position.
    let (status, problem) = server.post("/organisations", json!(["Array Org"])).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body"))
    );
    let (status, _) = server
        .post(
            "/contacts",
            json!({"first_name": "A", "last_name": "B", "work_address": ["Main St 1", "12345", "Berlin", "DE"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A method an endpoint does not take is answered as a problem too.
    let patch = server
        .request(&server.token, "PATCH", "/contacts", None)
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patch.headers()["content-type"], "application/problem+json");
    // A filter the list does not offer is refused, not ignored.
    let (status, problem) = server.get("/assets?kind=call", &server.token).await;
    assert_eq!(
        (
            status,
            problem["code"].as_str(),
            problem["errors"][0]["field"].as_str()
        ),
        (
            StatusCode::BAD_REQUEST,
            Some("unsupported_filter"),
            Some("kind")
        )
    );
    assert_eq!(
        server.get("/contacts?limit=ten", &server.token).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server.get("/contacts", "cst_1.nonsense").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.get("/contacts/not-a-number", &server.token).await.0,
        StatusCode::NOT_FOUND
    );

    let (_, page) = server.get("/contacts", &server.token).await;
    assert_eq!(items(&page).len(), 0, "nothing was written");
    let (_, organisations) = server.get("/organisations", &server.token).await;
    assert_eq!(items(&organisations).len(), 1);
}
on_both_backends!(bad_input_is_answered_with_problems_and_changes_nothing);

/// A NUL character in any text refuses the request with a 400 problem on
/// both backends (PostgreSQL answered 500), wherever the text came in.
async fn nul_characters_are_refused_everywhere_text_comes_in(server: TestServer) {
    let problem_of = |response: reqwest::Response| async move {
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, kind, response.text().await.unwrap())
    };
    // Query string.
    let answer = server
        .request(&server.token, "GET", "/contacts?q=%00", None)
        .send()
        .await
        .unwrap();
    let (status, kind, body) = problem_of(answer).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(kind, "application/problem+json");
    assert!(body.contains("nul_character"), "{body}");
    // JSON body.
    let (status, problem) = server
        .post(
            "/contacts",
            json!({"first_name": "Ada\u{0}", "last_name": "Lovelace"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["code"], "nul_character");
    // The login form of the back office and of the portal.
    for path in ["/login", "/portal/login"] {
        let answer = server
            .client
            .post(format!("{}{path}", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=a%00b%40c.example&password=x")
            .send()
            .await
            .unwrap();
        let (status, _, body) = problem_of(answer).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(body.contains("NUL"), "{body}");
    }
    // Nothing was made.
    let (_, list) = server.get("/contacts", &server.token).await;
    assert_eq!(items(&list).len(), 0);
}
on_both_backends!(nul_characters_are_refused_everywhere_text_comes_in);

/// Refusals made by the framework before a handler runs are problem+json
/// too: a body over the limit, a method a route does not take, an address
/// the API does not have, a body that is not JSON.
async fn framework_refusals_are_problems(server: TestServer) {
    let (_, org) = server.post("/organisations", json!({"name": "Acme"})).await;
    let (status, ticket) = server
        .post(
            "/tickets",
            json!({"subject": "Printer on fire", "organisation_id": org["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let too_large = vec![b'a'; custodian_core::helpdesk::ATTACHMENT_MAX_BYTES + 2];
    let answers = [
        (
            server
                .request(
                    &server.token,
                    "POST",
                    &format!("/tickets/{}/attachments?file_name=big.txt", ticket["id"]),
                    None,
                )
                .body(too_large),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            server.request(&server.token, "PATCH", "/contacts", None),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            server.request(&server.token, "GET", "/no-such-thing", None),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw_contact("application/json", "{not json"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            server.raw_contact("text/plain", "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (request, status, code) in answers {
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), status);
        assert_eq!(
            answer.headers()["content-type"],
            "application/problem+json",
            "{code}"
        );
        let problem: Value = answer.json().await.unwrap();
        assert_eq!(problem["code"], code, "{problem}");
        assert_eq!(problem["status"], status.as_u16());
    }
}
on_both_backends!(framework_refusals_are_problems);

async fn another_tenants_records_answer_404(server: TestServer) {
    let (_, org) = server
        .post("/organisations", json!({"name": "Secret AG"}))
        .await;
    let (_, contact) = server
        .post(
            "/contacts",
            json!({"first_name": "Sam", "last_name": "Secret", "organisation_id": org["id"]}),
        )
        .await;
    let (_, activity) = server
        .post("/activities", json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Call", "contact_ids": [contact["id"]]}))
        .await;
    let (_, asset) = server
        .post(
            "/assets",
            json!({"product_name": "Router", "serial_number": "SN-1", "contact_id": contact["id"]}),
        )
        .await;
    let (_, agreement) = server
        .post("/agreements", json!({"title": "Deal", "organisation_id": org["id"], "start_date": "2026-01-01", "value": "10.00", "currency": "EUR", "status": "active"}))
        .await;
    for (path, record) in [
        ("organisations", &org),
        ("contacts", &contact),
        ("activities", &activity),
        ("assets", &asset),
        ("agreements", &agreement),
    ] {
        let id = record["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{path}: {record}"));
        let (status, body) = server
            .get(&format!("/{path}/{id}"), &server.other_token)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["code"], "not_found");
        let delete = server
            .request(
                &server.other_token,
                "DELETE",
                &format!("/{path}/{id}"),
                None,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(delete.status(), StatusCode::NOT_FOUND, "{path}");
        let (status, page) = server.get(&format!("/{path}"), &server.other_token).await;
        assert_eq!(status, StatusCode::OK);
        assert!(items(&page).is_empty(), "{path} leaked: {page}");
        assert_eq!(
            server.get(&format!("/{path}/{id}"), &server.token).await.0,
            StatusCode::OK,
            "{path} still there"
        );
    }
    let (_, hits) = server.get("/search?q=secret", &server.other_token).await;
    assert_eq!(hits, json!([]));
}
on_both_backends!(another_tenants_records_answer_404);

async fn lists_page_with_cursors(server: TestServer) {
    for i in 0..12 {
        server
            .post("/organisations", json!({"name": format!("Org {i:02}")}))
            .await;
    }
    let mut names = Vec::new();
    let mut next = String::from("/organisations?limit=5&sort=-name");
    loop {
        let (status, page) = server.get(&next, &server.token).await;
        assert_eq!(status, StatusCode::OK);
        names.extend(
            items(&page)
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => next = format!("/organisations?limit=5&sort=-name&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..12).rev().map(|i| format!("Org {i:02}")).collect();
    assert_eq!(names, expected);
}
on_both_backends!(lists_page_with_cursors);

/// A cursor holds where a page ended, which is the sort key of its last
/// row: sealed, so a caller who may not see that value (a read_only user
/// and the titles of FAQ articles) cannot read it from the cursor either,
/// nor forge one.
async fn cursors_do_not_reveal_hidden_sort_keys(server: TestServer) {
    let titles = ["Alpha printer jams", "Beta label drift", "Gamma seal leaks"];
    for title in titles {
        let (status, made) = server
            .post(
                "/faq-articles",
                json!({"title": title, "body": "Restart the unit.", "published": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
    }
    let mut seen = Vec::new();
    let mut path = "/faq-articles?sort=title&limit=1&status=".to_string();
    loop {
        let (status, page) = server.get(&path, &server.read_only_token).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let item = &page["items"][0];
        assert_eq!(item["title"], "", "the title is masked: {page}");
        seen.push(item["id"].as_i64().unwrap());
        let Some(cursor) = page["next_cursor"].as_str() else {
            break;
        };
        for title in titles {
            let hex: String = title.bytes().map(|b| format!("{b:02x}")).collect();
            let word = &title[..5];
            let word_hex: String = word.bytes().map(|b| format!("{b:02x}")).collect();
            assert!(
                !cursor.contains(&hex) && !cursor.contains(&word_hex) && !cursor.contains(word),
                "the cursor shows {title}: {cursor}"
            );
        }
        path = format!("/faq-articles?sort=title&limit=1&status=&cursor={cursor}");
    }
    assert_eq!(seen.len(), 3, "paging still walks every article");
    // The plain form of a cursor, as before, is refused.
    let plain: String = "TAlpha printer jams\u{1f}1"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (status, problem) = server
        .get(
            &format!("/faq-articles?sort=title&limit=1&cursor={plain}"),
            &server.read_only_token,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["code"], "invalid_cursor");
}
on_both_backends!(cursors_do_not_reveal_hidden_sort_keys);

#[tokio::test]
async fn the_openapi_document_describes_every_resource() {
    let server: TestServer = sqlite().await;
    let (_, document) = json_answer(server.client.get(server.api("/openapi.json"))).await;
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "organisations",
        "contacts",
        "activities",
        "assets",
        "agreements",
    ] {
        assert!(
            document["paths"][format!("/api/v1/{path}")]["get"].is_object(),
            "{path}"
        );
        assert!(
            document["paths"][format!("/api/v1/{path}/{{id}}")]["put"].is_object(),
            "{path}"
        );
    }
    // Every parameter has a schema, as OpenAPI requires and clients need.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                assert!(
                    parameter["schema"].is_object(),
                    "{method} {path} {}",
                    parameter["name"]
                );
            }
            assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        }
    }
    assert_eq!(
        document["components"]["schemas"]["ContactPage"]["properties"]["next_cursor"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(
        document["paths"]["/api/v1/search"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["type"],
        "array"
    );
    for schema in ["Contact", "ContactInput", "Problem", "ContactPage"] {
        assert!(
            document["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
    }
    let (_, page) = get_page(&server.client, &server.api("/docs")).await;
    assert!(
        page.contains("<span class=\"method put\">PUT</span> <code>/api/v1/contacts/{id}</code>")
    );
    assert!(
        page.contains("<nav class=\"api-nav\""),
        "grouped, with a sidebar"
    );
    assert!(page.contains("<h2>contacts</h2>"), "{page}");
    assert!(page.contains("<h4>Body fields</h4>"));
    assert!(
        page.contains("&quot;last_name&quot;: &quot;Schmidt&quot;"),
        "an example body: {page}"
    );
    assert!(page.contains("curl -X PUT"));
    assert!(
        page.contains("&quot;created_at&quot;: &quot;2026-12-08T10:30:00Z&quot;"),
        "an example answer with every field"
    );
    assert!(page.contains("<li><code>412</code> Someone else changed it first</li>"));
    assert!(page.contains("<code>Authorization: Bearer &lt;token&gt;</code>"));
    let health = fetch(&server.client, &server.url("/healthz")).await;
    assert_eq!(health.status(), StatusCode::OK);
}
