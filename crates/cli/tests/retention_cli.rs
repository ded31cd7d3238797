//! `custodian retention apply` killed with SIGKILL in the middle of a run,
//! then run again: the killed run's recorded progress is exactly what was
//! erased (each batch and its progress commit together), the second run
//! starts at once (the first one's process is gone) and finishes, and the
//! audit chain is intact. The real binary on a real SQLite file.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CONTACTS: i64 = 4_000;
const AS_OF: &str = "2028-06-01T00:00:00Z";

fn custodian(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_custodian"));
    command
        .env(
            "CUSTODIAN_DATABASE_URL",
            format!("sqlite://{}/cli.db", dir.display()),
        )
        .env("CUSTODIAN_ALLOW_TEST_CLOCK", "1");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    custodian(dir).args(args).output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Contacts the counts say were deleted.
fn contacts_deleted(counts: &serde_json::Value) -> i64 {
    counts["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "delete" && r["rule"].as_str().unwrap().starts_with("Contacts"))
        .map(|r| r["acted"].as_i64().unwrap())
        .sum()
}

#[test]
fn a_killed_apply_leaves_whole_batches_and_a_second_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = json(&run(
        dir.path(),
        &["admin", "tenant", "create", "--name", "Kill GmbH", "--json"],
    ))["id"]
        .as_i64()
        .unwrap()
        .to_string();
    json(&run(
        dir.path(),
        &[
            "admin",
            "generate",
            "--tenant",
            &tenant,
            "--contacts",
            &CONTACTS.to_string(),
            "--activities",
            "20000",
            "--json",
        ],
    ));
    let db = rusqlite::Connection::open(dir.path().join("cli.db")).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    // The contract ended: the defaults delete every contact 30 days on.
    db.execute("UPDATE tenants SET contract_ends_on = '2027-01-01'", [])
        .unwrap();

    let mut apply = custodian(dir.path())
        .args([
            "retention",
            "apply",
            "--tenant",
            &tenant,
            "--as-of",
            AS_OF,
            "--json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let progress = loop {
        let counts: Option<String> = db
            .query_row(
                "SELECT counts FROM retention_runs WHERE status = 'running'",
                [],
                |row| row.get(0),
            )
            .ok();
        if let Some(counts) = counts {
            let counts: serde_json::Value = serde_json::from_str(&counts).unwrap();
            if contacts_deleted(&counts) > 0 {
                break counts;
            }
        }
        assert!(
            apply.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(5));
    };
    apply.kill().unwrap();
    apply.wait().unwrap();

    // What the killed run last recorded is what is gone: a batch and its
    // progress are one transaction.
    let recorded: String = db
        .query_row(
            "SELECT counts FROM retention_runs WHERE status = 'running'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let recorded: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    assert!(contacts_deleted(&recorded) >= contacts_deleted(&progress));
    let left: i64 = db
        .query_row("SELECT COUNT(*) FROM contacts", [], |row| row.get(0))
        .unwrap();
    assert!(left > 0, "the run was killed before the end");
    assert_eq!(contacts_deleted(&recorded) + left, CONTACTS);
    let orphans: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM activity_contacts a WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = a.tenant_id AND c.contact_id = a.contact_id)",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);

    // The second run starts at once and finishes the work.
    let second = json(&run(
        dir.path(),
        &[
            "retention",
            "apply",
            "--tenant",
            &tenant,
            "--as-of",
            AS_OF,
            "--json",
        ],
    ));
    let second_run = &second["runs"][0];
    assert_eq!(second_run["status"], "completed", "{second}");
    assert_eq!(contacts_deleted(second_run), left);
    let statuses: Vec<String> = db
        .prepare("SELECT status FROM retention_runs ORDER BY started_at")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(statuses, ["interrupted", "completed"]);
    let plan = json(&run(
        dir.path(),
        &[
            "retention",
            "plan",
            "--tenant",
            &tenant,
            "--as-of",
            AS_OF,
            "--json",
        ],
    ));
    let still_due: i64 = plan["tenants"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["acted"].as_i64().unwrap())
        .sum();
    assert_eq!(still_due, 0, "{plan}");
    let verified = run(
        dir.path(),
        &[
            "audit",
            "verify",
            "--tenant",
            &tenant,
            "--audit-key",
            dir.path().join("audit.key").to_str().unwrap(),
            "--audit-checkpoints",
            dir.path().join("checkpoints.jsonl").to_str().unwrap(),
        ],
    );
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}
