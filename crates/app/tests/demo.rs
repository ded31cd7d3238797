//! The demo tenant behind `custodian serve --demo`: its login works, it holds
//! at least the volume the README promises, and a second start reuses it.

use custodian_app::records::ListParams;
use custodian_app::{App, Principal};
use std::collections::HashSet;

/// Walks every page of a list and counts the items.
macro_rules! count_all {
    ($app:expr, $principal:expr, $list:ident) => {{
        let mut total = 0;
        let mut cursor = None;
        loop {
            let params = ListParams {
                limit: Some(200),
                cursor: cursor.clone(),
                ..Default::default()
            };
            let page = $app.$list($principal, &params).await.unwrap();
            total += page.items.len();
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break total,
            }
        }
    }};
}

#[tokio::test]
async fn the_demo_tenant_is_realistic_and_made_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&format!("sqlite://{}/demo.db", dir.path().display()))
        .await
        .unwrap();
    the_demo_tenant_is_realistic_and_made_once(app).await;
}

#[tokio::test]
async fn the_demo_tenant_is_realistic_and_made_once_on_postgres() {
    let Some(url) = custodian_store::testing::fresh_postgres_url().await else {
        return;
    };
    the_demo_tenant_is_realistic_and_made_once(App::open(&url).await.unwrap()).await;
}

async fn the_demo_tenant_is_realistic_and_made_once(app: App) {
    let demo = app.ensure_demo().await.unwrap();
    assert!(demo.created);
    let session = app
        .login(demo.email, demo.password, "127.0.0.1", None, "")
        .await
        .unwrap();
    let principal: Principal = app
        .session(&session.cookie_value)
        .await
        .unwrap()
        .unwrap()
        .principal;

    assert!(count_all!(app, &principal, organisations) >= 25);
    assert!(count_all!(app, &principal, contacts) >= 150);
    assert!(count_all!(app, &principal, activities) >= 500);
    assert!(count_all!(app, &principal, assets) > 0);
    assert!(count_all!(app, &principal, agreements) > 0);

    // The first page after signing in has work on it: tickets of the demo
    // user's own, requests, activity and the charts' numbers.
    let home = app.dashboard(&principal).await.unwrap();
    let helpdesk = home.helpdesk.unwrap();
    assert!(!helpdesk.my_tickets.is_empty(), "{helpdesk:?}");
    assert!(
        helpdesk.totals.mine > 0 && helpdesk.totals.unassigned > 0,
        "{helpdesk:?}"
    );
    assert!(helpdesk.weeks.iter().map(|w| w.opened).sum::<u64>() > 0);
    // Tickets raised over the last three weeks: some are overdue, and the
    // weekly chart has more than this week.
    assert!(
        helpdesk.totals.resolution_breached > 0 || helpdesk.totals.first_response_breached > 0,
        "{helpdesk:?}"
    );
    assert!(
        helpdesk.weeks.iter().filter(|w| w.opened > 0).count() >= 2,
        "{:?}",
        helpdesk.weeks
    );
    assert!(!home.privacy.unwrap().open_requests.is_empty());
    let faq = app
        .helpdesk()
        .faq_articles(&principal, &Default::default())
        .await
        .unwrap();
    assert!(
        faq.items
            .iter()
            .filter(|a| a.published_at.is_some())
            .count()
            >= 3,
        "the portal has published answers"
    );
    let canned = app
        .canned_replies(&principal, &Default::default())
        .await
        .unwrap();
    assert!(canned.items.len() >= 3, "support has canned replies");
    assert!(!home.recent_activities.unwrap().is_empty());

    // Plausible: distinct organisation names without numbering, contacts
    // with an employer and an email, timelines with authors.
    let organisations = app
        .organisations(
            &principal,
            &ListParams {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    let names: HashSet<&str> = organisations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), organisations.len());
    assert!(
        names.iter().all(|n| !n.chars().any(|c| c.is_ascii_digit())),
        "{names:?}"
    );
    let contacts = app
        .contacts(
            &principal,
            &ListParams {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert!(contacts
        .iter()
        .all(|c| c.organisation_id.is_some() && !c.emails.is_empty()));
    let activities = app
        .activities(
            &principal,
            &ListParams {
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert!(activities
        .iter()
        .all(|a| a.author_name.is_some() && !a.contacts.is_empty()));

    // The bulk load chained one audit entry per record, and the reads above
    // were recorded too: the whole trail verifies.
    let reports = app
        .audit()
        .verify_audit(&custodian_app::audit::VerifyOptions {
            tenant: Some(principal.tenant),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reports[0].problem, None, "{:?}", reports[0]);
    assert!(reports[0].entries_checked > 700, "{:?}", reports[0]);
    let reads = app
        .audit()
        .audit_trail(
            &principal,
            &custodian_app::audit::TrailParams {
                action: Some("list".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Each list is one entry naming every record it showed.
    assert!(!reads.entries.is_empty());
    assert!(reads
        .entries
        .iter()
        .all(|e| e.record_id == 0 && !e.record_ids.is_empty()));
    let shown: usize = reads.entries.iter().map(|e| e.record_ids.len()).sum();
    assert!(
        shown >= 50,
        "{shown} records in {} lists",
        reads.entries.len()
    );

    let again = app.ensure_demo().await.unwrap();
    assert!(!again.created);
    assert_eq!(again.tenant, demo.tenant);
}
