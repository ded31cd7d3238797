//! Operator commands as an operator runs them (audit checkpoint and verify,
//! token expiry and revocation, ending a leaver's access): the real binary
//! on a real SQLite file, exit status and words.

use std::path::Path;
use std::process::{Command, Output};

fn custodian(dir: &Path, args: &[&str]) -> Output {
    let database = format!("sqlite://{}/cli.db", dir.display());
    let key = dir.join("audit.key");
    let checkpoints = dir.join("checkpoints.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_custodian"));
    command.args(args).env("CUSTODIAN_DATABASE_URL", &database);
    if args.first() == Some(&"audit") {
        command
            .arg("--audit-key")
            .arg(&key)
            .arg("--audit-checkpoints")
            .arg(&checkpoints);
    }
    command.output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn verify_names_the_edited_entry_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = json(&custodian(
        dir.path(),
        &["admin", "tenant", "create", "--name", "Cli GmbH", "--json"],
    ))["id"]
        .as_i64()
        .unwrap()
        .to_string();
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        json(&custodian(
            dir.path(),
            &[
                "admin",
                "user",
                "create",
                "--tenant",
                &tenant,
                "--email",
                email,
                "--password",
                "a long enough password",
                "--roles",
                "sales",
                "--json",
            ],
        ));
    }
    let signed = json(&custodian(dir.path(), &["audit", "checkpoint", "--json"]));
    assert_eq!(signed["checkpoints"][0]["seq"], 3);
    assert!(dir.path().join("checkpoints.jsonl").exists());
    let intact = json(&custodian(dir.path(), &["audit", "verify", "--json"]));
    assert_eq!(intact["intact"], true, "{intact}");
    assert_eq!(intact["entries_checked"], 3);

    let db = rusqlite::Connection::open(dir.path().join("cli.db")).unwrap();
    db.execute_batch(
        "DROP TRIGGER audit_entries_no_update;
         UPDATE audit_entries SET fields = 'email' WHERE seq = 2;",
    )
    .unwrap();
    drop(db);
    let broken = custodian(dir.path(), &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let said = String::from_utf8_lossy(&broken.stdout);
    assert!(
        said.contains("BROKEN") && said.contains("entry 2 "),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&broken.stderr).contains("is broken"));
}

#[test]
fn operators_expire_revoke_and_end_access() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = json(&custodian(
        dir.path(),
        &["admin", "tenant", "create", "--name", "Ops GmbH", "--json"],
    ))["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let user = json(&custodian(
        dir.path(),
        &[
            "admin",
            "user",
            "create",
            "--tenant",
            &tenant,
            "--email",
            "leaver@example.com",
            "--password",
            "a long enough password",
            "--roles",
            "sales",
            "--json",
        ],
    ))["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let refused = custodian(
        dir.path(),
        &[
            "admin",
            "token",
            "create",
            "--tenant",
            &tenant,
            "--user",
            &user,
            "--expires-in-days",
            "0",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("1 to 3650"));
    let first = json(&custodian(
        dir.path(),
        &[
            "admin",
            "token",
            "create",
            "--tenant",
            &tenant,
            "--user",
            &user,
            "--expires-in-days",
            "7",
            "--json",
        ],
    ));
    json(&custodian(
        dir.path(),
        &[
            "admin", "token", "create", "--tenant", &tenant, "--user", &user, "--json",
        ],
    ));
    let id = first["id"].as_i64().unwrap().to_string();
    json(&custodian(
        dir.path(),
        &[
            "admin", "token", "revoke", "--tenant", &tenant, "--token", &id, "--json",
        ],
    ));
    let again = custodian(
        dir.path(),
        &[
            "admin", "token", "revoke", "--tenant", &tenant, "--token", &id,
        ],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no live token"));
    let ended = json(&custodian(
        dir.path(),
        &[
            "admin",
            "user",
            "end-access",
            "--tenant",
            &tenant,
            "--user",
            &user,
            "--json",
        ],
    ));
    assert_eq!(ended["tokens_revoked"], 1, "{ended}");
    let unknown = custodian(
        dir.path(),
        &[
            "admin",
            "user",
            "end-access",
            "--tenant",
            &tenant,
            "--user",
            "12345",
        ],
    );
    assert!(!unknown.status.success());
}
