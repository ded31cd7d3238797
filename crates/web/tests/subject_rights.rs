//! The consent ledger, and carrying out access and erasure requests over the API, on SQLite and
//! (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL: find and confirm the
//! subject's records, download the export, erase, read the certificate;
//! and then look in the raw database (SQLite's file and write-ahead log,
//! PostgreSQL's tables and their data files) for any of the subject's values.

mod support;
use support::{find, items, on_both_backends, postgres, sqlite, texts, Story, TestApp};
mod exports;

use exports::unzip;

use custodian_app::App;
use custodian_core::access::Role;
use custodian_core::catalog;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every personal value of the subject, each found nowhere else.
const FIRST: &str = "Xyliandra";
const LAST: &str = "Quorbattel";
const POSITION: &str = "Chief Zymurgist";
const EMAIL: &str = "xyliandra.quorbattel@vexmail.example";
const PRIVATE_EMAIL: &str = "xq.private@zonkmail.example";
const PHONE: &str = "+49 30 5550199";
const MOBILE: &str = "0171 5550288";
const STREET: &str = "Flimmerweg 77";
const POSTCODE: &str = "QX-99887";
const CITY: &str = "Zwockelstadt";

/// All of the subject's values above.
const VALUES: [&str; 10] = [
    FIRST,
    LAST,
    POSITION,
    EMAIL,
    PRIVATE_EMAIL,
    PHONE,
    MOBILE,
    STREET,
    POSTCODE,
    CITY,
];

/// What the subject's values become in the database and its index:
/// as typed, lower-cased (search terms), and phone digits.
fn traces() -> Vec<String> {
    let mut traces: Vec<String> = VALUES
        .iter()
        .flat_map(|v| [v.to_string(), v.to_lowercase()])
        .collect();
    traces.extend([
        "49305550199".into(),
        "0305550199".into(),
        "01715550288".into(),
        "zonkmail".into(),
        "vexmail".into(),
    ]);
    traces
}

/// What a legal hold keeps: the request as the subject made it.
const HELD_NAME: &str = "Mrs Q. (by letter)";
const HELD_EMAIL: &str = "answer-here@held.example";

support::fixture! { Server { admin: String, dpo: String, sales: String } }

impl Story for Server {
    async fn start(t: TestApp) -> Server {
        let tenant = t.tenant("Rights GmbH").await;
        let [(_, admin), (_, dpo), (_, sales)] = t
            .staff(
                tenant,
                [
                    ("admin@rights.example", Role::Administrator),
                    ("dpo@rights.example", Role::DataProtectionOfficer),
                    ("sales@rights.example", Role::Sales),
                ],
            )
            .await;
        Server {
            admin,
            dpo,
            sales,
            t,
        }
    }
}

impl Server {
    /// Replaces a record at the version it has now.
    async fn replace(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.replace_as(&self.admin, token, path, body).await
    }

    async fn create(&self, path: &str, body: Value) -> i64 {
        let (status, created) = self.post_as(&self.admin, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
        created["id"].as_i64().unwrap()
    }

    /// The database file and its write-ahead log, when it is SQLite.
    fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self.database_url
            .strip_prefix("sqlite://")
            .map(std::path::PathBuf::from)
    }

    /// Confirms which contacts are the subject of a request.
    async fn confirm_subjects(&self, request: i64, contacts: &[i64]) -> (StatusCode, Value) {
        let path = format!("/requests/{request}/subjects");
        self.put_as(&self.dpo, &path, json!({ "contact_ids": contacts }))
            .await
    }

