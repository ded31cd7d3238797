//! Retention rules with the clock moved forward (the sweep takes the
//! instant it evaluates at; no test sleeps), on SQLite and PostgreSQL: what
//! the plan says is what a run does; a legal hold wins over every rule; an
//! interrupted run leaves no half-erased contact and a second run finishes;
//! the review list's decisions delete or keep.

mod support;
use custodian_core::retention::report::RunStart;
use custodian_core::retention::reviews::ReviewFilter;
use support::{items, on_both_backends, postgres, sqlite, Story, TestApp};

use custodian_app::records::ListParams;
use custodian_app::retention::SweepControl;
use custodian_app::{App, Principal, Scope};
use custodian_core::access::{Role, Roles};
use custodian_core::audit::Actor;
use custodian_core::retention::{DecisionOutcome, HoldFields, ReviewDecisionFields, RunSummary};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;

const DAY: i64 = 86_400_000;
const YEAR: i64 = 365 * DAY;

support::fixture! { Fixture { tenant: TenantId, dpo: Principal } }

impl Story for Fixture {
    async fn start(t: TestApp) -> Fixture {
        let tenant = t.tenant("Retention GmbH").await;
        let roles = Roles::of(&[Role::DataProtectionOfficer, Role::Sales, Role::Support]);
        let email = "dpo@retention.example";
        t.user_named(tenant, email, "Dana Protect", roles).await;
        let dpo = t.principal(email, "127.0.0.1", None).await;
        let volume = custodian_app::demo::Volume {
            organisations: 4,
            contacts: 600,
            activities: 3_000,
            assets: 0,
            agreements: 0,
            tickets: 0,
        };
        t.app.generate(tenant, None, &volume, |_| {}).await.unwrap();
        Fixture { t, tenant, dpo }
    }
}

async fn count(app: &App, principal: &Principal, what: &str) -> usize {
    let mut total = 0;
    let mut cursor = None;
    loop {
        let params = ListParams {
            limit: Some(200),
            cursor: cursor.clone(),
            ..Default::default()
        };
        let (items, next) = match what {
            "contacts" => {
                let page = app.contacts(principal, &params).await.unwrap();
                (page.items.len(), page.next_cursor)
            }
            _ => {
                let page = app.activities(principal, &params).await.unwrap();
                (page.items.len(), page.next_cursor)
            }
        };
        total += items;
        match next {
            Some(next) => cursor = Some(next),
            None => return total,
        }
    }
}

/// A whole retention run of the tenant at `at`.
async fn sweep(app: &App, scope: &Scope, at: Timestamp) -> RunSummary {
    let control = SweepControl::default();
    app.retention()
        .apply_retention(scope, RunStart::Command, at, &control, |_| {})
        .await
        .unwrap()
}

/// The data protection officer's decision on these reviews.
async fn decide(
    f: &Fixture,
    review_ids: Vec<custodian_core::RetentionReviewId>,
    decision: &str,
    reason: Option<&str>,
) -> Result<DecisionOutcome, custodian_app::AppError> {
    let fields = ReviewDecisionFields {
        review_ids,
        decision: decision.into(),
        reason: reason.map(str::to_string),
        keep_until: None,
    };
    f.app.retention().decide_reviews(&f.dpo, &fields).await
}

/// The tenant's contract ends on 2031-01-31, as its administrator set it.
async fn end_contract(app: &App, scope: &Scope) {
    let end = custodian_core::time::CalendarDate::parse("2031-01-31");
    app.store()
        .retention()
        .set_contract_end(scope, end)
        .await
        .unwrap();
}

/// The first contact the data protection officer's list shows.
async fn first_contact(f: &Fixture) -> custodian_core::ContactId {
    let first = ListParams {
        limit: Some(1),
        ..Default::default()
    };
    f.app.contacts(&f.dpo, &first).await.unwrap().items[0].id
}

fn acted(counts: &custodian_core::retention::RunCounts, action: &str, rule_start: &str) -> u64 {
    counts
        .rules
        .iter()
        .filter(|r| r.action == action && r.rule.starts_with(rule_start))
        .map(|r| r.acted)
        .sum()
}

