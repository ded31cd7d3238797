//! After an erasure, nothing of the person is left anywhere the server
//! writes: the database file and its write-ahead log, the server's log
//! output and the audit checkpoint file. The real binary serves on a
//! loopback port with its output captured; the person is named in their own
//! record, in a colleague's note and ticket, and in a failed login.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const FIRST: &str = "Quillonia";
const LAST: &str = "Farthingrove";
const EMAIL: &str = "quillonia.farthingrove@mossmail.example";
const PHONE: &str = "+49 40 5551873";

/// The person's values as typed and as an index or a log might hold them.
fn values() -> Vec<String> {
    let mut values: Vec<String> = [FIRST, LAST, EMAIL, PHONE]
        .iter()
        .flat_map(|v| [v.to_string(), v.to_lowercase()])
        .collect();
    values.extend(["mossmail".into(), "49405551873".into(), "0405551873".into()]);
    values
}

fn custodian(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custodian"))
        .args(args)
        .env("CUSTODIAN_DATABASE_URL", database(dir))
        .output()
        .unwrap()
}

fn database(dir: &Path) -> String {
    format!("sqlite://{}/forensics.db", dir.display())
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

struct Server {
    child: Child,
    base: String,
    client: Client,
    token: String,
}

impl Server {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let url = format!("{}/api/v1{path}", self.base);
        let mut request = match method {
            "POST" => self.client.post(url),
            "PUT" => self.client.put(url),
            _ => self.client.get(url),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn create(&self, path: &str, body: Value) -> i64 {
        let (status, created) = self.call("POST", path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
        created["id"].as_i64().unwrap()
    }
}

// The child is handed over in `Server`; the test stops and waits for it.
#[allow(clippy::zombie_processes)]
async fn serve(dir: &Path, token: String) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_custodian"))
        .args(["serve", "--listen", &listen, "--checkpoint-seconds", "1"])
        .arg("--audit-key")
        .arg(dir.join("audit.key"))
        .arg("--audit-checkpoints")
        .arg(dir.join("checkpoints.jsonl"))
        .arg("--secret-key")
        .arg(dir.join("secret.key"))
        .arg("--no-retention-schedule")
        .env("CUSTODIAN_DATABASE_URL", database(dir))
        .stdout(std::fs::File::create(dir.join("server.out")).unwrap())
        .stderr(std::fs::File::create(dir.join("server.err")).unwrap())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{listen}");
    let client = Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Server {
                child,
                base,
                client,
                token,
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!(
        "the server did not start: {}",
        read_lossy(&dir.join("server.err"))
    );
}

fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

#[tokio::test]
async fn an_erased_person_is_in_no_file_the_server_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let tenant = json_of(&custodian(
        path,
        &[
            "admin",
            "tenant",
            "create",
            "--name",
            "Forensics GmbH",
            "--json",
        ],
    ))["id"]
        .to_string();
    let user = json_of(&custodian(
        path,
        &[
            "admin",
            "user",
            "create",
            "--tenant",
            &tenant,
            "--email",
            "dpo@forensics.example",
            "--password",
            "a long enough password",
            "--roles",
            "administrator,data_protection_officer",
            "--json",
        ],
    ))["id"]
        .to_string();
    let token = json_of(&custodian(
        path,
        &[
            "admin", "token", "create", "--tenant", &tenant, "--user", &user, "--json",
        ],
    ))["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut server = serve(path, token).await;

    let subject = server
        .create(
            "/contacts",
            json!({"first_name": FIRST, "last_name": LAST, "emails": [EMAIL], "phones": [PHONE]}),
        )
        .await;
    let colleague = server
        .create(
            "/contacts",
            json!({"first_name": "Hannah", "last_name": "Berg"}),
        )
        .await;
    let note = server
        .create(
            "/activities",
            json!({
                "kind": "note", "occurred_at": "2026-11-04T09:00:00Z",
                "subject": format!("Handover from {FIRST} {LAST}"),
                "body": format!("Her old line {PHONE}, mail {EMAIL}."),
                "contact_ids": [colleague],
            }),
        )
        .await;
    let ticket = server
        .create(
            "/tickets",
            json!({"subject": "Order", "description": format!("Ask {LAST}, {FIRST} first."), "contact_id": colleague}),
        )
        .await;
    // Bad input and a failed login that carry the person's values.
    let (status, _) = server
        .call(
            "POST",
            "/contacts",
            Some(json!({"first_name": FIRST, "emails": [format!("{LAST}@")]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let login = server
        .client
        .post(format!("{}/login", server.base))
        .form(&[("email", EMAIL), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_client_error() || login.status().is_success());

    // The erasure request, carried out; the request as the person made it
    // is kept under the legal hold, so it was made by letter.
    let request = server
        .create(
            "/requests",
            json!({"request_type": "erasure", "channel": "letter", "subject_name": "Ms F. (by letter)",
                   "contact_id": subject}),
        )
        .await;
    let (status, _) = server
        .call(
            "POST",
            &format!("/requests/{request}/identity"),
            Some(json!({"method": "Reply from the address on file"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .call(
            "PUT",
            &format!("/requests/{request}/subjects"),
            Some(json!({"contact_ids": [subject]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, certificate) = server
        .call(
            "POST",
            &format!("/requests/{request}/erasure"),
            Some(json!({"confirm": true, "keep_under_legal_hold": true})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{certificate}");
    let (_, kept) = server
        .call("GET", &format!("/activities/{note}"), None)
        .await;
    assert_eq!(kept["subject"], "Handover from [erased]", "{kept}");
    let (_, kept) = server
        .call("GET", &format!("/tickets/{ticket}"), None)
        .await;
    assert_eq!(kept["description"], "Ask [erased] first.", "{kept}");

    // A checkpoint after the erasure, then a clean stop (which signs one more).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{}", read_lossy(&path.join("server.err")));

    let files = [
        "forensics.db",
        "forensics.db-wal",
        "server.out",
        "server.err",
        "checkpoints.jsonl",
    ];
    let checkpoints = read_lossy(&path.join("checkpoints.jsonl"));
    assert!(
        checkpoints.lines().count() >= 1,
        "no checkpoint was written"
    );
    let output = read_lossy(&path.join("server.out")) + &read_lossy(&path.join("server.err"));
    assert!(
        output.contains(&server.base) && output.contains("audit signing key"),
        "the output was captured: {output}"
    );
    let mut left = Vec::new();
    for file in files {
        let text = read_lossy(&path.join(file));
        for value in values() {
            if text.contains(&value) {
                left.push(format!("{value} in {file}"));
            }
        }
    }
    assert_eq!(left, Vec::<String>::new());
}
