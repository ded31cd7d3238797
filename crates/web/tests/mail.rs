//! Outbound email against a real SMTP server (Python's aiosmtpd, writing
//! to a maildir), on SQLite and (with CUSTODIAN_TEST_POSTGRES_URL)
//! PostgreSQL: a staff reply writes the requester's notice to the outbox in
//! its transaction; a send that fails is kept and tried again later, and
//! arrives once the server is up; a message given up is sent again on an
//! administrator's word; notices carry a number and a link, not the reply.
//!
//! Skipped with a message when aiosmtpd is not installed, unless
//! CUSTODIAN_REQUIRE_SMTP is set (CI sets it), which makes it fail.

mod support;
use support::{items, on_both_backends, TestApp};
mod smtp;

use custodian_app::mail::MailSettings;
use custodian_app::App;
use custodian_core::access::Role;
use custodian_core::time::Timestamp;
use reqwest::StatusCode;
use serde_json::{json, Value};
use smtp::{aiosmtpd_installed, free_port, received, start_smtp};
use std::path::PathBuf;

support::fixture! {
    World {
        admin: String,
        support: String,
        port: u16,
        maildir: PathBuf,
        _mail_dir: tempfile::TempDir,
    }
}

/// The app sending through the SMTP server the story starts on `port`.
fn sending_to(port: u16) -> impl FnOnce(App) -> App {
    move |app| {
        app.with_mail(&MailSettings {
            public_url: "https://crm.example.test/".into(),
            from: "Helpdesk <help@crm.example.test>".into(),
            smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        })
        .unwrap()
    }
}

async fn world(t: TestApp, port: u16) -> World {
    let mail_dir = tempfile::tempdir().unwrap();
    let tenant = t.tenant("Mail GmbH").await;
    let admin = t
        .token(tenant, "admin@example.com", Role::Administrator)
        .await;
    let support = t.token(tenant, "support@example.com", Role::Support).await;
    World {
        t,
        admin,
        support,
        port,
        maildir: mail_dir.path().join("maildir"),
        _mail_dir: mail_dir,
    }
}

async fn sqlite() -> Option<World> {
    if !aiosmtpd_installed() {
        return None;
    }
    let port = free_port();
    Some(world(TestApp::sqlite_with(sending_to(port)).await, port).await)
}

async fn postgres() -> Option<Option<World>> {
    let port = free_port();
    let t = TestApp::postgres_with(sending_to(port)).await?;
    if !aiosmtpd_installed() {
        return Some(None);
    }
    Some(Some(world(t, port).await))
}

