//! Closing a tenant, on SQLite and PostgreSQL: its personal values are gone
//! from every table (and, on SQLite, from the bytes of the database file),
//! the aggregate counts stay, its audit chain still verifies, and another
//! tenant is untouched. The test looks for the values itself, beside the
//! scan the closing runs.

mod support;
use support::{input, on_both_backends, postgres, sqlite, TestApp, PASSWORD};

use custodian_app::audit::VerifyOptions;
use custodian_app::records::ListParams;
use custodian_app::{App, AppError, Principal};
use custodian_core::access::Role;
use custodian_core::retention::HoldFields;
use custodian_core::Refusal;
use custodian_core::TenantId;
use serde_json::json;
use sqlx::Row;

/// A tenant with an administrator, logged in from `ip` with `agent`; its
/// principal.
async fn tenant(
    t: &TestApp,
    name: &str,
    (email, person): (&str, &str),
    (ip, agent): (&str, &str),
) -> (TenantId, Principal) {
    let tenant = t.tenant(name).await;
    t.user_named(tenant, email, person, Role::Administrator)
        .await;
    (tenant, t.principal(email, ip, Some(agent)).await)
}

/// Records of every kind with values no other tenant has; the values.
async fn fill(app: &App, admin: &Principal) -> Vec<String> {
    let mut values = vec![
        "Quentin Closewell".to_string(),
        "203.0.113.77".into(),
        "ClosingAgent/1.0".into(),
    ];
    let org = app
        .create_organisation(admin, &input(json!({"name": "Xylophant Brokers", "phone": "+49 30 77712345", "billing_address": {"street": "Quappenweg 17", "city": "Berlin", "postcode": "10999"}})))
        .await
        .unwrap();
    values.extend([
        "Xylophant Brokers".into(),
        "+49 30 77712345".into(),
        "Quappenweg 17".into(),
    ]);
    for n in 0..12 {
        let first = format!("Zephyrine{n}");
        let last = format!("Quaxley{n}");
        let email = format!("zephyrine.quaxley{n}@closing.example");
        let contact = app
            .create_contact(
                admin,
                &input(json!({
                    "first_name": first, "last_name": last, "emails": [email],
                    "phones": [format!("+49 171 99{n:05}")], "organisation_id": org.id,
                    "position": "Head of Quibbling"
                })),
            )
            .await
            .unwrap();
        let body = format!("Zephyrine{n} called about invoice Q-{n}-Wobblegast");
        app.create_activity(
            admin,
            &input(json!({
                "kind": "call", "occurred_at": "2026-11-20T10:00:00Z",
                "subject": format!("Call with {first} {last}"), "body": body,
                "contact_ids": [contact.id]
            })),
        )
        .await
        .unwrap();
        values.extend([first.clone(), last, email, body]);
        if n < 3 {
            let subject = format!("Wobblegast ticket from {first}");
            let ticket = app
                .helpdesk()
                .create_ticket(
                    admin,
                    &input(json!({"subject": subject, "contact_id": contact.id})),
                )
                .await
                .unwrap();
            let reply = format!("Dear {first}, the Quibblecase is solved");
            app.helpdesk()
                .add_ticket_message(
                    admin,
                    ticket.id,
                    &input(json!({"body": reply, "status": "resolved"})),
                )
                .await
                .unwrap();
            values.extend([subject, reply]);
        }
        // Reads leave audit entries and last accesses.
        app.contact(admin, contact.id).await.unwrap();
    }
    let contacts = app.contacts(admin, &ListParams::default()).await.unwrap();
    app.retention()
        .place_legal_hold(
            admin,
            &HoldFields {
                target: "contact".into(),
                target_id: contacts.items[0].id.0,
                reason: "Dispute Wobblegast-Quibble".into(),
                owner_id: None,
                review_on: "2099-01-01".into(),
            },
        )
        .await
        .unwrap();
    values.push("Dispute Wobblegast-Quibble".into());
    app.privacy().log_request(
        admin,
        &input(json!({"request_type": "access", "channel": "letter", "subject_name": "Zephyrine3 Quaxley3", "subject_email": "zephyrine.quaxley3@closing.example"})),
    )
    .await
    .unwrap();
    values
}

