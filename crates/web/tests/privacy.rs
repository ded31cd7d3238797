//! The privacy area over the API: processing purposes with their lawful
//! bases, on SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{on_both_backends, TestApp};

use custodian_core::access::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

struct Server {
    base: String,
    client: Client,
    dpo: String,
    support: String,
    _t: TestApp,
}

async fn start(t: TestApp) -> Server {
    let tenant = t.tenant("Privacy GmbH").await;
    let dpo = t
        .token(tenant, "dpo@privacy.example", Role::DataProtectionOfficer)
        .await;
    let support = t
        .token(tenant, "support@privacy.example", Role::Support)
        .await;
    Server {
        base: t.base.clone(),
        client: t.client.clone(),
        dpo,
        support,
        _t: t,
    }
}

async fn sqlite() -> Server {
    start(TestApp::sqlite().await).await
}

async fn postgres() -> Option<Server> {
    Some(start(TestApp::postgres().await?).await)
}

impl Server {
    async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}/api/v1{path}", self.base);
        let mut request = match method {
            "POST" => self.client.post(url),
            "PUT" => self.client.put(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.get(url),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.bearer_auth(token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default()
}

async fn the_dpo_keeps_the_record_of_processing(server: Server) {
    // A new tenant starts with the defaults of a B2B CRM.
    let (status, purposes) = server.call(&server.dpo, "GET", "/purposes", None).await;
    assert_eq!(status, StatusCode::OK);
    let items = purposes["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{purposes}");
    let basis = |name: &str| {
        items
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["lawful_basis"].clone())
    };
    assert_eq!(basis("Marketing communications"), Some(json!("consent")));
    assert_eq!(
        basis("Invoicing and bookkeeping"),
        Some(json!("legal_obligation"))
    );

    let event = json!({
        "name": "Event invitations",
        "description": "Invitations to our customer days",
        "lawful_basis": "consent",
        "categories": ["identifier", "contact"],
        "retention": "Until consent is withdrawn",
        "recipients": ["Event agency (processor)"],
    });
    let (status, created) = server
        .call(&server.dpo, "POST", "/purposes", Some(event.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["recipients"], json!(["Event agency (processor)"]));

    let mut changed = event.clone();
    changed["lawful_basis"] = json!("legitimate_interests");
    changed["categories"] = json!(["identifier", "contact", "special_category"]);
    changed["special_category_condition"] = json!("explicit_consent");
    let (status, updated) = server
        .call(
            &server.dpo,
            "PUT",
            &format!("/purposes/{id}"),
            Some(changed),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["special_category_condition"], "explicit_consent");

    // Bad input: clear 4xx, nothing changed.
    let (status, answer) = server
        .call(&server.dpo, "POST", "/purposes", Some(event.clone()))
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );
    let (status, answer) = server
        .call(
            &server.dpo,
            "PUT",
            &format!("/purposes/{id}"),
            Some(json!({"name": "Event invitations", "lawful_basis": "because", "categories": ["special_category", "gossip"], "retention": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&answer),
        [
            "unknown_lawful_basis",
            "unknown_category",
            "condition_required",
            "required"
        ]
    );
    let (_, unchanged) = server
        .call(&server.dpo, "GET", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(unchanged["lawful_basis"], "legitimate_interests");

    // Support staff do not keep the register.
    let (status, _) = server.call(&server.support, "GET", "/purposes", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = server
        .call(&server.dpo, "DELETE", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(&server.dpo, "GET", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every change is on the trail.
    let (_, trail) = server
        .call(
            &server.dpo,
            "GET",
            &format!("/audit?record_type=purpose&record_id={id}"),
            None,
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"], "{trail}");
}

async fn a_request_is_logged_verified_extended_and_answered(server: Server) {
    let dpo = &server.dpo;
    let log = |body: Value| server.call(dpo, "POST", "/requests", Some(body));
    let (status, request) = log(json!({
        "request_type": "access", "channel": "letter", "received_on": "2026-01-31",
        "subject_name": "Ida Quell", "subject_email": "ida@quell.example", "details": "Copy of my data"
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    assert_eq!(
        request["due_on"], "2026-02-28",
        "one month, to the end of February"
    );
    assert_eq!(request["state"], "received");
    let id = request["id"].as_i64().unwrap();
    let path = |step: &str| format!("/requests/{id}{step}");

    // A stricter promise applies to requests logged from then on.
    let (status, _) = server
        .call(
            dpo,
            "PUT",
            "/settings/request-deadline",
            Some(json!({"days": 28})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, stricter) = log(json!({"request_type": "erasure", "channel": "phone", "received_on": "2026-03-01", "subject_name": "Ole Kern"})).await;
    assert_eq!(stricter["due_on"], "2026-03-29");

    // Completing needs a verified identity first.
    let other = format!("/requests/{}/state", stricter["id"]);
    let (status, _) = server
        .call(dpo, "POST", &other, Some(json!({"state": "in_progress"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = server
        .call(dpo, "POST", &other, Some(json!({"state": "completed"})))
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["identity_not_verified"]
        )
    );
    let (status, answer) = server
        .call(
            dpo,
            "POST",
            &path("/state"),
            Some(json!({"state": "completed"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&answer),
        ["not_allowed"],
        "received cannot complete: {answer}"
    );
    let (status, verified) = server
        .call(
            dpo,
            "POST",
            &path("/identity"),
            Some(json!({"method": "Signed letter matches our records"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["state"], "in_progress");

    // Extension: two further months at most, with a reason, only longer.
    for (body, code) in [
        (
            json!({"months": 3, "reason": "Many systems"}),
            "extension_too_long",
        ),
        (json!({"months": 2, "reason": " "}), "reason_required"),
    ] {
        let (status, answer) = server
            .call(dpo, "POST", &path("/extension"), Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(codes(&answer), [code]);
    }
    let (_, extended) = server
        .call(
            dpo,
            "POST",
            &path("/extension"),
            Some(json!({"months": 2, "reason": "Records in three systems"})),
        )
        .await;
    assert_eq!(extended["due_on"], "2026-04-30");
    assert_eq!(extended["extended_months"], 2);
    let (status, answer) = server
        .call(
            dpo,
            "POST",
            &path("/extension"),
            Some(json!({"months": 1, "reason": "Shorter"})),
        )
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_longer"])
    );

    // Refusing needs a reason; completing closes the request for good.
    let (status, answer) = server
        .call(
            dpo,
            "POST",
            &path("/state"),
            Some(json!({"state": "refused"})),
        )
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason_required"])
    );
    let (status, done) = server
        .call(
            dpo,
            "POST",
            &path("/state"),
            Some(json!({"state": "completed", "note": "Export sent by post"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "Export sent by post");
    let steps: Vec<&str> = done["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["received", "identity_verified", "extended", "completed"]
    );
    let (status, answer) = server
        .call(
            dpo,
            "POST",
            &path("/state"),
            Some(json!({"state": "in_progress"})),
        )
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_allowed"])
    );

    // The dashboard lists open requests by due day; closed ones on asking.
    let (_, open) = server.call(dpo, "GET", "/requests", None).await;
    let open_ids: Vec<i64> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(open_ids, [stricter["id"].as_i64().unwrap()]);
    let (_, all) = server.call(dpo, "GET", "/requests?open=false", None).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    // Bad input: clear 4xx, nothing logged.
    let (status, answer) = log(json!({"request_type": "forget_me", "channel": "letter", "subject_name": "X", "received_on": "2999-01-01"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&answer), ["unknown_request_type", "in_the_future"]);
    let (status, answer) = log(json!({"request_type": "access", "channel": "letter", "subject_name": "X", "contact_id": 1})).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference"))
    );
    let (status, answer) = server
        .call(
            dpo,
            "PUT",
            "/settings/request-deadline",
            Some(json!({"days": 45})),
        )
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["out_of_range"])
    );
    let (_, all) = server.call(dpo, "GET", "/requests?open=false", None).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    // Support staff do not see requests; every step is on the trail.
    let (status, _) = server.call(&server.support, "GET", &path(""), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, trail) = server
        .call(
            dpo,
            "GET",
            &format!("/audit?record_type=subject_request&record_id={id}&action=update"),
            None,
        )
        .await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 3, "{trail}");
}

on_both_backends!(
    the_dpo_keeps_the_record_of_processing,
    a_request_is_logged_verified_extended_and_answered,
);
