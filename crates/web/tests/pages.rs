//! Back-office forms over real HTTP, without a browser: assets and
//! agreements end to end, errors next to their fields, stale edits, CSRF.
//! On SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    browser_client, fetch, get_page, hidden_value, on_both_backends, post_form, postgres, sqlite,
    submit_login, Story, TestApp, PASSWORD,
};

use custodian_core::access::Role;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

support::fixture! { Browserless { csrf: String } }

/// Mia Member, logged in with a browser's client, and the CSRF token of
/// her session.
impl Story for Browserless {
    async fn start(mut t: TestApp) -> Browserless {
        let tenant = t.tenant("Pages GmbH").await;
        t.user_named(tenant, "member@example.com", "Mia Member", Role::Sales)
            .await;
        t.client = browser_client(None);
        let fields = [("email", "member@example.com"), ("password", PASSWORD)];
        let logged_in = submit_login(&t.client, &t.base, "/login", &fields).await;
        assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
        let (_, form) = get_page(&t.client, &t.url("/organisations/new")).await;
        let csrf = hidden_value(&form, "_csrf");
        Browserless { t, csrf }
    }
}

impl Browserless {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        get_page(&self.client, &self.url(path)).await
    }

    /// Posts a form with the session's CSRF token; returns the status, the
    /// redirect target (if any) and the body.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        post_form(&self.client, &self.url(path), &form).await
    }
}

on_both_backends!(assets_and_agreements_end_to_end);
on_both_backends!(activities_link_several_contacts);