    /// Logs a request of the subject, verifies identity and confirms the
    /// given contact records.
    async fn verified_request(&self, request_type: &str, contact: i64, details: &str) -> i64 {
        let (status, request) = self
            .post_as(
                &self.dpo,
                "/requests",
                json!({
                    "request_type": request_type, "channel": "letter", "subject_name": HELD_NAME,
                    "subject_email": HELD_EMAIL, "contact_id": contact, "details": details,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{request}");
        let id = request["id"].as_i64().unwrap();
        let (status, _) = self
            .post_as(&self.dpo, &format!("/requests/{id}/identity"), json!({"method": format!("Signed letter; confirmed by reply from {PRIVATE_EMAIL}")}))
            .await;
        assert_eq!(status, StatusCode::OK);
        id
    }

    /// The subject's values still readable anywhere in the database.
    async fn traces_left(&self) -> Vec<String> {
        let haystack = match &self.sqlite_file() {
            Some(file) => {
                let mut bytes = std::fs::read(file).unwrap();
                let wal = file.with_extension("db-wal");
                if let Ok(log) = std::fs::read(&wal) {
                    bytes.extend(log);
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
            None => {
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
                let mut text = String::new();
                for table in catalog::tables() {
                    let rows: Vec<String> =
                        sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM {table} t"))
                            .fetch_all(&pool)
                            .await
                            .unwrap();
                    text.push_str(&rows.join("\n"));
                }
                text.push_str(&postgres_files(&pool).await);
                pool.close().await;
                text
            }
        };
        traces()
            .into_iter()
            .filter(|t| haystack.contains(t.as_str()))
            .collect()
    }
}

/// PostgreSQL's own files of every table, index and TOAST table of the
/// test's database, after a checkpoint wrote the pages out: old row versions
/// that no query sees are read here.
async fn postgres_files(pool: &sqlx::AnyPool) -> String {
    sqlx::query("CHECKPOINT").execute(pool).await.unwrap();
    let data: String = sqlx::query_scalar(
        "SELECT CAST(setting AS TEXT) FROM pg_settings WHERE name = 'data_directory'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let files: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(pg_relation_filepath(c.oid) AS TEXT) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND c.relkind IN ('r', 'i', 't') AND pg_relation_filepath(c.oid) IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(files.len() > 50, "the database's relations: {files:?}");
    let mut text = String::new();
    for file in files {
        let path = std::path::Path::new(&data).join(&file);
        let bytes = std::fs::read(&path).unwrap_or_else(|error| {
            panic!(
                "the test reads PostgreSQL's data files ({}): {error}",
                path.display()
            )
        });
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    text
}

/// The entry for `table` and `action` in an erasure's plan or certificate.
fn entry<'a>(tables: &'a Value, table: &str, action: &str) -> Option<&'a Value> {
    let all = tables.as_array().unwrap();
    all.iter()
        .find(|t| t["table"] == table && t["action"] == action)
}

/// The rows an erasure's plan or certificate counts for `table` and `action`.
fn rows(tables: &Value, table: &str, action: &str) -> Option<i64> {
    entry(tables, table, action).map(|t| t["rows"].as_i64().unwrap())
}

fn codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default()
}

/// A ticket made from `ticket`, with an internal note and a text file;
/// its id.
async fn ticket_with_note_and_file(
    server: &Server,
    ticket: Value,
    note: String,
    (file_name, content): (&str, String),
) -> i64 {
    let ticket = server.create("/tickets", ticket).await;
    server
        .create(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": note, "visibility": "internal"}),
        )
        .await;
    let file = server
        .attach(&server.admin, ticket, file_name, content)
        .await;
    assert_eq!(file.status(), StatusCode::CREATED);
    ticket
}

async fn subject_data(server: &Server) -> (i64, i64, i64, i64, i64) {
    let subject = server
        .create(
            "/contacts",
            json!({
                "first_name": FIRST, "last_name": LAST, "position": POSITION,
                "emails": [EMAIL], "phones": [PHONE, MOBILE],
                "work_address": {"street": STREET, "postcode": POSTCODE, "city": CITY, "country": "DE"},
            }),
        )
        .await;
    // The same person entered again, found by the shared email.
    let duplicate = server
        .create(
            "/contacts",
            json!({"first_name": "X.", "last_name": LAST, "emails": [PRIVATE_EMAIL, EMAIL]}),
        )
        .await;
    let colleague = server
        .create(
            "/contacts",
            json!({"first_name": "Hannah", "last_name": "Berg", "emails": ["hannah@berg.example"]}),
        )
        .await;
    let meeting = server
        .create(
            "/activities",
            json!({
                "kind": "meeting", "occurred_at": "2026-11-02T10:00:00Z",
                "subject": format!("Review with {FIRST} {LAST} and Hannah Berg"),
                "body": format!("{FIRST} asked us to call {MOBILE} or mail {PRIVATE_EMAIL}. Hannah Berg takes the order."),
                "contact_ids": [subject, colleague],
            }),
        )
        .await;
    for n in 0..3 {
        server
            .create(
                "/activities",
                json!({"kind": "call", "occurred_at": "2026-11-03T09:00:00Z", "subject": format!("Call {n} with {LAST}"),
                       "body": format!("Reached {FIRST} on {PHONE}."), "contact_ids": [duplicate]}),
            )
            .await;
    }
    server
        .create(
            "/assets",
            json!({"product_name": "Fermenter F-9", "serial_number": "SN-4411", "contact_id": subject}),
        )
        .await;
    // A ticket the subject raised, with a note that names them and a file
    // they sent, naming them.
    let ticket = ticket_with_note_and_file(
        server,
        json!({
            "subject": format!("{FIRST} {LAST}: fermenter leaks"),
            "description": format!("Please call back on {MOBILE}, {STREET}."),
            "contact_id": subject, "category": "Service",
        }),
        format!("Called {FIRST} on {MOBILE}; visit at {POSTCODE} {CITY}."),
        ("notes.txt", format!("Call {FIRST} {LAST} on {MOBILE}")),
    )
    .await;
    // A reply, whose notice to them waits in the outbox.
    server
        .create(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": "A technician comes on Monday."}),
        )
        .await;
    // Records of the colleague alone that mention the subject: a handover
    // note, and a ticket with a message and a text file naming them.
    let handover = server
        .create(
            "/activities",
            json!({
                "kind": "note", "occurred_at": "2026-11-04T09:00:00Z",
                "subject": format!("Handover from {LAST}, {FIRST}"),
                "body": format!("{FIRST} {LAST} has left; reach her at {PRIVATE_EMAIL} or 0171/5550288, or visit {STREET}. Hannah Berg takes over."),
                "contact_ids": [colleague],
            }),
        )
        .await;
    ticket_with_note_and_file(
        server,
        json!({"subject": "Fermenter order", "description": "New fermenter for the lab.", "contact_id": colleague}),
        format!("Previously handled by {EMAIL} (+49 30 5550199)."),
        ("team.txt", format!("Team: Hannah Berg; formerly {FIRST} {LAST} ({MOBILE})")),
    )
    .await;
    (subject, duplicate, colleague, meeting, handover)
}

async fn the_subject_gets_their_data_and_is_then_erased(server: Server) {
    let (subject, duplicate, colleague, meeting, handover) = subject_data(&server).await;
    let dpo = &server.dpo;

    // The subject consented to the newsletter.
    let (_, purposes) = server.get_as(dpo, "/purposes").await;
    let marketing = find(&purposes["items"], "name", "Marketing communications")["id"].clone();
    let (_, text) = server
        .post_as(
            dpo,
            "/consent-texts",
            json!({"purpose_id": marketing, "title": "News", "body": "Send me news"}),
        )
        .await;
    server
        .call(
            dpo,
            "POST",
            &format!("/consent-texts/{}/publish", text["id"]),
            None,
        )
        .await;
    let (status, _) = server
        .post_as(
            &server.admin,
            &format!("/contacts/{subject}/consents"),
            json!({"text_id": text["id"], "action": "granted", "channel": "web_form"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Access: the candidates are the named record and its duplicate.
    let access = server
        .verified_request("access", subject, "A copy of everything")
        .await;
    let (status, candidates) = server
        .get_as(dpo, &format!("/requests/{access}/subjects"))
        .await;
    assert_eq!(status, StatusCode::OK, "{candidates}");
    let found: Vec<(i64, Value)> = items(&candidates)
        .iter()
        .map(|c| (c["contact_id"].as_i64().unwrap(), c["matched_by"].clone()))
        .collect();
    assert_eq!(
        found,
        [
            (subject, json!(["request_contact"])),
            (duplicate, json!(["email"]))
        ],
        "{candidates}"
    );
    // The export waits for confirmation.
    let export_path = format!("/requests/{access}/export");
    let (status, refused) = server.get_as(dpo, &export_path).await;
    assert_eq!(
        (status, codes(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["no_subject_confirmed"]
        )
    );
    let (status, refused) = server.confirm_subjects(access, &[subject, 999]).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference"))
    );
    let (status, confirmed) = server.confirm_subjects(access, &[subject, duplicate]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(items(&confirmed).iter().all(|c| c["confirmed"] == true));

    let response = server
        .request(dpo, "GET", &export_path, None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let files = unzip(&response.bytes().await.unwrap());
    let contacts: Value = serde_json::from_str(&files["data/contacts.json"]).unwrap();
    assert_eq!(contacts["format"], "custodian-subject-export");
    assert_eq!(contacts["rows"].as_array().unwrap().len(), 2);
    assert_eq!(contacts["rows"][0]["position"], POSITION);
    let activities: Value = serde_json::from_str(&files["data/activities.json"]).unwrap();
    assert_eq!(activities["rows"].as_array().unwrap().len(), 4);
    assert!(files["data/contacts.csv"].contains(CITY));
    assert!(files["data/assets.csv"].contains("SN-4411"));
    let summary = &files["summary.html"];
    for part in [
        "Rights GmbH",
        FIRST,
        "Customer relationship",
        "Contract (Art. 6(1)(b))",
        "Who in our organisation accessed it",
        // Twelve records made about them, and the consent event recorded.
        "<li><strong>admin, through a program (API)</strong>: recorded 13 times",
        // The tenant's retention rules (the defaults), as it enforces them.
        "How long we keep it",
        "Contacts: list for review 2 years after the contact's last activity",
    ] {
        assert!(summary.contains(part), "summary lacks {part}: {summary}");
    }
    assert!(files.contains_key("processing.json") && files.contains_key("access-log.json"));
    let processing: Value = serde_json::from_str(&files["processing.json"]).unwrap();
    assert_eq!(
        processing["retention_rules"].as_array().map(Vec::len),
        Some(6)
    );
    let tickets: Value = serde_json::from_str(&files["data/tickets.json"]).unwrap();
    assert_eq!(tickets["rows"].as_array().unwrap().len(), 1, "{tickets}");
    // The file they sent travels with its listing.
    let sent: Vec<(&String, &String)> = files
        .iter()
        .filter(|(name, _)| name.starts_with("files/") && name.ends_with("-notes.txt"))
        .collect();
    assert_eq!(sent.len(), 1, "{:?}", files.keys().collect::<Vec<_>>());
    assert_eq!(sent[0].1, &format!("Call {FIRST} {LAST} on {MOBILE}"));
    assert_eq!(tickets["rows"][0]["category"], "Service");
    let messages: Value = serde_json::from_str(&files["data/ticket_messages.json"]).unwrap();
    assert_eq!(messages["rows"].as_array().unwrap().len(), 2, "{messages}");
    let mails: Value = serde_json::from_str(&files["data/outbox.json"]).unwrap();
    assert_eq!(mails["rows"][0]["recipient"], EMAIL, "{mails}");
    let consents: Value = serde_json::from_str(&files["data/consent_events.json"]).unwrap();
    assert_eq!(consents["rows"][0]["action"], "granted");
    // The request's history says what was done, the trail which records left.
    let (_, answered) = server.get_as(dpo, &format!("/requests/{access}")).await;
    let steps = texts(&answered["steps"], "step");
    assert_eq!(
        steps,
        [
            "received",
            "identity_verified",
            "records_confirmed",
            "exported"
        ]
    );
    // The export is on the trail.
    let (_, trail) = server
        .get_as(
            dpo,
            &format!("/audit?record_type=contact&record_id={subject}&action=export"),
        )
        .await;
    assert_eq!(items(&trail).len(), 1, "{trail}");
    let (status, _) = server
        .post_as(
            dpo,
            &format!("/requests/{access}/state"),
            json!({"state": "completed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Erasure: the plan, then the refusals that change nothing.
    let erasure = server
        .verified_request(
            "erasure",
            subject,
            &format!("Please erase {FIRST} {LAST}, phone {PHONE}"),
        )
        .await;
    server
        .confirm_subjects(erasure, &[subject, duplicate])
        .await;
    let (status, plan) = server
        .get_as(dpo, &format!("/requests/{erasure}/erasure"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let planned = |table: &str, action: &str| rows(&plan["items"], table, action);
    assert_eq!(planned("contacts", "deleted"), Some(2), "{plan}");
    // Others' records that name them, found through the full-text index.
    let mentioned = |table: &str| entry(&plan["items"], table, "mentioned").cloned();
    let notes = mentioned("activities").expect("the handover note");
    assert_eq!(
        (&notes["rows"], &notes["records"], &notes["columns"]),
        (&json!(1), &json!([handover]), &json!(["subject", "body"])),
        "{plan}"
    );
    assert_eq!(
        mentioned("ticket_messages").map(|t| t["rows"].clone()),
        Some(json!(1)),
        "{plan}"
    );
    assert_eq!(
        mentioned("ticket_attachments").map(|t| t["columns"].clone()),
        Some(json!(["content"])),
        "{plan}"
    );
    assert_eq!(
        mentioned("tickets"),
        None,
        "their ticket does not name them"
    );
    assert_eq!(planned("subject_requests", "kept"), Some(2), "{plan}");
    let erase_path = format!("/requests/{erasure}/erasure");
    for (body, code) in [
        (json!({}), "confirmation_required"),
        (json!({"confirm": true}), "legal_hold_not_acknowledged"),
    ] {
        let (status, refused) = server.post_as(dpo, &erase_path, body).await;
        assert_eq!(
            (status, codes(&refused)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![code])
        );
    }
    let (status, refused) = server
        .post_as(
            dpo,
            &erase_path,
            json!({"confirm": true, "everything": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, _) = server
        .get_as(&server.admin, &format!("/contacts/{subject}"))
        .await;
    assert_eq!(status, StatusCode::OK, "nothing was erased by a refusal");
    let (status, refused) = server
        .post_as(
            dpo,
            &format!("/requests/{access}/erasure"),
            json!({"confirm": true, "keep_under_legal_hold": true}),
        )
        .await;
    assert_eq!(codes(&refused), ["wrong_request_type"], "{status}");

    // A read with a stated reason: its context is blanked by the erasure.
    let read = server
        .request(&server.admin, "GET", &format!("/contacts/{subject}"), None)
        .header("X-Access-Reason", "Checking the erasure request")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);

    // The scan below sees the subject while they are there.
    let before = server.traces_left().await;
    for value in VALUES.into_iter().chain(["49305550199"]) {
        assert!(
            before.iter().any(|t| t == value),
            "{value} not seen before the erasure"
        );
    }

    let (status, certificate) = server
        .post_as(
            dpo,
            &erase_path,
            json!({"confirm": true, "keep_under_legal_hold": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{certificate}");
    assert_eq!(certificate["contact_records"], 2);
    assert!(
        certificate["verification"]
            .as_str()
            .unwrap()
            .starts_with("Checked before the commit: no row of the subject is left"),
        "{certificate}"
    );
    let text = certificate.to_string();
    assert!(
        !text.contains(LAST) && !text.contains(EMAIL),
        "the certificate holds no personal data"
    );
    let outcome = |table: &str, action: &str| rows(&certificate["tables"], table, action);
    assert_eq!(outcome("contacts", "deleted"), Some(2));
    assert_eq!(
        outcome("activities", "deleted"),
        Some(3),
        "the calls about the subject alone"
    );
    assert_eq!(
        outcome("activities", "updated"),
        Some(1),
        "the meeting shared with a colleague"
    );
    assert_eq!(
        certificate["tables"], plan["items"],
        "the plan said exactly what was done"
    );
    assert_eq!(outcome("assets", "updated"), Some(1));
    assert_eq!(
        outcome("tickets", "deleted"),
        Some(1),
        "the ticket they raised"
    );
    assert_eq!(outcome("ticket_messages", "deleted"), Some(2));
    assert_eq!(outcome("outbox", "deleted"), Some(1), "the notice to them");
    assert_eq!(
        outcome("ticket_attachments", "deleted"),
        Some(1),
        "the file on their ticket"
    );
    assert_eq!(outcome("search_entries", "deleted"), Some(2));
    assert_eq!(
        outcome("consent_events", "updated"),
        Some(1),
        "proof without the address"
    );
    assert_eq!(outcome("consent_events", "kept"), Some(1));
    assert_eq!(
        certificate["suppression_entries"], 8,
        "two emails and the answer address; each phone in each spelling (+49 30 …, 030 …, 30 …)"
    );
    let (_, stored) = server
        .get_as(dpo, &format!("/requests/{erasure}/certificate"))
        .await;
    assert_eq!(stored, certificate);
    let (_, request) = server.get_as(dpo, &format!("/requests/{erasure}")).await;
    assert_eq!(request["state"], "completed");
    // The blanking of the reason is an entry of the chain, so the trail
    // still verifies, and tells the erasure from an edit.
    let (_, blanking) = server.get_as(dpo, "/audit?action=blank_context").await;
    assert_eq!(
        blanking["items"].as_array().map(Vec::len),
        Some(1),
        "{blanking}"
    );
    let verifier = App::open(&server.database_url).await.unwrap();
    let reports = verifier
        .audit()
        .verify_audit(&custodian_app::audit::VerifyOptions::default())
        .await
        .unwrap();
    assert!(reports.iter().all(|r| r.problem.is_none()), "{reports:?}");
    assert_eq!(
        request["subject_name"], HELD_NAME,
        "kept under the legal hold"
    );
    assert_eq!(request["subject_email"], HELD_EMAIL);
    assert_eq!(
        request["details"],
        "Please erase [erased] [erased], phone [erased]"
    );

    // The records are gone, the colleague and the business history stay.
    for contact in [subject, duplicate] {
        let (status, _) = server
            .get_as(&server.admin, &format!("/contacts/{contact}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = server
        .get_as(&server.admin, &format!("/contacts/{colleague}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, activity) = server
        .get_as(&server.admin, &format!("/activities/{meeting}"))
        .await;
    assert_eq!(
        activity["subject"],
        "Review with [erased] [erased] and Hannah Berg"
    );
    assert_eq!(
        activity["body"],
        "[erased] asked us to call [erased] or mail [erased]. Hannah Berg takes the order."
    );
    let (_, note) = server
        .get_as(&server.admin, &format!("/activities/{handover}"))
        .await;
    assert_eq!(
        (&note["subject"], &note["body"]),
        (
            &json!("Handover from [erased]"),
            &json!("[erased] has left; reach her at [erased] or [erased], or visit [erased]. Hannah Berg takes over.")
        ),
        "the colleague's note keeps what is not the subject's"
    );
    let (_, hits) = server
        .get_as(&server.admin, &format!("/search?q={LAST}"))
        .await;
    assert_eq!(hits, json!([]), "{hits}");
    let (status, again) = server
        .post_as(
            dpo,
            &erase_path,
            json!({"confirm": true, "keep_under_legal_hold": true}),
        )
        .await;
    assert_eq!(
        (status, codes(&again)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["request_closed"])
    );

    // Nothing of the subject is left in the database files or tables (on
    // PostgreSQL, once the rewrite that runs beside the answer is done).
    let mut left = server.traces_left().await;
    for _ in 0..100 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        left = server.traces_left().await;
    }
    assert_eq!(left, Vec::<String>::new());

    // Entered again from an old list, the person is recognised.
    let again =
        json!({"first_name": "X", "last_name": "Q", "emails": [PRIVATE_EMAIL.to_uppercase()]});
    let (status, refused) = server
        .post_as(&server.admin, "/contacts", again.clone())
        .await;
    assert_eq!(
        (
            status,
            refused["code"].as_str(),
            refused["errors"][0]["field"].as_str()
        ),
        (
            StatusCode::CONFLICT,
            Some("previously_erased"),
            Some("emails")
        ),
        "{refused}"
    );
    let by_phone = json!({"first_name": "X", "last_name": "Q", "phones": ["+49 (30) 555-0199"]});
    let (status, _) = server.post_as(&server.admin, "/contacts", by_phone).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .post_as(
            &server.admin,
            "/contacts",
            json!({"first_name": "New", "last_name": "Person", "emails": ["new@person.example"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "others are not held up");
    let response = server
        .request(&server.admin, "POST", "/contacts", Some(again))
        .header("X-Returning-Subject", "confirmed")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "they came back of their own accord"
    );
}
on_both_backends!(the_subject_gets_their_data_and_is_then_erased);

async fn corrections_go_through_the_audited_update_and_restriction_stops_edits(server: Server) {
    let dpo = &server.dpo;
    let contact = server
        .create(
            "/contacts",
            json!({"first_name": "Jon", "last_name": "Smyth", "emails": ["jon@old.example"]}),
        )
        .await;
    let other = server
        .create(
            "/contacts",
            json!({"first_name": "Una", "last_name": "Other"}),
        )
        .await;

    // Rectification: refusals change nothing, the correction is audited.
    let request = server
        .verified_request("rectification", contact, "My name is Smith")
        .await;
    server.confirm_subjects(request, &[contact]).await;
    let path = format!("/requests/{request}/rectification");
    for (body, code) in [
        (
            json!({"contact_id": contact, "corrections": {}}),
            "required",
        ),
        (
            json!({"contact_id": other, "corrections": {"last_name": "X"}}),
            "not_the_subject",
        ),
        (
            json!({"contact_id": contact, "corrections": {"emails": ["not an email"]}}),
            "invalid_email",
        ),
        (
            json!({"contact_id": contact, "corrections": {"last_name": "Smyth"}}),
            "nothing_changed",
        ),
    ] {
        let (status, refused) = server.post_as(dpo, &path, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {refused}"
        );
        assert_eq!(
            codes(&refused).first().copied(),
            Some(code),
            "{body}: {refused}"
        );
    }
    let (status, refused) = server
        .post_as(
            dpo,
            &path,
            json!({"contact_id": contact, "corrections": {"nickname": "J"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, unchanged) = server
        .get_as(&server.admin, &format!("/contacts/{contact}"))
        .await;
    assert_eq!(
        (
            unchanged["last_name"].as_str(),
            unchanged["version"].as_i64()
        ),
        (Some("Smyth"), Some(1))
    );

    let (status, answered) = server
        .post_as(dpo, &path, json!({"contact_id": contact, "corrections": {"last_name": "Smith", "emails": ["jon@new.example"]}}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let last_step = answered["steps"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last_step["step"], "rectified");
    assert_eq!(
        last_step["note"],
        format!("Corrected on contact {contact}: last_name, emails")
    );
    let (_, corrected) = server
        .get_as(&server.admin, &format!("/contacts/{contact}"))
        .await;
    assert_eq!(corrected["last_name"], "Smith");
    assert_eq!(corrected["emails"], json!(["jon@new.example"]));
    let (_, trail) = server
        .get_as(
            dpo,
            &format!("/audit?record_type=contact&record_id={contact}&action=update"),
        )
        .await;
    let entry = &trail["items"][0];
    assert_eq!(entry["fields"], json!(["last_name", "emails"]), "{trail}");
    assert_eq!(entry["actor_name"], "dpo", "{trail}");

    // Restriction: sales may no longer change the record or link to it.
    let restricted = {
        let (status, created) = server
            .post_as(
                &server.sales,
                "/contacts",
                json!({"first_name": "Rita", "last_name": "Halt"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        created["id"].as_i64().unwrap()
    };
    let request = server
        .verified_request(
            "restriction",
            restricted,
            "Stop using my data until checked",
        )
        .await;
    let (status, refused) = server
        .call(
            dpo,
            "POST",
            &format!("/requests/{request}/restriction"),
            None,
        )
        .await;
    assert_eq!(codes(&refused), ["no_subject_confirmed"], "{status}");
    server.confirm_subjects(request, &[restricted]).await;
    let (status, done) = server
        .call(
            dpo,
            "POST",
            &format!("/requests/{request}/restriction"),
            None,
        )
        .await;
    assert_eq!(
        (status, done["state"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{done}"
    );
    let contact_path = format!("/contacts/{restricted}");
    let (_, shown) = server.get_as(&server.sales, &contact_path).await;
    assert!(shown["restricted_since"].is_string(), "{shown}");
    let (_, hits) = server.get_as(&server.sales, "/search?q=Halt").await;
    assert_eq!(hits[0]["restricted"], true, "{hits}");
    let change = json!({"first_name": "Rita", "last_name": "Changed"});
    let (status, refused) = server
        .replace(&server.sales, &contact_path, change.clone())
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("restricted")),
        "{refused}"
    );
    let (status, refused) = server
        .post_as(&server.sales, "/activities", json!({"kind": "call", "occurred_at": "2026-11-03T09:00:00Z", "subject": "Sales call", "contact_ids": [restricted]}))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("restricted"))
    );
    let (status, _) = server
        .call(
            &server.sales,
            "POST",
            &format!("/contacts/{restricted}/restriction"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let lift = |token: &str| {
        let body = json!({"restricted": false});
        let path = format!("{contact_path}/restriction");
        server.request(token, "PUT", &path, Some(body)).send()
    };
    let response = lift(&server.sales).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "sales cannot lift it"
    );
    let lift = lift(dpo).await.unwrap();
    assert_eq!(lift.status(), StatusCode::NO_CONTENT);
    let (status, changed) = server.replace(&server.sales, &contact_path, change).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert!(changed["restricted_since"].is_null());
}
on_both_backends!(corrections_go_through_the_audited_update_and_restriction_stops_edits);

async fn consent_is_a_ledger_of_versioned_texts_and_events(server: Server) {
    let dpo = &server.dpo;
    let (_, purposes) = server.get_as(dpo, "/purposes").await;
    let purpose = |name: &str| {
        items(&purposes)
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["id"].as_i64().unwrap())
            .unwrap()
    };
    let marketing = purpose("Marketing communications");
    let text = |body: &str| json!({"purpose_id": marketing, "title": "Newsletter", "body": body});

    // Texts: drafts are reworded, published ones never change.
    let (status, refused) = server
        .post_as(
            dpo,
            "/consent-texts",
            json!({"purpose_id": purpose("Customer support"), "title": "X", "body": "Y"}),
        )
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_consent_based"])
    );
    let (status, draft) = server
        .post_as(dpo, "/consent-texts", text("Send me news"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(
        (draft["version"].as_i64(), draft["published_at"].is_null()),
        (Some(1), true)
    );
    let id = draft["id"].as_i64().unwrap();
    let contact = server
        .create(
            "/contacts",
            json!({"first_name": "Nora", "last_name": "Lind", "emails": ["nora@lind.example"]}),
        )
        .await;
    let consents = format!("/contacts/{contact}/consents");
    let grant = |text: i64, action: &str, channel: &str| json!({"text_id": text, "action": action, "channel": channel});
    let (status, refused) = server
        .post_as(&server.sales, &consents, grant(id, "granted", "phone"))
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_published"])
    );
    let (status, _) = server
        .put_as(
            dpo,
            &format!("/consent-texts/{id}"),
            text("Send me the monthly newsletter"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, published) = server
        .call(dpo, "POST", &format!("/consent-texts/{id}/publish"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(published["published_at"].is_string());
    let (status, _) = server
        .put_as(dpo, &format!("/consent-texts/{id}"), text("Changed"))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a published text never changes"
    );
    let (_, kept) = server.get_as(dpo, &format!("/consent-texts/{id}")).await;
    assert_eq!(kept["body"], "Send me the monthly newsletter");
    let (_, second) = server
        .post_as(dpo, "/consent-texts", text("Send me news and offers"))
        .await;
    assert_eq!(second["version"], 2);

    // Events: granting and withdrawing take the same, and leave proof.
    for (body, code) in [
        (grant(id, "maybe", "phone"), "unknown_action"),
        (grant(id, "granted", "pigeon"), "unknown_channel"),
        (
            json!({"text_id": id, "action": "granted", "channel": "phone", "occurred_at": "2099-01-01T00:00:00Z"}),
            "in_the_future",
        ),
    ] {
        let (status, refused) = server.post_as(&server.sales, &consents, body).await;
        assert_eq!(
            (status, codes(&refused)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![code])
        );
    }
    let (status, refused) = server
        .post_as(&server.sales, &consents, grant(424242, "granted", "phone"))
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference"))
    );
    let (status, event) = server
        .post_as(&server.sales, &consents, grant(id, "granted", "phone"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    assert_eq!(event["source_ip"], "127.0.0.1");
    assert_eq!(event["recorded_by_name"], "sales");
    let (_, ledger) = server.get_as(&server.sales, &consents).await;
    assert_eq!(ledger["current"][0]["granted"], true, "{ledger}");
    let (_, receipt) = server
        .get_as(
            &server.sales,
            &format!("/contacts/{contact}/consent-receipt"),
        )
        .await;
    assert_eq!(receipt["version"], "KI-CR-v1.1.0");
    assert_eq!(receipt["piiPrincipalId"], "nora@lind.example");
    assert_eq!(
        receipt["services"][0]["purposes"][0]["purpose"], "Marketing communications",
        "{receipt}"
    );
    assert_eq!(
        receipt["services"][0]["purposes"][0]["thirdPartyDisclosure"],
        true
    );
    assert_eq!(receipt["collectionMethod"], "Staff, on the phone");
    let (status, _) = server
        .post_as(
            &server.sales,
            &consents,
            grant(id, "withdrawn", "email_link"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, ledger) = server.get_as(&server.sales, &consents).await;
    assert_eq!(ledger["current"][0]["granted"], false);
    assert_eq!(ledger["history"].as_array().unwrap().len(), 2);
    let (_, receipt) = server
        .get_as(
            &server.sales,
            &format!("/contacts/{contact}/consent-receipt"),
        )
        .await;
    assert_eq!(receipt["services"], json!([]));

    // An objection to direct marketing is carried out at once.
    server
        .post_as(&server.sales, &consents, grant(id, "granted", "web_form"))
        .await;
    let request = server
        .verified_request("objection", contact, "No more newsletters")
        .await;
    server.confirm_subjects(request, &[contact]).await;
    let path = format!("/requests/{request}/objection");
    let (status, refused) = server
        .post_as(dpo, &path, json!({"direct_marketing": false}))
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["decide_on_the_request"]
        )
    );
    let (status, done) = server
        .post_as(dpo, &path, json!({"direct_marketing": true}))
        .await;
    assert_eq!(
        (status, done["state"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{done}"
    );
    let (_, ledger) = server.get_as(&server.sales, &consents).await;
    assert_eq!(ledger["current"][0]["granted"], false);
    let (_, objection) = server
        .get_as(&server.dpo, &format!("/requests/{request}"))
        .await;
    assert_eq!(
        ledger["history"][0]["form"],
        format!("Objection, request #{}", objection["number"]),
        "named by the number people are told"
    );
    assert_eq!(
        ledger["history"][0]["channel"], "letter",
        "the objection came by letter"
    );
    let (_, person) = server
        .get_as(&server.sales, &format!("/contacts/{contact}"))
        .await;
    assert!(person["marketing_objection_since"].is_string(), "{person}");
    // Nothing to withdraw now; staff cannot note a new consent over the
    // objection, the person's own form can.
    let (status, refused) = server
        .post_as(&server.sales, &consents, grant(id, "withdrawn", "phone"))
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["not_granted"])
    );
    let (status, refused) = server
        .post_as(&server.sales, &consents, grant(id, "granted", "phone"))
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["objects_to_marketing"]
        )
    );
    let (status, refused) = server
        .post_as(&server.sales, &consents, grant(id, "granted", "web_form"))
        .await;
    assert_eq!(
        (status, codes(&refused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["objects_to_marketing"]
        ),
        "sales cannot lift an objection by naming a channel"
    );
    let (status, _) = server
        .post_as(&server.admin, &consents, grant(id, "granted", "web_form"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, person) = server
        .get_as(&server.sales, &format!("/contacts/{contact}"))
        .await;
    assert!(
        person["marketing_objection_since"].is_null(),
        "their own new consent lifts it"
    );

    // Global Privacy Control, relayed with the subject's own web form, is an
    // objection to marketing.
    let (_, events) = server
        .post_as(dpo, "/purposes", json!({"name": "Event invitations", "lawful_basis": "consent", "categories": ["contact"], "retention": "Until withdrawn"}))
        .await;
    let (_, invitation) = server
        .post_as(
            dpo,
            "/consent-texts",
            json!({"purpose_id": events["id"], "title": "Events", "body": "Invite me"}),
        )
        .await;
    let invitation = invitation["id"].as_i64().unwrap();
    server
        .call(
            dpo,
            "POST",
            &format!("/consent-texts/{invitation}/publish"),
            None,
        )
        .await;
    let other = server
        .create(
            "/contacts",
            json!({"first_name": "Gero", "last_name": "Pohl"}),
        )
        .await;
    let others = format!("/contacts/{other}/consents");
    server
        .post_as(&server.sales, &others, grant(id, "granted", "phone"))
        .await;
    let with_signal = |body: Value| {
        server
            .request(&server.sales, "POST", &others, Some(body))
            .header("Sec-GPC", "1")
            .send()
    };
    let refused = with_signal(grant(id, "granted", "web_form")).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = with_signal(grant(invitation, "granted", "web_form"))
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let (_, ledger) = server.get_as(&server.sales, &others).await;
    let state = |name: &str| {
        ledger["current"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["purpose_name"] == name)
            .map(|s| s["granted"].clone())
    };
    assert_eq!(
        state("Marketing communications"),
        Some(json!(false)),
        "{ledger}"
    );
    assert_eq!(state("Event invitations"), Some(json!(true)));
    assert_eq!(
        ledger["history"][0]["form"],
        "Global Privacy Control signal"
    );
    let (_, person) = server
        .get_as(&server.sales, &format!("/contacts/{other}"))
        .await;
    assert!(person["marketing_objection_since"].is_string());

    // The purpose stays while texts of it exist: they are proof.
    let (status, _) = server
        .delete_as(dpo, &format!("/purposes/{marketing}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
on_both_backends!(consent_is_a_ledger_of_versioned_texts_and_events);

/// A subject with more activities than removing them from the full-text
/// indexes one by one is worth: the erasure leaves tombstones and rewrites
/// the indexes before it answers, and nothing of them is left in the file.
#[tokio::test]
async fn a_subject_with_thousands_of_notes_is_erased_through_an_index_rewrite() {
    let server: Server = sqlite().await;
    let subject = server
        .create(
            "/contacts",
            json!({"first_name": FIRST, "last_name": LAST, "emails": [EMAIL, PRIVATE_EMAIL]}),
        )
        .await;
    let mut created = tokio::task::JoinSet::new();
    for n in 0..2_050 {
        let note = json!({
            "kind": "call", "occurred_at": "2026-11-03T09:00:00Z",
            "subject": format!("Call {n} with {LAST}"),
            "body": format!("Reached {FIRST} about order {n}."), "contact_ids": [subject],
        });
        let request = server.request(&server.admin, "POST", "/activities", Some(note));
        created.spawn(async move { request.send().await.unwrap().status() });
        if created.len() >= 32 {
            let status = created.join_next().await.unwrap().unwrap();
            assert_eq!(status, StatusCode::CREATED);
        }
    }
    while let Some(status) = created.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::CREATED);
    }
    let erasure = server
        .verified_request("erasure", subject, "Erase everything")
        .await;
    let (status, _) = server.confirm_subjects(erasure, &[subject]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, certificate) = server
        .post_as(
            &server.dpo,
            &format!("/requests/{erasure}/erasure"),
            json!({"confirm": true, "keep_under_legal_hold": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{certificate}");
    let deleted = entry(&certificate["tables"], "activities", "deleted").map(|t| t["rows"].clone());
    assert_eq!(deleted, Some(json!(2_050)), "{certificate}");
    assert!(
        certificate["storage"]
            .to_string()
            .contains("rewritten without the erased entries"),
        "{certificate}"
    );
    assert_eq!(server.traces_left().await, Vec::<String>::new());
}
