//! The audit trail over real HTTP: reads of personal data are recorded with
//! address and user agent, the trail is filtered per record, per user and per
//! data subject, exported as CSV, kept from members and from other tenants,
//! and shown on its page. On SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on
//! PostgreSQL.

mod support;
use support::{
    browser_client, get_page, hidden_value, items, on_both_backends, postgres, sqlite, strings,
    submit_login, Story, TestApp, PASSWORD,
};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

const AGENT: &str = "audit-trail-test/1.0";

support::fixture! {
    Server { admin_token: String, admin_id: i64, member_token: String, other_tenant_token: String }
}

impl Story for Server {
    async fn start(mut t: TestApp) -> Server {
        let tenant = t.tenant("Trail GmbH").await;
        let [(admin, admin_token), (member, member_token)] = t
            .staff(
                tenant,
                [
                    ("dpo@example.com", Role::Administrator),
                    ("member@example.com", Role::Sales),
                ],
            )
            .await;
        assert_ne!(member.id, admin.id);
        let other = t.tenant("Elsewhere Ltd").await;
        let [(_, other_tenant_token)] = t
            .staff(other, [("admin@elsewhere.example", Role::Administrator)])
            .await;
        t.client = browser_client(Some(AGENT));
        Server {
            admin_token,
            admin_id: admin.id.0,
            member_token,
            other_tenant_token,
            t,
        }
    }
}

