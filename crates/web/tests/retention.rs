//! Retention rules with the clock moved forward (the sweep takes the
//! instant it evaluates at; no test sleeps), on SQLite and PostgreSQL: what
//! the plan says is what a run does; a legal hold wins over every rule; an
//! interrupted run leaves no half-erased contact and a second run finishes;
//! the review list's decisions delete or keep.

#[macro_use]
mod backends;

use custodian_app::records::ListParams;
use custodian_app::retention::SweepControl;
use custodian_app::{App, Principal, ReviewFilter, RunStart, Scope};
use custodian_core::access::Role;
use custodian_core::audit::Actor;
use custodian_core::retention::{HoldFields, ReviewDecisionFields};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;

const DAY: i64 = 86_400_000;
const YEAR: i64 = 365 * DAY;

struct Fixture {
    app: App,
    tenant: TenantId,
    dpo: Principal,
    _dir: Option<tempfile::TempDir>,
}

async fn fixture(url: String, dir: Option<tempfile::TempDir>) -> Fixture {
    let app = App::open(&url).await.unwrap();
    let tenant = app.create_tenant("Retention GmbH").await.unwrap().id;
    app.create_user(
        tenant,
        "dpo@retention.example",
        "Dana Protect",
        "a-long-enough-password-2026",
        custodian_core::access::Roles::of(&[
            Role::DataProtectionOfficer,
            Role::Sales,
            Role::Support,
        ]),
        Actor::SYSTEM,
    )
    .await
    .unwrap();
    let session = app
        .login(
            "dpo@retention.example",
            "a-long-enough-password-2026",
            "127.0.0.1",
            None,
            "",
        )
        .await
        .unwrap();
    let dpo = app
        .session(&session.cookie_value)
        .await
        .unwrap()
        .unwrap()
        .principal;
    let volume = custodian_app::demo::Volume {
        organisations: 4,
        contacts: 600,
        activities: 3_000,
        assets: 0,
        agreements: 0,
    };
    app.generate(tenant, None, &volume, |_| {}).await.unwrap();
    Fixture {
        app,
        tenant,
        dpo,
        _dir: dir,
    }
}

async fn sqlite() -> Fixture {
    let (url, dir) = backends::sqlite_url("retention.db");
    fixture(url, Some(dir)).await
}

async fn postgres() -> Option<Fixture> {
    Some(fixture(backends::postgres_url().await?, None).await)
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
    let today = app.plan_retention(tenant, now, |_| {}).await.unwrap();
    assert_eq!(today.acted(), 0, "{today:?}");

    // A hold on one contact, which (through it) covers their activities.
    let contacts = app
        .contacts(
            &f.dpo,
            &ListParams {
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    let held = contacts[0].id;
    let hold = app
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
    let plan = app.plan_retention(tenant, later, |_| {}).await.unwrap();
    assert_eq!(acted(&plan, "review", "Contacts"), 599, "{plan:?}");
    let review_rule = plan
        .rules
        .iter()
        .find(|r| r.action == "review" && r.rule.contains("last activity"))
        .unwrap();
    assert_eq!(review_rule.held, 1);
    let run = app
        .apply_retention(
            &scope,
            RunStart::Command,
            later,
            &SweepControl::default(),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(run.status, "completed");
    assert_eq!(run.counts, plan, "the plan said what the run did");
    let listed = app
        .retention_reviews(&f.dpo, ReviewFilter::Open)
        .await
        .unwrap();
    assert_eq!(listed.len(), 500, "one page of the list");
    assert_eq!(app.open_review_count(&f.dpo).await.unwrap(), 599);
    // A second run the same day lists nothing twice.
    let again = app
        .apply_retention(
            &scope,
            RunStart::Command,
            later,
            &SweepControl::default(),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(acted(&again.counts, "review", "Contacts"), 0);

    // Keep two with a reason, approve three: those are erased.
    let keep: Vec<i64> = listed[..2].iter().map(|r| r.id).collect();
    let approve: Vec<i64> = listed[2..5].iter().map(|r| r.id).collect();
    let kept = app
        .decide_reviews(
            &f.dpo,
            &ReviewDecisionFields {
                review_ids: keep,
                decision: "keep".into(),
                reason: Some("Open warranty case".into()),
                keep_until: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(kept.kept, 2);
    let approved = app
        .decide_reviews(
            &f.dpo,
            &ReviewDecisionFields {
                review_ids: approve,
                decision: "approve".into(),
                reason: None,
                keep_until: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(approved.approved, 3);
    assert_eq!(count(app, &f.dpo, "contacts").await, 597);
    let refused = app
        .decide_reviews(
            &f.dpo,
            &ReviewDecisionFields {
                review_ids: vec![listed[6].id],
                decision: "keep".into(),
                reason: None,
                keep_until: None,
            },
        )
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
    let control = SweepControl::default();
    let run = app
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
    let run = app
        .apply_retention(
            &scope,
            RunStart::Command,
            much_later,
            &SweepControl::default(),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(run.status, "completed");
    assert_eq!(
        acted(&run.counts, "delete", "Activities") + done,
        activities_due
    );
    assert_eq!(count(app, &f.dpo, "activities").await, held_activities);
    let runs = app.retention_runs(&f.dpo).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        ["completed", "interrupted", "completed", "completed"]
    );

    // The tenant's contract ends; 30 days later its contacts are deleted
    // but the held one (the two kept ones were kept for a year only).
    // Setting it is the administrator's, not the data protection officer's.
    app.set_contract_end(&f.dpo, "2031-01-31")
        .await
        .unwrap_err();
    app.store
        .set_contract_end(
            &scope,
            custodian_core::time::CalendarDate::parse("2031-01-31"),
        )
        .await
        .unwrap();
    let after_end = Timestamp::parse("2031-03-05T00:00:00Z").unwrap();
    let run = app
        .apply_retention(
            &scope,
            RunStart::Command,
            after_end,
            &SweepControl::default(),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        acted(&run.counts, "delete", "Contacts"),
        596,
        "{:?}",
        run.counts
    );
    assert_eq!(count(app, &f.dpo, "contacts").await, 1);

    // Releasing the hold lets the rules reach the contact.
    app.release_legal_hold(&f.dpo, hold.id, "Claim settled")
        .await
        .unwrap();
    let plan = app.plan_retention(tenant, after_end, |_| {}).await.unwrap();
    assert_eq!(acted(&plan, "delete", "Contacts"), 1);
}

on_both_backends!(rules_follow_the_clock_and_holds_win);