/// Every table's rows as text, on the database's own terms: whether any
/// holds one of the values (PostgreSQL casts whole rows; SQLite is read as
/// the bytes of its file).
async fn values_found(url: &str, values: &[String]) -> Vec<String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut bytes = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            bytes.extend(wal);
        }
        // As written, and lowercased as the search index keeps words.
        return values
            .iter()
            .flat_map(|v| [v.clone(), v.to_lowercase()])
            .filter(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
            .collect();
    }
    let mut conn: sqlx::postgres::PgConnection = sqlx::Connection::connect(url).await.unwrap();
    let tables: Vec<String> =
        sqlx::query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
    let mut found = Vec::new();
    for value in values {
        for table in &tables {
            let sql = format!("SELECT COUNT(*) FROM {table} t WHERE strpos(t::text, $1) > 0");
            let n: i64 = sqlx::query_scalar(&sql)
                .bind(value)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            if n > 0 {
                found.push(format!("{value} in {table}"));
            }
        }
    }
    found
}

async fn closing_removes_every_personal_value(t: TestApp) {
    let app = &t.app;
    let (closing, admin) = tenant(
        &t,
        "Closing GmbH",
        ("quentin@closing.example", "Quentin Closewell"),
        ("203.0.113.77", "ClosingAgent/1.0"),
    )
    .await;
    let (staying, other) = tenant(
        &t,
        "Staying AG",
        ("stella@staying.example", "Stella Stays"),
        ("198.51.100.5", "StayingAgent/2.0"),
    )
    .await;
    let values = fill(app, &admin).await;
    app.create_contact(
        &other,
        &input(json!({"first_name": "Stella", "last_name": "Stays", "emails": ["stella.stays@staying.example"]})),
    )
    .await
    .unwrap();
    assert!(
        !values_found(&t.database_url, &values).await.is_empty(),
        "the values are there before"
    );

    let closure = app.close_tenant(closing).await.unwrap();
    assert_eq!(
        values_found(&t.database_url, &values).await,
        Vec::<String>::new()
    );
    assert!(closure.scan.is_clean(), "{:?}", closure.scan);
    assert!(
        closure.scan.values_checked >= values.len(),
        "{:?}",
        closure.scan
    );
    let count = |kind: &str| {
        closure
            .counts
            .records
            .iter()
            .find(|r| r.record_type == kind)
            .map(|r| (r.total, r.by_month.clone()))
            .unwrap()
    };
    assert_eq!(count("contacts").0, 12);
    assert_eq!(count("staff_users").0, 1);
    let (activities, by_month) = count("activities");
    assert_eq!(activities, 12);
    assert_eq!(by_month.get("2026-11"), Some(&12));
    assert_eq!(closure.removed["contacts"], 12);
    assert_eq!(count("tickets").0, 3);
    assert_eq!(closure.removed["ticket_messages"], 3);

    // The test's own look: not one of the values is anywhere.
    assert_eq!(
        values_found(&t.database_url, &values).await,
        Vec::<String>::new()
    );
    // The counts stay, the chain still verifies, nothing is left to log in.
    assert_eq!(app.closure_counts(closing).await.unwrap(), closure.counts);
    let reports = app
        .audit()
        .verify_audit(&VerifyOptions {
            tenant: Some(closing),
            trusted_keys: Vec::new(),
            checkpoint_file: None,
        })
        .await
        .unwrap();
    assert_eq!(reports[0].problem, None, "{:?}", reports[0]);
    assert!(app
        .login("quentin@closing.example", PASSWORD, "127.0.0.1", None, "")
        .await
        .is_err());
    // Closing twice is refused; the other tenant is as it was.
    assert!(matches!(
        app.close_tenant(closing).await,
        Err(AppError::Refused(Refusal::InUse(_)))
    ));
    let theirs = app.contacts(&other, &ListParams::default()).await.unwrap();
    assert_eq!(theirs.items.len(), 1);
    assert_eq!(app.closure_counts(staying).await.ok(), None);
}

on_both_backends!(closing_removes_every_personal_value);