impl Server {
    async fn trail(&self, query: &str) -> Vec<Value> {
        let (status, page) = self
            .get_as(&self.admin_token, &format!("/audit?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        items(&page).clone()
    }
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn reads_and_changes_are_on_the_trail(server: Server) {
    let (status, contact) = server
        .post_as(
            &server.admin_token,
            "/contacts",
            json!({"first_name": "Ada", "last_name": "Lovelace", "emails": ["ada@example.com"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{contact}");
    let id = contact["id"].as_i64().unwrap();
    let (status, _) = server
        .get_as(&server.member_token, &format!("/contacts/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get_as(&server.admin_token, "/contacts?q=Love").await;
    assert_eq!(status, StatusCode::OK);

    let entries = server
        .trail(&format!("record_type=contact&record_id={id}"))
        .await;
    assert_eq!(actions(&entries), ["list", "read", "create"], "{entries:?}");
    // The list is one entry naming the records it showed; this one among them.
    let list = &entries[0];
    assert_eq!(list["record_id"], 0);
    assert!(
        list["record_ids"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(id)),
        "{list}"
    );
    let read = &entries[1];
    assert_eq!(read["actor_kind"], "api_token");
    assert_eq!(read["source_ip"], "127.0.0.1");
    assert_eq!(read["user_agent"], AGENT);
    let fields = strings(&read["fields"]);
    assert!(
        fields.contains(&"emails") && fields.contains(&"last_name"),
        "{fields:?}"
    );
    assert!(!fields.contains(&"sort_name"), "{fields:?}");
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );

    // Per user: what the admin did, and nothing the member did.
    let by_admin = server
        .trail(&format!(
            "user_id={}&record_type=contact&record_id={id}",
            server.admin_id
        ))
        .await;
    assert_eq!(actions(&by_admin), ["list", "create"]);
    assert!(by_admin
        .iter()
        .all(|e| e["actor_user_id"] == server.admin_id));

    // Per data subject: an activity about the contact, and its reading.
    let (status, activity) = server
        .post_as(&server.admin_token, "/activities", json!({"kind": "call", "occurred_at": "2026-11-24T09:30:00Z", "subject": "Intro call", "contact_ids": [id]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{activity}");
    let activity_id = activity["id"].as_i64().unwrap();
    server
        .get_as(&server.member_token, &format!("/activities/{activity_id}"))
        .await;
    let subject = server.trail(&format!("contact_id={id}")).await;
    let about_activity: Vec<&str> = subject
        .iter()
        .filter(|e| e["record_type"] == "activity")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(about_activity, ["read", "create"], "{subject:?}");
    assert!(subject.iter().any(|e| e["record_type"] == "contact"));

    // Every entry about one record type.
    let about_contacts = server.trail("record_type=contact").await;
    assert!(
        !about_contacts.is_empty() && about_contacts.iter().all(|e| e["record_type"] == "contact")
    );

    // Filters by action and time.
    let reads = server.trail(&format!("contact_id={id}&action=read")).await;
    assert_eq!(reads.len(), 2);
    assert!(server
        .trail("from=2000-01-01&until=2000-01-31")
        .await
        .is_empty());

    // Pages: one entry at a time, following the cursor.
    let (_, first) = server
        .get_as(
            &server.admin_token,
            &format!("/audit?contact_id={id}&limit=1"),
        )
        .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let (_, second) = server
        .get_as(
            &server.admin_token,
            &format!("/audit?contact_id={id}&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second["items"][0]["seq"], subject[1]["seq"]);

    // CSV of the same selection.
    let export = format!("/audit/export?contact_id={id}");
    let response = server
        .request(&server.admin_token, "GET", &export, None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("seq,occurred_at,actor_kind"));
    assert_eq!(lines.len(), subject.len() + 1, "{csv}");
    assert!(lines.iter().any(|l| l.contains(AGENT)));

    // Members and other tenants see none of it.
    let (status, problem) = server.get_as(&server.member_token, "/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, elsewhere) = server
        .get_as(
            &server.other_tenant_token,
            &format!("/audit?record_type=contact&record_id={id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(elsewhere["items"], json!([]));
}

async fn bad_filters_are_refused(server: Server) {
    for (query, status, code) in [
        (
            "record_type=invoice&record_id=1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "record_id=5",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "record_type=contact&record_id=1&contact_id=1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "action=peek",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "from=last+week",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        ("cursor=abc", StatusCode::BAD_REQUEST, "invalid_cursor"),
        ("limit=0", StatusCode::BAD_REQUEST, "invalid_limit"),
        ("record_id=x", StatusCode::BAD_REQUEST, "invalid_query"),
        ("colour=red", StatusCode::BAD_REQUEST, "invalid_query"),
    ] {
        let (got, problem) = server
            .get_as(&server.admin_token, &format!("/audit?{query}"))
            .await;
        assert_eq!(got, status, "{query}: {problem}");
        assert_eq!(problem["code"], code, "{query}: {problem}");
    }
}

async fn the_trail_page_shows_logins_and_reads(server: Server) {
    let wrong = submit_login(
        &server.client,
        &server.base,
        "/login",
        &[
            ("email", "dpo@example.com"),
            ("password", "not the password"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // The refused form comes with a fresh CSRF token.
    let csrf = hidden_value(&wrong.text().await.unwrap(), "_csrf");
    let logged_in = server
        .client
        .post(format!("{}/login", server.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "dpo@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let (_, contact) = server
        .post_as(
            &server.admin_token,
            "/contacts",
            json!({"first_name": "Grace", "last_name": "Hopper"}),
        )
        .await;
    let id = contact["id"].as_i64().unwrap();
    let page = |path: String| {
        let client = server.client.clone();
        async move { get_page(&client, &path).await }
    };
    let (status, detail) = page(format!("{}/contacts/{id}", server.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail.contains(&format!("href=\"/audit?contact_id={id}\"")),
        "{detail}"
    );
    let (status, trail) = page(format!("{}/audit?contact_id={id}", server.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        trail.contains("viewed") && trail.contains("created"),
        "{trail}"
    );
    assert!(trail.contains(AGENT));
    let (_, logins) = page(format!("{}/audit?user_id={}", server.base, server.admin_id)).await;
    assert!(logins.contains("logged in"), "{logins}");
    let (_, failed) = page(format!("{}/audit?action=login_failed", server.base)).await;
    assert!(
        failed.contains("failed login") && failed.contains("127.0.0.1"),
        "{failed}"
    );
    let (status, refused) = page(format!("{}/audit?record_id=abc", server.base)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused.contains("must be a number"));
    let (status, csv) = page(format!("{}/audit.csv?contact_id={id}", server.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("seq,"));
}

on_both_backends!(reads_and_changes_are_on_the_trail);
on_both_backends!(bad_filters_are_refused);
on_both_backends!(the_trail_page_shows_logins_and_reads);