async fn activities_link_several_contacts(site: Browserless) {
    let (_, org_url, _) = site.post("/organisations", &[("name", "Globex")]).await;
    let org_id = org_url.rsplit('/').next().unwrap().to_string();
    let mut people = Vec::new();
    for (first, last) in [("Hank", "Scorpio"), ("Homer", "Simpson")] {
        let (status, url, _) = site
            .post(
                "/contacts",
                &[
                    ("first_name", first),
                    ("last_name", last),
                    ("organisation_id", org_id.as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        people.push(url);
    }
    let ids: Vec<String> = people
        .iter()
        .map(|u| u.rsplit('/').next().unwrap().to_string())
        .collect();

    // The organisation's form offers its contacts; a refused note keeps its text.
    let (_, page) = site.get(&org_url).await;
    assert!(page.contains(&format!("<option value=\"{}\"", ids[1])));
    let path = format!("{org_url}/activities");
    let (status, _, html) = site
        .post(
            &path,
            &[
                ("kind", "meeting"),
                ("occurred_at", "2026-11-20T10:00"),
                ("subject", ""),
                ("body", "Kick-off notes"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"subject-error\"") && html.contains("Kick-off notes"));

    let (status, location, _) = site
        .post(
            &path,
            &[
                ("kind", "meeting"),
                ("occurred_at", "2026-11-20T10:00"),
                ("subject", "Kick-off at Globex"),
                ("contact_ids", ids[0].as_str()),
                ("contact_ids", ids[1].as_str()),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, org_url.as_str())
    );
    for url in [&org_url, &people[0], &people[1]] {
        let (_, page) = site.get(url).await;
        assert!(page.contains("Kick-off at Globex"), "{url}");
    }

    // From a contact's page, a colleague can be added to the same call.
    let (status, _, _) = site
        .post(
            &format!("{}/activities", people[0]),
            &[
                ("kind", "call"),
                ("occurred_at", "2026-11-21T09:30"),
                ("subject", "Follow-up call"),
                ("contact_ids", ids[1].as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, colleague) = site.get(&people[1]).await;
    assert!(
        colleague.contains("Follow-up call")
            && colleague.contains("with Hank Scorpio, Homer Simpson")
    );
    // The meeting has its own page; editing it is recorded, deleting it
    // leads back to the contact.
    let (_, page) = site.get(&org_url).await;
    let marker = "href=\"/activities/";
    let start = page.find(marker).unwrap() + marker.len() - "/activities/".len();
    let activity_url: String = page[start..].split('"').next().unwrap().to_string();
    let (_, edit) = site.get(&format!("{activity_url}/edit")).await;
    let version = hidden_value(&edit, "_version");
    let (status, _, _) = site
        .post(
            &activity_url,
            &[
                ("_version", version.as_str()),
                ("kind", "meeting"),
                ("occurred_at", "2026-11-20T10:00"),
                ("subject", "Kick-off at Globex HQ"),
                ("body", "Agenda:\nintroductions\nroadmap"),
                ("contact_ids", ids[0].as_str()),
                ("organisation_id", org_id.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, shown) = site.get(&activity_url).await;
    assert!(shown.contains("<h1>Kick-off at Globex HQ</h1>"), "{shown}");
    assert!(shown.contains("Agenda:\nintroductions\nroadmap"));
    assert!(shown.contains("subject, body, contacts"), "{shown}");
    let (status, location, _) = site.post(&format!("{activity_url}/delete"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/contacts/") || location.starts_with("/organisations/"));
    assert_eq!(site.get(&activity_url).await.0, StatusCode::NOT_FOUND);
}

async fn assets_and_agreements_end_to_end(site: Browserless) {
    let (status, org_url, _) = site
        .post(
            "/organisations",
            &[("name", "Acme GmbH"), ("account_number", "A-100")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let org_id = org_url.rsplit('/').next().unwrap().to_string();
    // The page after a save says so, once.
    let (_, first_view) = site.get(&org_url).await;
    assert!(first_view.contains("role=\"status\">Saved.</p>"));
    let (_, second_view) = site.get(&org_url).await;
    assert!(!second_view.contains("Saved."));

    // A refused agreement keeps what was typed and names each problem.
    let bad = [
        ("title", "Support 2027"),
        ("organisation_id", org_id.as_str()),
        ("start_date", "2027-05-01"),
        ("end_date", "2027-01-01"),
        ("value", "12,500"),
        ("currency", "euro"),
        ("status", "active"),
    ];
    let (status, _, html) = site.post("/agreements", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["end_date", "value", "currency"] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field}: {html}"
        );
    }
    assert!(html.contains("value=\"Support 2027\""));
    let (_, body) = site.get("/agreements").await;
    assert!(!body.contains("Support 2027"), "nothing is written");

    let good = [
        ("title", "Support 2027"),
        ("organisation_id", org_id.as_str()),
        ("start_date", "2027-01-01"),
        ("end_date", "2027-12-31"),
        ("value", "12500.00"),
        ("currency", "EUR"),
        ("status", "active"),
    ];
    let (status, agreement_url, _) = site.post("/agreements", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = site.get(&agreement_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("12,500.00 EUR") && html.contains("Acme GmbH"));
    assert!(html.contains("Record created") && html.contains("by Mia Member"));

    // The list filters by status.
    let (_, active) = site.get("/agreements?status=active").await;
    assert!(active.contains("Support 2027"), "{active}");
    let (_, drafts) = site.get("/agreements?status=draft").await;
    assert!(!drafts.contains("Support 2027"));
    assert!(drafts.contains("Nothing matches this filter."));

    // Two people edit the agreement; the second save is refused, not lost.
    let (_, edit) = site.get(&format!("{agreement_url}/edit")).await;
    let version = hidden_value(&edit, "_version");
    let mut first = good.to_vec();
    first[0] = ("title", "Support 2027 (renewed)");
    first.push(("_version", &version));
    let (status, _, _) = site.post(&agreement_url, &first).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut second = good.to_vec();
    second[6] = ("status", "terminated");
    second.push(("_version", &version));
    let (status, _, html) = site.post(&agreement_url, &second).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Someone else changed this agreement"));
    assert_ne!(hidden_value(&html, "_version"), version);
    let (_, shown) = site.get(&agreement_url).await;
    assert!(shown.contains("Support 2027 (renewed)"));
    assert!(shown.contains("<dt>Status</dt><dd>active</dd>"), "{shown}");
    assert!(shown.contains("Changed title"));

    // An asset needs an owner; the error sits next to the organisation.
    let (status, _, html) = site
        .post(
            "/assets",
            &[("product_name", "Router X200"), ("serial_number", "SN-1")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"organisation_id-error\""));
    let (status, asset_url, _) = site
        .post(
            "/assets",
            &[
                ("product_name", "Router X200"),
                ("serial_number", "SN-1"),
                ("control_code", "CC-9"),
                ("organisation_id", org_id.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, found) = site.get("/assets?q=SN-").await;
    assert!(found.contains("Router X200"));
    let (_, none) = site.get("/assets?q=XX").await;
    assert!(none.contains("Nothing matches this filter."));

    // The organisation's page shows both under its related records.
    let (_, org_page) = site.get(&org_url).await;
    assert!(org_page.contains("Router X200 · SN-1"));
    assert!(org_page.contains("Support 2027 (renewed)"));

    // A form without the session's CSRF token changes nothing.
    let forged = site
        .client
        .post(format!("{}{asset_url}/delete", site.base))
        .form(&[("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(site.get(&asset_url).await.0, StatusCode::OK);

    let (status, location, _) = site.post(&format!("{asset_url}/delete"), &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/assets")
    );
    assert_eq!(site.get(&asset_url).await.0, StatusCode::NOT_FOUND);

    // An organisation with agreements is kept, and its page says why.
    let (status, _, html) = site.post(&format!("{org_url}/delete"), &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("still has agreements") && html.contains("<h1>Acme GmbH</h1>"));
}

on_both_backends!(bad_links_and_ids_are_answered_not_lost);

async fn bad_links_and_ids_are_answered_not_lost(site: Browserless) {
    for organisation in ["abc", "999999"] {
        let (status, _, html) = site
            .post(
                "/contacts",
                &[
                    ("first_name", "Ada"),
                    ("last_name", "Lovelace"),
                    ("organisation_id", organisation),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{organisation}");
        assert!(
            html.contains("id=\"organisation_id-error\""),
            "{organisation}"
        );
        assert!(html.contains("value=\"Lovelace\""), "the input is kept");
    }
    let (_, contacts) = site.get("/contacts").await;
    assert!(!contacts.contains("Lovelace"), "nothing was written");

    for path in [
        "/organisations/abc",
        "/contacts/1e3",
        "/assets/-",
        "/agreements/99999999999999999999",
    ] {
        let (status, html) = site.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("This record does not exist."), "{path}");
    }

    // A form sent without a session goes to the login page and is not
    // reported as saved.
    let stranger = Client::builder().redirect(Policy::none()).build().unwrap();
    let refused = stranger
        .post(format!("{}/organisations", site.base))
        .form(&[("_csrf", "x"), ("name", "Ghost GmbH")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers()["location"], "/login");
    assert!(refused.headers().get("set-cookie").is_none());

    // Pages are never cached and may not be framed or run foreign scripts.
    let page = fetch(&site.client, &site.url("/contacts")).await;
    let headers = page.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
}