async fn rules_follow_the_clock_and_holds_win(f: Fixture) {
    let (app, tenant) = (&f.app, f.tenant);
    let scope = Scope::new(tenant, Actor::SYSTEM);
    let now = Timestamp::now();
    // Everything was made today: nothing is due.
    let today = app
        .retention()
        .plan_retention(tenant, now, |_| {})
        .await
        .unwrap();
    assert_eq!(today.acted(), 0, "{today:?}");

    // A hold on one contact, which (through it) covers their activities.
    let held = first_contact(&f).await;
    let hold = app
        .retention()
        .place_legal_hold(
            &f.dpo,
            &HoldFields {
                target: "contact".into(),
                target_id: held.0,
                reason: "Pending claim 2026-114".into(),
                owner_id: None,
                review_on: "2030-01-31".into(),
            },
        )
        .await
        .unwrap();
    assert!(hold.is_active());

    // Two years and two days on: every contact is due for the yearly
    // clean-up review, except the held one.
    let later = Timestamp(now.0 + 2 * YEAR + 2 * DAY);
    let plan = app
        .retention()
        .plan_retention(tenant, later, |_| {})
        .await
        .unwrap();
    assert_eq!(acted(&plan, "review", "Contacts"), 599, "{plan:?}");
    let review_rule = plan
        .rules
        .iter()
        .find(|r| r.action == "review" && r.rule.contains("last activity"))
        .unwrap();
    assert_eq!(review_rule.held, 1);
    let run = sweep(app, &scope, later).await;
    assert_eq!(run.status, "completed");
    assert_eq!(run.counts, plan, "the plan said what the run did");
    let listed = app
        .retention()
        .retention_reviews(&f.dpo, ReviewFilter::Open)
        .await
        .unwrap();
    assert_eq!(listed.len(), 500, "one page of the list");
    assert_eq!(
        app.retention().open_review_count(&f.dpo).await.unwrap(),
        599
    );
    // A second run the same day lists nothing twice.
    let again = sweep(app, &scope, later).await;
    assert_eq!(acted(&again.counts, "review", "Contacts"), 0);

    // Keep two with a reason, approve three: those are erased.
    let keep: Vec<_> = listed[..2].iter().map(|r| r.id).collect();
    let approve: Vec<_> = listed[2..5].iter().map(|r| r.id).collect();
    let kept = decide(&f, keep, "keep", Some("Open warranty case"))
        .await
        .unwrap();
    assert_eq!(kept.kept, 2);
    // A note on the held contact that names one of them: approving their
    // erasure redacts the mention there too.
    let leaving = app
        .contact(&f.dpo, custodian_core::ContactId(listed[2].record_id))
        .await
        .unwrap();
    let email = leaving.emails.first().cloned().unwrap_or_default();
    let note = app
        .create_activity(
            &f.dpo,
            &custodian_core::activities::ActivityInput {
                kind: "note".into(),
                occurred_at: "2026-11-04T09:00:00Z".into(),
                subject: format!("Referred by {} {}", leaving.first_name, leaving.last_name),
                body: Some(format!("Copy to {email}; nothing else to say.")),
                contact_ids: vec![held],
                organisation_id: None,
            },
        )
        .await
        .unwrap();
    let approved = decide(&f, approve, "approve", None).await.unwrap();
    assert_eq!(approved.approved, 3);
    assert_eq!(count(app, &f.dpo, "contacts").await, 597);
    let note = app.activity(&f.dpo, note.id).await.unwrap();
    assert_eq!(
        (note.subject.as_str(), note.body.as_str()),
        (
            "Referred by [erased]",
            "Copy to [erased]; nothing else to say."
        ),
        "{email}"
    );
    let refused = decide(&f, vec![listed[6].id], "keep", None)
        .await
        .unwrap_err();
    assert!(matches!(refused, custodian_app::AppError::Validation(_)));

    // Five years on, every activity goes but those of the held contact.
    let much_later = Timestamp(now.0 + 5 * YEAR + 5 * DAY);
    let before = count(app, &f.dpo, "activities").await;
    let held_activities = app
        .activities(
            &f.dpo,
            &ListParams {
                contact_id: Some(held.0),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .len();
    assert!(held_activities > 0);
    let plan = app
        .retention()
        .plan_retention(tenant, much_later, |_| {})
        .await
        .unwrap();
    let activities_due = acted(&plan, "delete", "Activities");
    assert_eq!(
        activities_due as usize,
        before - held_activities,
        "{plan:?}"
    );

    // Interrupted after the first batch: what was done is whole.
    let control = SweepControl::with_batches_of(1_000);
    let run = app
        .retention()
        .apply_retention(&scope, RunStart::Command, much_later, &control, |p| {
            if p.acted > 0 {
                control.stop();
            }
        })
        .await
        .unwrap();
    assert_eq!(run.status, "interrupted");
    let done = run.counts.acted();
    assert!(
        done > 0 && done < activities_due,
        "{done} of {activities_due}"
    );
    assert_eq!(
        count(app, &f.dpo, "activities").await,
        before - done as usize
    );
    // Run again: it finishes, and the held contact's activities stay.
    let run = sweep(app, &scope, much_later).await;
    assert_eq!(run.status, "completed");
    assert_eq!(
        acted(&run.counts, "delete", "Activities") + done,
        activities_due
    );
    assert_eq!(count(app, &f.dpo, "activities").await, held_activities);
    let runs = app.retention().retention_runs(&f.dpo).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        ["completed", "interrupted", "completed", "completed"]
    );

    // The tenant's contract ends; 30 days later its contacts are deleted
    // but the held one (the two kept ones were kept for a year only).
    // Setting it is the administrator's, not the data protection officer's.
    app.retention()
        .set_contract_end(&f.dpo, "2031-01-31")
        .await
        .unwrap_err();
    end_contract(app, &scope).await;
    let after_end = Timestamp::parse("2031-03-05T00:00:00Z").unwrap();
    let run = sweep(app, &scope, after_end).await;
    assert_eq!(
        acted(&run.counts, "delete", "Contacts"),
        596,
        "{:?}",
        run.counts
    );
    assert_eq!(count(app, &f.dpo, "contacts").await, 1);

    // Releasing the hold lets the rules reach the contact.
    app.retention()
        .release_legal_hold(&f.dpo, hold.id, "Claim settled")
        .await
        .unwrap();
    let plan = app
        .retention()
        .plan_retention(tenant, after_end, |_| {})
        .await
        .unwrap();
    assert_eq!(acted(&plan, "delete", "Contacts"), 1);
}

on_both_backends!(rules_follow_the_clock_and_holds_win);

/// The database file and its write-ahead log, as text.
fn sqlite_bytes(database_url: &str) -> String {
    let file = std::path::Path::new(database_url.strip_prefix("sqlite://").unwrap());
    let mut bytes = std::fs::read(file).unwrap();
    bytes.extend(std::fs::read(file.with_extension("db-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A run erases contacts' search entries as tombstones (SQLite); at its
/// end the index is rewritten without them, so the erased terms are gone
/// from the file, and no mark is left for the schedule.
/// The default rule "list contacts for review 3 years after the end of the
/// last agreement with their organisation": only organisations whose every
/// agreement has ended count, and only once the last one is 3 years over.
async fn contacts_follow_the_end_of_their_organisations_agreements(f: Fixture) {
    use custodian_core::agreements::AgreementInput;
    use custodian_core::contacts::ContactInput;
    use custodian_core::organisations::OrganisationInput;
    let (app, tenant, dpo) = (&f.app, f.tenant, &f.dpo);
    let mut contacts_of = Vec::new();
    // (organisation, the end dates of its agreements; None is open-ended)
    let organisations: [(&str, &[Option<&str>]); 4] = [
        ("All ended AG", &[Some("2027-01-31"), Some("2026-06-30")]),
        ("One open-ended AG", &[Some("2027-01-31"), None]),
        ("Ends later AG", &[Some("2027-01-31"), Some("2030-06-30")]),
        ("No agreement AG", &[]),
    ];
    for (name, ends) in organisations {
        let organisation = app
            .create_organisation(
                dpo,
                &OrganisationInput {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id;
        for end in ends {
            let agreement = AgreementInput {
                title: format!("Support for {name}"),
                organisation_id: Some(organisation),
                start_date: "2025-01-01".into(),
                end_date: end.map(str::to_string),
                value: "1000.00".into(),
                currency: "EUR".into(),
                status: "active".into(),
            };
            app.create_agreement(dpo, &agreement).await.unwrap();
        }
        let mut ids = Vec::new();
        for person in ["Ada", "Ben"] {
            let contact = ContactInput {
                first_name: person.into(),
                last_name: format!("of {name}"),
                organisation_id: Some(organisation),
                ..Default::default()
            };
            ids.push(app.create_contact(dpo, &contact).await.unwrap().id.0);
        }
        contacts_of.push(ids);
    }
    let listed_at = |date: &str| {
        let instant = Timestamp::parse(&format!("{date}T12:00:00Z")).unwrap();
        async move {
            let plan = app
                .retention()
                .plan_retention(tenant, instant, |_| {})
                .await
                .unwrap();
            let rule = plan
                .rules
                .iter()
                .find(|r| r.rule.contains("end of the last agreement"))
                .unwrap()
                .clone();
            let mut examples = rule.examples.clone();
            examples.sort_unstable();
            (rule.acted, examples)
        }
    };
    // The last agreement of the first organisation ended 2027-01-31.
    assert_eq!(listed_at("2030-01-30").await, (0, vec![]));
    let mut expected = contacts_of[0].clone();
    expected.sort_unstable();
    assert_eq!(listed_at("2030-02-01").await, (2, expected.clone()));
    // The third organisation's last agreement ends 2030-06-30; the second
    // has one without an end, the fourth none at all.
    let (acted, examples) = listed_at("2033-07-01").await;
    assert_eq!(acted, 4, "{examples:?}");
    let mut expected: Vec<i64> = [&contacts_of[0][..], &contacts_of[2][..]].concat();
    expected.sort_unstable();
    assert_eq!(examples, expected);
}

on_both_backends!(contacts_follow_the_end_of_their_organisations_agreements);

#[tokio::test]
async fn a_run_purges_erased_contacts_from_the_search_index() {
    let f: Fixture = sqlite().await;
    let (app, tenant) = (&f.app, f.tenant);
    let scope = Scope::new(tenant, Actor::SYSTEM);
    let dir = &f.database_url;
    let input = custodian_core::contacts::ContactInput {
        first_name: "Quintessa".into(),
        last_name: "Vexmarrow".into(),
        emails: vec!["qqzzxxvv7731@kestrel-mail.example".into()],
        ..Default::default()
    };
    app.create_contact(&f.dpo, &input).await.unwrap();
    let hits = app.search(&f.dpo, "qqzzxxvv7731").await.unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    app.store().privacy().forget_erased().await;
    assert!(sqlite_bytes(dir).contains("zzxxvv7731"));

    end_contract(app, &scope).await;
    let run = app
        .retention()
        .apply_retention(
            &scope,
            RunStart::Command,
            Timestamp::parse("2031-03-05T00:00:00Z").unwrap(),
            &SweepControl::with_batches_of(100),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(acted(&run.counts, "delete", "Contacts"), 601);
    assert!(app.search(&f.dpo, "qqzzxxvv7731").await.unwrap().is_empty());
    assert!(
        !app.store()
            .retention()
            .purge_search_index(tenant)
            .await
            .unwrap(),
        "the run purged, and cleared its mark"
    );
    let left = sqlite_bytes(dir);
    assert!(!left.contains("zzxxvv7731"));
    assert!(!left.contains("Vexmarrow"));
}

fn codes(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn the_api_manages_rules_holds_runs_and_reviews(f: Fixture) {
    use serde_json::json;
    let app = f.app.clone();
    let admin = f
        .user_named(
            f.tenant,
            "admin@retention.example",
            "Ada Admin",
            Role::Administrator,
        )
        .await;
    let token = |user| app.create_api_token(f.tenant, user, "retention", Actor::SYSTEM);
    let dpo_token = token(f.dpo.user_id).await.unwrap().1;
    let admin_token = token(admin.id).await.unwrap().1;
    let dpo = |method: &'static str, path: &str, body: Option<serde_json::Value>| {
        let (f, path, token) = (&f, path.to_string(), &dpo_token);
        async move { f.call(token, method, &path, body).await }
    };

    // Bad rules: each refused with its code, and nothing stored.
    let (_, before) = dpo("GET", "/retention/rules", None).await;
    let rules_before = items(&before).len();
    assert_eq!(rules_before, 6, "the defaults: {before}");
    for (body, code) in [
        (
            json!({"record_type": "contact", "trigger": "last_activity", "period": "eighteen moons", "action": "delete"}),
            "invalid_period",
        ),
        (
            json!({"record_type": "contact", "trigger": "last_activity", "period": "-1 year", "action": "delete"}),
            "negative_period",
        ),
        (
            json!({"record_type": "invoice", "trigger": "created", "period": "1 year", "action": "delete"}),
            "unknown_value",
        ),
        (
            json!({"record_type": "activity", "trigger": "created", "period": "0 days", "action": "delete"}),
            "confirmation_required",
        ),
        // Deleting after one year would never let the review after two
        // years (a default) see anything.
        (
            json!({"record_type": "contact", "trigger": "last_activity", "period": "1 year", "action": "delete"}),
            "contradicting_rules",
        ),
    ] {
        let (status, problem) = dpo("POST", "/retention/rules", Some(body)).await;
        assert_eq!(status, 422, "{problem}");
        assert!(
            codes(&problem).iter().any(|c| c == code),
            "{code}: {problem}"
        );
    }
    let (_, after) = dpo("GET", "/retention/rules", None).await;
    assert_eq!(items(&after).len(), rules_before);

    // A good rule: created, changed, removed.
    let (status, rule) = dpo(
        "POST",
        "/retention/rules",
        Some(json!({"record_type": "activity", "trigger": "created", "period": "3 years", "action": "delete", "activity_kind": "task", "description": "Finished tasks"})),
    )
    .await;
    assert_eq!(status, 201, "{rule}");
    assert_eq!(rule["period"], "P3Y");
    let path = format!("/retention/rules/{}", rule["id"]);
    let (status, changed) = dpo(
        "PUT",
        &path,
        Some(json!({"record_type": "activity", "trigger": "created", "period": "4 years", "action": "delete", "activity_kind": "task", "enabled": false})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), changed["enabled"].as_bool()),
        (200, Some(false)),
        "{changed}"
    );
    assert_eq!(dpo("DELETE", &path, None).await.0, 204);
    assert_eq!(dpo("GET", &path, None).await.0, 404);

    // The contract end: administrators set it, with a clear error for a
    // day that cannot be read.
    let contract = "/settings/contract-end";
    let (status, problem) = f
        .put_as(
            &admin_token,
            contract,
            json!({"contract_ends_on": "31.12.2027"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(codes(&problem), ["invalid_date"]);
    let (status, _) = f
        .put_as(
            &dpo_token,
            contract,
            json!({"contract_ends_on": "2027-12-31"}),
        )
        .await;
    assert_eq!(status, 403, "the DPO does not administer the tenant");
    let (status, set) = f
        .put_as(
            &admin_token,
            contract,
            json!({"contract_ends_on": "2027-12-31"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), set["contract_ends_on"].as_str()),
        (200, Some("2027-12-31"))
    );
    let (_, read) = dpo("GET", "/settings/contract-end", None).await;
    assert_eq!(read["contract_ends_on"], "2027-12-31");

    // Holds: placed, refused without a future review day, released once.
    let contact = first_contact(&f).await.0;
    let (status, problem) = dpo(
        "POST",
        "/retention/holds",
        Some(json!({"target": "contact", "target_id": contact, "reason": "Claim", "review_on": "2001-01-01"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, hold) = dpo(
        "POST",
        "/retention/holds",
        Some(json!({"target": "contact", "target_id": contact, "reason": "Claim 2026/17", "review_on": "2030-01-01"})),
    )
    .await;
    assert_eq!(status, 201, "{hold}");
    assert_eq!(hold["owner_id"], f.dpo.user_id.0);
    let release = format!("/retention/holds/{}/release", hold["id"]);
    assert_eq!(
        dpo("POST", &release, Some(json!({"reason": " "}))).await.0,
        422
    );
    let (status, released) = dpo("POST", &release, Some(json!({"reason": "Settled"}))).await;
    assert_eq!(status, 200, "{released}");
    assert_eq!(released["release_reason"], "Settled");
    assert_eq!(
        dpo("POST", &release, Some(json!({"reason": "Again"})))
            .await
            .0,
        409
    );

    // The plan and a run: nothing is due today.
    let (status, plan) = dpo("GET", "/retention/plan", None).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["rules"].as_array().unwrap().len(), rules_before);
    let response = f
        .request(&dpo_token, "POST", "/retention/runs", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let run = loop {
        let run_path = location.strip_prefix("/api/v1").unwrap();
        let (status, run) = f.get_as(&dpo_token, run_path).await;
        assert_eq!(status, 200, "{run}");
        if run["status"] != "running" {
            break run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["started_by"], "staff");
    let (_, runs) = dpo("GET", "/retention/runs", None).await;
    assert_eq!(runs["items"][0]["id"], run["id"]);

    // The review list is empty; bad decisions and report days are refused.
    let (status, reviews) = dpo("GET", "/retention/reviews", None).await;
    assert_eq!(
        (status.as_u16(), reviews["items"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, problem) = dpo(
        "POST",
        "/retention/reviews/decisions",
        Some(json!({"review_ids": [1], "decision": "keep"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) = dpo("GET", "/retention/reviews?decided_since=soon", None).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["code"], "invalid_date");
}

on_both_backends!(the_api_manages_rules_holds_runs_and_reviews);
