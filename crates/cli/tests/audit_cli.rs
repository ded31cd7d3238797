//! `custodian audit checkpoint` and `custodian audit verify` as an operator
//! runs them: the real binary on a real SQLite file, exit status and words.

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