impl World {
    async fn create(&self, path: &str, body: Value) -> Value {
        let (status, created) = self.post_as(&self.admin, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
        created
    }

    async fn outbox(&self) -> Vec<Value> {
        let (status, page) = self.get_as(&self.admin, "/outbox").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        items(&page).clone()
    }
}

const MINUTE: i64 = 60_000;

async fn replies_reach_the_requester_through_retries(world: Option<World>) {
    let Some(world) = world else {
        return;
    };
    let contact = world
        .create("/contacts", json!({"first_name": "Ida", "last_name": "Kessel", "emails": ["ida.kessel@brauhaus.example"]}))
        .await;
    let silent = world
        .create(
            "/contacts",
            json!({"first_name": "Olaf", "last_name": "Ohnemail"}),
        )
        .await;
    let ticket = world
        .create(
            "/tickets",
            json!({"subject": "Bottling line stops at night", "contact_id": contact["id"]}),
        )
        .await;
    let id = ticket["id"].as_i64().unwrap();
    let messages = format!("/tickets/{id}/messages");
    // An internal note tells nobody; a reply to someone without an email
    // neither.
    world
        .create(
            &messages,
            json!({"body": "Spare motor in the van.", "visibility": "internal"}),
        )
        .await;
    let other = world
        .create(
            "/tickets",
            json!({"subject": "No address", "contact_id": silent["id"]}),
        )
        .await;
    world
        .create(
            &format!("/tickets/{}/messages", other["id"]),
            json!({"body": "Answered by phone."}),
        )
        .await;
    assert_eq!(world.outbox().await.len(), 0);

    // Support answers: the notice is in the outbox with the reply.
    let (status, _) = world
        .post_as(
            &world.support,
            &messages,
            json!({"body": "Our technician Jens comes at 10:00 with the spare motor."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let outbox = world.outbox().await;
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let mail = &outbox[0];
    assert_eq!(mail["status"], "pending");
    assert_eq!(mail["recipient"], "ida.kessel@brauhaus.example");
    assert_eq!(mail["purpose"], "ticket_reply");
    let mail_id = mail["id"].as_i64().unwrap();

    // The SMTP server is down: the send fails, is kept, and waits a minute.
    let now = Timestamp::now();
    let report = world.app.mail().deliver_due_mail(now).await;
    assert_eq!((report.sent, report.retried), (0, 1));
    let (_, kept) = world
        .get_as(&world.admin, &format!("/outbox/{mail_id}"))
        .await;
    assert_eq!(kept["status"], "pending");
    assert_eq!(kept["attempts"], 1);
    assert!(
        kept["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{kept}"
    );

    // Up again: not before its time, then it arrives.
    let _smtp = start_smtp(world.port, &world.maildir).await;
    assert_eq!(world.app.mail().deliver_due_mail(now).await.sent, 0);
    let report = world
        .app
        .mail()
        .deliver_due_mail(Timestamp(now.0 + 2 * MINUTE))
        .await;
    assert_eq!(report.sent, 1);
    let arrived = received(&world.maildir);
    assert_eq!(arrived.len(), 1);
    let text = &arrived[0];
    assert!(text.contains("To: ida.kessel@brauhaus.example"), "{text}");
    assert!(
        text.contains("From: Helpdesk <help@crm.example.test>"),
        "{text}"
    );
    let number = ticket["number"].as_i64().unwrap();
    assert!(
        text.contains(&format!("Subject: Ticket #{number}: there is a new reply")),
        "{text}"
    );
    assert!(
        text.contains(&format!("https://crm.example.test/portal/tickets/{id}")),
        "{text}"
    );
    for private in ["Jens", "spare motor", "Bottling", "Kessel"] {
        assert!(
            !text.contains(private),
            "the notice carries {private}: {text}"
        );
    }
    let (_, sent) = world
        .get_as(&world.admin, &format!("/outbox/{mail_id}"))
        .await;
    assert_eq!(sent["status"], "sent");
    assert!(sent["sent_at"].is_string());
    // Sent once: the next round sends nothing again.
    assert_eq!(
        world
            .app
            .mail()
            .deliver_due_mail(Timestamp(now.0 + 60 * MINUTE))
            .await
            .sent,
        0
    );
    assert_eq!(received(&world.maildir).len(), 1);
}

on_both_backends!(replies_reach_the_requester_through_retries);

async fn a_message_given_up_is_sent_again_on_request(world: Option<World>) {
    let Some(world) = world else {
        return;
    };
    let contact = world
        .create(
            "/contacts",
            json!({"first_name": "Uwe", "last_name": "Unerreicht", "emails": ["uwe@far.example"]}),
        )
        .await;
    let ticket = world
        .create(
            "/tickets",
            json!({"subject": "Label printer", "contact_id": contact["id"]}),
        )
        .await;
    world
        .create(
            &format!("/tickets/{}/messages", ticket["id"]),
            json!({"body": "Which model is it?"}),
        )
        .await;
    // Eight failed sends, each at its time, and it is given up.
    let mut at = Timestamp::now().0;
    for _ in 0..8 {
        world.app.mail().deliver_due_mail(Timestamp(at)).await;
        at += 13 * 60 * MINUTE;
    }
    let outbox = world.outbox().await;
    assert_eq!(outbox[0]["status"], "failed", "{outbox:?}");
    assert_eq!(outbox[0]["attempts"], 8);
    let id = outbox[0]["id"].as_i64().unwrap();
    let (status, _) = world
        .call(&world.support, "POST", &format!("/outbox/{id}/retry"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "administrators only");
    let (status, again) = world
        .call(&world.admin, "POST", &format!("/outbox/{id}/retry"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (again["status"].as_str(), again["attempts"].as_i64()),
        (Some("pending"), Some(0))
    );
    let (status, refused) = world
        .call(&world.admin, "POST", &format!("/outbox/{id}/retry"), None)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("in_use"))
    );
    let _smtp = start_smtp(world.port, &world.maildir).await;
    assert_eq!(
        world
            .app
            .mail()
            .deliver_due_mail(Timestamp::now())
            .await
            .sent,
        1
    );
    assert_eq!(received(&world.maildir).len(), 1);
    let (status, refused) = world.get_as(&world.admin, "/outbox?status=lost").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
}

on_both_backends!(a_message_given_up_is_sent_again_on_request);
