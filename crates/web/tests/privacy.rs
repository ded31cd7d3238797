//! The privacy area over the API: processing purposes with their lawful
//! bases, on SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{items, on_both_backends, postgres, sqlite, texts, Story, TestApp};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { Server { dpo: String, support: String } }

impl Story for Server {
    async fn start(t: TestApp) -> Server {
        let tenant = t.tenant("Privacy GmbH").await;
        let dpo = t
            .token(tenant, "dpo@privacy.example", Role::DataProtectionOfficer)
            .await;
        let support = t
            .token(tenant, "support@privacy.example", Role::Support)
            .await;
        Server { t, dpo, support }
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
    let (status, purposes) = server.get_as(&server.dpo, "/purposes").await;
    assert_eq!(status, StatusCode::OK);
    let items = items(&purposes);
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
        .post_as(&server.dpo, "/purposes", event.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["recipients"], json!(["Event agency (processor)"]));

    let mut changed = event.clone();
    changed["lawful_basis"] = json!("legitimate_interests");
    changed["categories"] = json!(["identifier", "contact", "special_category"]);
    changed["special_category_condition"] = json!("explicit_consent");
    let (status, updated) = server
        .put_as(&server.dpo, &format!("/purposes/{id}"), changed)
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["special_category_condition"], "explicit_consent");

    // Bad input: clear 4xx, nothing changed.
    let (status, answer) = server
        .post_as(&server.dpo, "/purposes", event.clone())
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );
    let (status, answer) = server
        .put_as(&server.dpo, &format!("/purposes/{id}"), json!({"name": "Event invitations", "lawful_basis": "because", "categories": ["special_category", "gossip"], "retention": ""}))
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
    let (_, unchanged) = server.get_as(&server.dpo, &format!("/purposes/{id}")).await;
    assert_eq!(unchanged["lawful_basis"], "legitimate_interests");

    // Support staff do not keep the register.
    let (status, _) = server.get_as(&server.support, "/purposes").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = server
        .delete_as(&server.dpo, &format!("/purposes/{id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get_as(&server.dpo, &format!("/purposes/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every change is on the trail.
    let (_, trail) = server
        .get_as(
            &server.dpo,
            &format!("/audit?record_type=purpose&record_id={id}"),
        )
        .await;
    let actions = texts(&trail["items"], "action");
    assert_eq!(actions, ["delete", "update", "create"], "{trail}");
}

async fn a_request_is_logged_verified_extended_and_answered(server: Server) {
    let dpo = &server.dpo;
    let log = |body: Value| server.post_as(dpo, "/requests", body);
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
    assert_eq!(request["number"], 1, "the tenant's first request");
    let id = request["id"].as_i64().unwrap();
    let path = |step: &str| format!("/requests/{id}{step}");

    // A stricter promise applies to requests logged from then on.
    let (status, _) = server
        .put_as(dpo, "/settings/request-deadline", json!({"days": 28}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, stricter) = log(json!({"request_type": "erasure", "channel": "phone", "received_on": "2026-03-01", "subject_name": "Ole Kern"})).await;
    assert_eq!(stricter["due_on"], "2026-03-29");
    assert_eq!(stricter["number"], 2);

    // Completing needs a verified identity first.
    let other = format!("/requests/{}/state", stricter["id"]);
    let (status, _) = server
        .post_as(dpo, &other, json!({"state": "in_progress"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = server
        .post_as(dpo, &other, json!({"state": "completed"}))
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["identity_not_verified"]
        )
    );
    let (status, answer) = server
        .post_as(dpo, &path("/state"), json!({"state": "completed"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&answer),
        ["not_allowed"],
        "received cannot complete: {answer}"
    );
    let (status, verified) = server
        .post_as(
            dpo,
            &path("/identity"),
            json!({"method": "Signed letter matches our records"}),
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
        let (status, answer) = server.post_as(dpo, &path("/extension"), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(codes(&answer), [code]);
    }
    let (_, extended) = server
        .post_as(
            dpo,
            &path("/extension"),
            json!({"months": 2, "reason": "Records in three systems"}),
        )
        .await;
    assert_eq!(extended["due_on"], "2026-04-30");
    assert_eq!(extended["extended_months"], 2);
    let (status, answer) = server
        .post_as(
            dpo,
            &path("/extension"),
            json!({"months": 1, "reason": "Shorter"}),
        )
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_longer"])
    );

    // Refusing needs a reason; completing closes the request for good.
    let (status, answer) = server
        .post_as(dpo, &path("/state"), json!({"state": "refused"}))
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason_required"])
    );
    let (status, done) = server
        .post_as(
            dpo,
            &path("/state"),
            json!({"state": "completed", "note": "Export sent by post"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "Export sent by post");
    let steps = texts(&done["steps"], "step");
    assert_eq!(
        steps,
        ["received", "identity_verified", "extended", "completed"]
    );
    let (status, answer) = server
        .post_as(dpo, &path("/state"), json!({"state": "in_progress"}))
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_allowed"])
    );

    // The dashboard lists open requests by due day; closed ones on asking.
    let (_, open) = server.get_as(dpo, "/requests").await;
    let open_ids: Vec<i64> = items(&open)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(open_ids, [stricter["id"].as_i64().unwrap()]);
    let (_, all) = server.get_as(dpo, "/requests?open=false").await;
    assert_eq!(items(&all).len(), 2);

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
        .put_as(dpo, "/settings/request-deadline", json!({"days": 45}))
        .await;
    assert_eq!(
        (status, codes(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["out_of_range"])
    );
    let (_, all) = server.get_as(dpo, "/requests?open=false").await;
    assert_eq!(items(&all).len(), 2);

    // Support staff do not see requests; every step is on the trail.
    let (status, _) = server.get_as(&server.support, &path("")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, trail) = server
        .get_as(
            dpo,
            &format!("/audit?record_type=subject_request&record_id={id}&action=update"),
        )
        .await;
    assert_eq!(items(&trail).len(), 3, "{trail}");
}

on_both_backends!(
    the_dpo_keeps_the_record_of_processing,
    a_request_is_logged_verified_extended_and_answered,
);
