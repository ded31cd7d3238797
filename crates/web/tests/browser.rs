//! The back office in a real browser (Debian's headless Chromium through
//! chromedriver): log in, create a contact, find it with the search box,
//! edit it, and see the change on its timeline.
//!
//! Skipped with a message when chromedriver is not installed, unless
//! CUSTODIAN_REQUIRE_BROWSER is set (CI sets it), which makes it fail.

mod exports;
mod smtp;
mod support;
mod webdriver;

use custodian_app::Principal;
use custodian_core::access::Role;
use custodian_core::activities::Activity;
use custodian_core::contacts::Contact;
use custodian_core::retention::report::RunStart;
use custodian_core::UserId;
use serde_json::{json, Value};
use support::{input, TestApp, PASSWORD};
use webdriver::{driver_or_skip, Browser};

support::fixture! {
    /// A tenant served on a fresh SQLite database with staff users, and where
    /// chromedriver and Chromium are.
    BrowserStory {
        /// The staff users, in the order given.
        ids: Vec<UserId>,
        /// The first staff user's principal, to set up records.
        admin: Principal,
        driver: (String, String),
    }
}

/// The story with these staff users, or None (with a message) on a
/// machine without a browser.
async fn story(staff: &[(&str, Role)]) -> Option<BrowserStory> {
    let driver = driver_or_skip()?;
    Some(story_with(TestApp::sqlite().await, driver, staff).await)
}

/// The story on `t`: a tenant with these staff users.
async fn story_with(t: TestApp, driver: (String, String), staff: &[(&str, Role)]) -> BrowserStory {
    let tenant = t.tenant("Browser GmbH").await;
    let mut ids = Vec::new();
    for (email, role) in staff {
        ids.push(t.user_named(tenant, email, "", *role).await.id);
    }
    let admin = t.principal(staff[0].0, "127.0.0.1", None).await;
    BrowserStory {
        t,
        ids,
        admin,
        driver,
    }
}

impl BrowserStory {
    /// A browser, started now.
    async fn browser(&self) -> Browser {
        Browser::start(&self.driver.0, &self.driver.1).await
    }

    /// A contact the first staff user makes from these fields.
    async fn contact(&self, fields: Value) -> Contact {
        let input = input(fields);
        self.app.create_contact(&self.admin, &input).await.unwrap()
    }

    /// An activity the first staff user notes from these fields.
    async fn activity(&self, fields: Value) -> Activity {
        let input = input(fields);
        self.app.create_activity(&self.admin, &input).await.unwrap()
    }
}

#[tokio::test]
async fn staff_user_creates_finds_and_edits_a_contact() {
    let Some((driver, chromium)) = driver_or_skip() else {
        return;
    };
    let t = TestApp::sqlite().await;
    let tenant = t.tenant("Browser GmbH").await;
    t.user_named(tenant, "grace@example.com", "Grace Hopper", Role::Sales)
        .await;
    let base = &t.base;

    let browser = Browser::start(&driver, &chromium).await;

    // Log in; a wrong password first shows an error and no session.
    browser.goto(&format!("{base}/contacts")).await;
    assert!(browser
        .current_url()
        .await
        .ends_with("/login?next=%2Fcontacts"));
    browser.fill("#email", "grace@example.com").await;
    browser.fill("#password", "not the password").await;
    browser.click("form[action='/login'] button").await;
    browser
        .wait_for_text("p.error", "password or two-factor code is wrong")
        .await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form[action='/login'] button").await;
    browser.wait_for_text("h1", "Contacts").await;

    // Create a contact; an invalid email is answered next to its field.
    browser.click("a.button[href='/contacts/new']").await;
    browser.fill("#first_name", "Ada").await;
    browser.fill("#last_name", "Lovelace").await;
    browser.fill("#emails", "ada at example").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("#emails-error", "email").await;
    browser.fill("#emails", "ada@analytical.example").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "Ada Lovelace").await;
    let contact_url = browser.current_url().await;
    browser.wait_for_text("#timeline", "Record created").await;

    // Find it with the search box, as you type, from another page.
    browser.goto(&format!("{base}/organisations")).await;
    let search = browser.find("#search-box").await;
    browser.type_into(&search, "lovel").await;
    browser
        .wait_for_text("#search-suggestions", "Ada Lovelace")
        .await;
    browser.click("#search-suggestions a").await;
    browser.wait_for_text("h1", "Ada Lovelace").await;
    assert_eq!(browser.current_url().await, contact_url);

    // Edit it and see the change on its timeline.
    browser.click("a.button[href$='/edit']").await;
    browser.fill("#position", "Chief Analyst").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("dl.fields", "Chief Analyst").await;
    let timeline = browser.wait_for_text("#timeline", "Changed position").await;
    assert!(timeline.contains("by Grace Hopper"), "{timeline}");

    // A call noted at 10:00 in the browser's zone (Berlin, UTC+1 in
    // November) is stored as 09:00 UTC and shown as 10:00 again.
    browser.click("details.new-activity summary").await;
    browser
        .execute("document.getElementById('occurred_at').value = '2026-11-20T10:00'; return true;")
        .await;
    browser.fill("#subject", "Called about the renewal").await;
    browser
        .click("details.new-activity button[type=submit]")
        .await;
    let timeline = browser
        .wait_for_text("#timeline", "Called about the renewal")
        .await;
    assert!(timeline.contains("2026-11-20 10:00"), "{timeline}");
    let utc = browser
        .execute("return Array.from(document.querySelectorAll('#timeline time')).map(t => t.title).join('|');")
        .await;
    assert!(
        utc.as_str()
            .unwrap_or_default()
            .contains("2026-11-20 09:00 UTC"),
        "{utc}"
    );

    browser.quit().await;
}

/// Need-to-know in the browser: an agreement's value, financial data, is on
/// the page for an administrator and hidden for a support user, who still
/// sees the agreement itself.
#[tokio::test]
async fn support_does_not_see_what_an_administrator_sees_of_an_agreement() {
    let Some(s) = story(&[
        ("ada@example.com", Role::Administrator),
        ("sam@example.com", Role::Support),
    ])
    .await
    else {
        return;
    };
    let (app, admin) = (&s.app, &s.admin);
    let org = input(json!({"name": "Contoso"}));
    let org = app.create_organisation(admin, &org).await.unwrap();
    let agreement = input(json!({
        "title": "Support contract", "organisation_id": org.id, "start_date": "2026-01-01",
        "value": "12500.00", "currency": "EUR", "status": "active"
    }));
    let agreement = app.create_agreement(admin, &agreement).await.unwrap();
    let base = &s.base;
    let page = format!("{base}/agreements/{}", agreement.id);

    let browser = s.browser().await;
    for (email, sees_value) in [("ada@example.com", true), ("sam@example.com", false)] {
        browser.goto(&page).await;
        browser.log_in(email, PASSWORD).await;
        browser.wait_for_text("h1", "Support contract").await;
        let fields = browser.wait_for_text("dl.fields", "Contoso").await;
        assert_eq!(
            fields.contains("12,500.00 EUR"),
            sees_value,
            "{email}: {fields}"
        );
        assert_eq!(fields.contains("Hidden"), !sees_value, "{email}: {fields}");
        // Support may read agreements but not change them: no buttons for it.
        let buttons = browser
            .execute("return document.querySelectorAll('a.button[href$=\"/edit\"], button.danger').length;")
            .await;
        assert_eq!(
            buttons.as_u64() == Some(0),
            !sees_value,
            "{email}: {buttons}"
        );
        browser.log_out().await;
    }
    browser.quit().await;
}

/// Break glass in the browser: an administrator marks call notes sensitive
/// and defines a role on the roles page; a support user sees the notes only
/// after stating a reason, which the audit trail then shows.
#[tokio::test]
async fn support_states_a_reason_to_see_sensitive_notes() {
    let Some(s) = story(&[
        ("ada@example.com", Role::Administrator),
        ("sam@example.com", Role::Support),
    ])
    .await
    else {
        return;
    };
    let contact = s
        .contact(json!({"first_name": "Nia", "last_name": "Quell"}))
        .await;
    s.activity(json!({
        "kind": "call", "occurred_at": "2026-11-20T10:00:00Z",
        "subject": "Complained about billing", "contact_ids": [contact.id]
    }))
    .await;
    let base = &s.base;
    let browser = s.browser().await;

    browser.goto(&format!("{base}/admin/roles")).await;
    browser.log_in("ada@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "Roles").await;
    browser
        .click("input[name=sensitive][value=free_text]")
        .await;
    browser.click("form[action='/admin/access'] button").await;
    browser.wait_for_text("h1", "Roles").await;
    // A built-in name is refused on the form, with what was typed kept.
    browser.fill("input[name=name]", "sales").await;
    browser.fill("input[name=label]", "Outside auditor").await;
    browser
        .click("input[name=permission][value='activities:read']")
        .await;
    browser.click("form.role-form button").await;
    browser
        .wait_for_text("form.role-form", "is a built-in role")
        .await;
    let kept = browser
        .execute("return [document.querySelector(\"input[name=permission][value='activities:read']\").checked, document.querySelector('input[name=label]').value];")
        .await;
    assert_eq!(kept, json!([true, "Outside auditor"]));
    browser.fill("input[name=name]", "auditor").await;
    browser.fill("input[name=label]", "Outside auditor").await;
    browser.click("form.role-form button").await;
    let roles = browser.wait_for_text("table", "Outside auditor").await;
    assert!(roles.contains("Activities: read"), "{roles}");

    // The record of processing: the defaults, and one more added on the page;
    // special categories without an Art. 9(2) condition are refused.
    browser.goto(&format!("{base}/privacy/purposes")).await;
    browser
        .wait_for_text("table", "Marketing communications")
        .await;
    browser
        .fill("form.purpose-form input[name=name]", "Event invitations")
        .await;
    browser
        .click("form.purpose-form select[name=lawful_basis] option[value=consent]")
        .await;
    browser
        .click("form.purpose-form input[name=category][value=contact]")
        .await;
    browser
        .click("form.purpose-form input[name=category][value=special_category]")
        .await;
    browser
        .fill_and_send(
            "form.purpose-form",
            "input[name=retention]",
            "Until consent is withdrawn",
        )
        .await;
    browser
        .wait_for_text("form.purpose-form", "need a condition of Art. 9(2)")
        .await;
    browser
        .click("form.purpose-form input[name=category][value=special_category]")
        .await;
    browser.click("form.purpose-form button").await;
    let purposes = browser.wait_for_text("table", "Event invitations").await;
    assert!(purposes.contains("Consent (Art. 6(1)(a))"), "{purposes}");

    // A data-subject request, logged from a letter, verified and answered.
    browser.goto(&format!("{base}/privacy/requests")).await;
    browser.wait_for_text("ul.dashboard", "0 open").await;
    browser
        .fill("form.request-form input[name=subject_name]", "Nia Quell")
        .await;
    browser
        .fill_and_send(
            "form.request-form",
            "input[name=details]",
            "A copy of my data",
        )
        .await;
    browser
        .wait_for_text("h1", "Access (Art. 15) request #1 of Nia Quell")
        .await;
    browser.wait_for_text("dl.fields", "not verified yet").await;
    // Free text is sensitive here: the method and the outcome show after a
    // stated reason.
    browser
        .fill_and_send(
            "form.break-glass",
            "input[name=reason]",
            "Answering the request",
        )
        .await;
    browser
        .wait_for_text("div.break-glass", "Answering the request")
        .await;
    browser
        .fill_and_send(
            "form.identity-form",
            "input[name=method]",
            "Signed letter matches our records",
        )
        .await;
    browser
        .wait_for_text("dl.fields", "verified: Signed letter")
        .await;
    browser
        .click("form.state-form select[name=state] option[value=completed]")
        .await;
    browser
        .fill_and_send("form.state-form", "input[name=note]", "Export sent by post")
        .await;
    let steps = browser.wait_for_text("ol.timeline", "completed").await;
    assert!(steps.contains("identity verified"), "{steps}");
    browser
        .wait_for_text("dl.fields", "Export sent by post")
        .await;
    browser.log_out().await;

    let page = format!("{base}/contacts/{}", contact.id);
    browser.goto(&page).await;
    browser.log_in("sam@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "Nia Quell").await;
    browser.find("#timeline").await;
    let source = browser.source().await;
    assert!(
        !source.contains("Complained about billing"),
        "hidden before a reason"
    );
    browser
        .fill_and_send(
            "form.break-glass",
            "input[name=reason]",
            "Customer complaint 4711",
        )
        .await;
    browser
        .wait_for_text("#timeline", "Complained about billing")
        .await;
    browser
        .wait_for_text("div.break-glass", "Customer complaint 4711")
        .await;
    browser.click("div.break-glass button").await;
    browser.wait_for_text("form.break-glass", "is hidden").await;
    assert!(!browser.source().await.contains("Complained about billing"));
    browser.log_out().await;

    browser
        .goto(&format!("{base}/audit?user_id={}", s.ids[1]))
        .await;
    browser.log_in("ada@example.com", PASSWORD).await;
    browser
        .wait_for_text("main", "Reason: Customer complaint 4711")
        .await;
    browser.quit().await;
}

#[tokio::test]
async fn the_dpo_exports_and_erases_a_subject() {
    let Some(s) = story(&[
        ("ada@example.com", Role::Administrator),
        ("dora@example.com", Role::DataProtectionOfficer),
    ])
    .await
    else {
        return;
    };
    let contact = s
        .contact(json!({
            "first_name": "Ivo", "last_name": "Brandt", "emails": ["ivo@brandt.example"]
        }))
        .await;
    s.activity(json!({
        "kind": "call", "occurred_at": "2026-11-20T10:00:00Z",
        "subject": "Ivo Brandt asked for a quote", "contact_ids": [contact.id]
    }))
    .await;
    // A colleague's note that names him: listed in the plan, redacted.
    let colleague = s
        .contact(json!({"first_name": "Mila", "last_name": "Roth"}))
        .await;
    let note = s
        .activity(json!({
            "kind": "note", "occurred_at": "2026-11-21T10:00:00Z",
            "subject": "Handover", "body": "Mila takes over from Ivo Brandt (ivo@brandt.example).",
            "contact_ids": [colleague.id]
        }))
        .await;
    let base = &s.base;
    let browser = s.browser().await;
    browser.goto(&format!("{base}/privacy/requests")).await;
    browser.log_in("dora@example.com", PASSWORD).await;

    for (kind, heading) in [
        ("access", "Access (Art. 15) request #1 of Ivo Brandt"),
        (
            "rectification",
            "Rectification (Art. 16) request #2 of Ivo Brandt",
        ),
        ("erasure", "Erasure (Art. 17) request #3 of Ivo Brandt"),
    ] {
        browser.goto(&format!("{base}/privacy/requests")).await;
        browser
            .click(&format!(
                "form.request-form select[name=request_type] option[value={kind}]"
            ))
            .await;
        browser
            .fill("form.request-form input[name=subject_name]", "Ivo Brandt")
            .await;
        browser
            .fill(
                "form.request-form input[name=contact_id]",
                &contact.id.0.to_string(),
            )
            .await;
        browser.click("form.request-form button").await;
        browser.wait_for_text("h1", heading).await;
        browser
            .fill_and_send(
                "form.identity-form",
                "input[name=method]",
                "Called back on the number on file",
            )
            .await;
        browser
            .wait_for_text("dl.fields", "verified: Called back")
            .await;
        let records = browser
            .wait_for_text("form.subjects-form", "Ivo Brandt")
            .await;
        assert!(records.contains("1 activity,"), "{records}");
        browser
            .click("form.subjects-form input[name=contact_ids]")
            .await;
        browser.click("form.subjects-form button").await;
        browser
            .wait_for_text("p.confirmed", "1 record confirmed")
            .await;
        if kind == "rectification" {
            browser
                .fill(
                    "form.rectification-form input[name=position]",
                    "Head of Purchasing",
                )
                .await;
            browser
                .fill_and_send("form.rectification-form", "input[name=city]", "Bonn")
                .await;
            let steps = browser.wait_for_text("ol.timeline", "rectified").await;
            assert!(steps.contains("position"), "{steps}");
        }
        if kind == "access" {
            // The export downloads with the browser's session.
            let download = browser
                .execute(
                    "return fetch(document.querySelector(\"a[href$='/export']\").href)\
                     .then(async r => [r.status, r.headers.get('content-type'),\
                       String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 2))]);",
                )
                .await;
            assert_eq!(download, json!([200, "application/zip", "PK"]));
            // Its summary page reads on a phone: cards of labelled values,
            // nothing running off the side.
            let request = browser.current_url().await;
            let id: i64 = request
                .rsplit('/')
                .next()
                .and_then(|id| id.split(['#', '?']).next())
                .and_then(|id| id.parse().ok())
                .unwrap();
            let export = s
                .app
                .privacy()
                .subject_export(&s.admin, custodian_core::SubjectRequestId(id))
                .await
                .unwrap();
            let files = exports::unzip(&export.bytes);
            let page = std::env::temp_dir().join(format!("summary-{id}.html"));
            std::fs::write(&page, &files["summary.html"]).unwrap();
            browser.resize(390, 844).await;
            browser.goto(&format!("file://{}", page.display())).await;
            browser.wait_for_text("h1", "Your personal data").await;
            browser
                .wait_for_text("dl.card", "Work email addresses")
                .await;
            assert!(
                !browser.overflows_sideways().await,
                "the summary fits a phone"
            );
            browser.screenshot("export-summary-phone").await;
            let _ = std::fs::remove_file(&page);
            browser.resize(1366, 900).await;
            browser.goto(&request).await;
        }
    }

    // The erasure request is on screen: refused without a yes, then done.
    let plan = browser
        .wait_for_text("table.erasure-plan", "Contact record")
        .await;
    browser.screenshot("erasure-request").await;
    assert!(plan.contains("mentions of them redacted"), "{plan}");
    let link = browser
        .execute(&format!(
            "return document.querySelector(\"table.erasure-plan a[href='/activities/{}']\").textContent;",
            note.id.0
        ))
        .await;
    assert_eq!(link, json!(format!("activity {}", note.id.0)));
    browser.click("form.erasure-form button").await;
    browser
        .wait_for_text("main", "Erasure cannot be undone: confirm it.")
        .await;
    browser.click("form.erasure-form input[name=confirm]").await;
    browser
        .click("form.erasure-form input[name=keep_under_legal_hold]")
        .await;
    browser.click("form.erasure-form button").await;
    let certificate = browser
        .wait_for_text("section.certificate", "Erasure certificate")
        .await;
    assert!(certificate.contains("deleted"), "{certificate}");
    assert!(certificate.contains("write-ahead log"), "{certificate}");
    assert!(
        certificate.contains("mentions of them redacted"),
        "{certificate}"
    );
    browser.wait_for_text("dl.fields", "Completed").await;
    let json = browser
        .execute(
            "return fetch(document.querySelector('section.certificate a[download]').href)\
             .then(r => r.json()).then(c => [c.format, c.contact_records]);",
        )
        .await;
    assert_eq!(json, json!(["custodian-erasure-certificate/1", 1]));

    // Entered again, the erased person is recognised on the form.
    browser.log_out().await;
    browser.goto(&format!("{base}/contacts/new")).await;
    browser.log_in("ada@example.com", PASSWORD).await;
    browser.fill("#first_name", "Ivo").await;
    browser.fill("#last_name", "Brandt").await;
    browser.fill("#emails", "IVO@brandt.example").await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text("main", "was erased at their request")
        .await;
    browser.click("input[name=_returning_subject]").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "Ivo Brandt").await;
    browser.quit().await;
}

#[tokio::test]
async fn consent_is_granted_and_withdrawn_on_the_contact_page() {
    let Some(s) = story(&[("ada@example.com", Role::Administrator)]).await else {
        return;
    };
    let contact = s
        .contact(json!({"first_name": "Lea", "last_name": "Sommer"}))
        .await;
    let base = &s.base;
    let browser = s.browser().await;
    browser.goto(&format!("{base}/privacy/consents")).await;
    browser.log_in("ada@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "Consent texts").await;
    browser
        .fill("form.consent-text-form input[name=title]", "Newsletter")
        .await;
    browser
        .fill(
            "form.consent-text-form textarea[name=body]",
            "Send me the monthly newsletter",
        )
        .await;
    browser.click("form.consent-text-form button").await;
    browser.wait_for_text("table.consent-texts", "draft").await;
    browser.click("table.consent-texts form button").await;
    browser
        .wait_for_text("table.consent-texts", "published")
        .await;

    browser
        .goto(&format!("{base}/contacts/{}", contact.id))
        .await;
    browser
        .click(&format!("main a[href='/contacts/{}/consents']", contact.id))
        .await;
    browser.wait_for_text("h1", "Consents of").await;
    browser
        .fill("form.consent-form input[name=form]", "Call of 20 November")
        .await;
    browser
        .click("form.consent-form button[value=granted]")
        .await;
    browser
        .wait_for_text("table.consent-state", "granted")
        .await;
    browser
        .click("form.consent-form button[value=withdrawn]")
        .await;
    browser
        .wait_for_text("table.consent-state", "withdrawn")
        .await;
    let history = browser
        .wait_for_text("ol.consent-history", "Call of 20 November")
        .await;
    assert!(
        history.contains("Withdrawn") && history.contains("Granted"),
        "{history}"
    );
    let receipt = browser
        .execute(
            "return fetch(document.querySelector(\"a[href$='consent-receipt.json']\").href)\
             .then(r => r.json()).then(r => [r.version, r.services.length]);",
        )
        .await;
    assert_eq!(receipt, json!(["KI-CR-v1.1.0", 0]));
    browser.quit().await;
}

#[tokio::test]
async fn the_dpo_decides_the_review_list_in_bulk() {
    use custodian_app::retention::SweepControl;
    use custodian_app::Scope;
    use custodian_core::audit::Actor;
    use custodian_core::retention::HoldFields;
    use custodian_core::time::Timestamp;

    let Some(s) = story(&[
        ("ada@example.com", Role::Administrator),
        ("dora@example.com", Role::DataProtectionOfficer),
    ])
    .await
    else {
        return;
    };
    let (app, admin) = (&s.app, &s.admin);
    let mut contacts = Vec::new();
    for (first, last) in [
        ("Anna", "Albers"),
        ("Bernd", "Brandt"),
        ("Carla", "Conti"),
        ("Dirk", "Dahl"),
    ] {
        let contact = s
            .contact(json!({"first_name": first, "last_name": last}))
            .await;
        contacts.push(contact.id);
    }
    app.retention()
        .place_legal_hold(
            admin,
            &HoldFields {
                target: "contact".into(),
                target_id: contacts[3].0,
                reason: "Pending claim".into(),
                owner_id: None,
                review_on: "2099-01-01".into(),
            },
        )
        .await
        .unwrap();
    // Three years on, the default rule lists contacts without activity for
    // two years: all but the held one.
    let three_years_on = Timestamp(Timestamp::now().0 + 3 * 366 * 86_400_000);
    let run = app
        .retention()
        .apply_retention(
            &Scope::new(admin.tenant, Actor::SYSTEM),
            RunStart::Command,
            three_years_on,
            &SweepControl::default(),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(run.counts.acted(), 3, "{run:?}");
    let base = &s.base;
    let browser = s.browser().await;
    browser
        .goto(&format!("{base}/privacy/retention/reviews"))
        .await;
    browser.log_in("dora@example.com", PASSWORD).await;
    browser.wait_for_text("main", "3 records").await;
    let listed = browser.wait_for_text("table.reviews", "Anna Albers").await;
    assert!(listed.contains("Bernd Brandt") && listed.contains("Carla Conti"));
    assert!(
        !listed.contains("Dirk Dahl"),
        "a held contact is not listed"
    );

    // Keeping needs a reason: refused, nothing decided.
    browser.click("input[data-select-all]").await;
    browser.click("input[name=decision][value=keep]").await;
    browser.click("form.review-form button[type=submit]").await;
    browser
        .wait_for_text("p.error", "Say why the records are kept")
        .await;
    browser.wait_for_text("main", "3 records").await;

    // Approve two in bulk.
    let row_box = |name: &str| format!("//tr[contains(., '{name}')]//input[@type='checkbox']");
    for name in ["Anna Albers", "Bernd Brandt"] {
        let script = format!(
            "document.evaluate(\"{}\", document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click()",
            row_box(name)
        );
        browser.execute(&script).await;
    }
    browser.click("input[name=decision][value=approve]").await;
    browser.click("form.review-form button[type=submit]").await;
    browser.wait_for_text("main", "Deleted 2 records.").await;
    let listed = browser.wait_for_text("table.reviews", "Carla Conti").await;
    assert!(!listed.contains("Anna Albers") && !listed.contains("Bernd Brandt"));

    // Keep the last one, with a reason.
    browser.click("input[data-select-all]").await;
    browser.click("input[name=decision][value=keep]").await;
    browser.fill("input[name=reason]", "Open tender").await;
    browser.click("form.review-form button[type=submit]").await;
    browser.wait_for_text("main", "Kept 1 record.").await;
    browser
        .wait_for_text("main", "Nothing is waiting for review.")
        .await;

    // The report names both decisions; the deleted contacts are gone.
    browser
        .click("a[href^='/privacy/retention/reviews/report']")
        .await;
    browser
        .wait_for_text("p.report-totals", "2 deleted, 1 kept")
        .await;
    browser.wait_for_text("table.report", "Open tender").await;
    for gone in &contacts[..2] {
        assert!(app.contact(admin, *gone).await.is_err());
    }
    assert!(app.contact(admin, contacts[2]).await.is_ok());

    // The rules page refuses a period it cannot read, at the form.
    browser.goto(&format!("{base}/privacy/retention")).await;
    browser
        .wait_for_text(
            "table.retention-rules",
            "Contacts: list for review 2 years after",
        )
        .await;
    browser
        .fill("form.rule-form input[name=period]", "soon")
        .await;
    browser.click("form.rule-form button[type=submit]").await;
    browser
        .wait_for_text("form.rule-form p.error", "Period:")
        .await;
    // The hold placed above is listed, and a run started here finishes.
    browser
        .goto(&format!("{base}/privacy/retention/holds"))
        .await;
    browser.wait_for_text("table.holds", "Pending claim").await;
    browser
        .goto(&format!("{base}/privacy/retention/runs"))
        .await;
    browser.click("form.run-form button").await;
    browser.wait_for_text("h1", "Retention run").await;
    browser
        .goto(&format!("{base}/privacy/retention/runs"))
        .await;
    browser.wait_for_text("table.runs", "completed").await;
    browser
        .goto(&format!("{base}/privacy/retention/plan"))
        .await;
    browser
        .wait_for_text("table.rule-counts", "Activities")
        .await;
    browser.quit().await;
}

/// The helpdesk in the browser: support raises a ticket from a contact's
/// page, answers it, notes something internally, is refused an empty reply,
/// finds it in their queue, closes it, and sees it on the contact's
/// timeline; script typed into a ticket stays text.
#[tokio::test]
async fn support_raises_answers_and_closes_a_ticket() {
    let Some(s) = story(&[
        ("ada@example.com", Role::Administrator),
        ("sam@example.com", Role::Support),
    ])
    .await
    else {
        return;
    };
    let contact = s
        .contact(json!({"first_name": "Ida", "last_name": "Kessel"}))
        .await;
    s.app
        .create_canned_reply(
            &s.admin,
            &input(json!({"title": "Technician", "body": "A technician comes tomorrow at 10:00."})),
        )
        .await
        .unwrap();
    let base = &s.base;
    let browser = s.browser().await;
    browser
        .goto(&format!("{base}/contacts/{}", contact.id))
        .await;
    browser.log_in("sam@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "Ida Kessel").await;

    // Raised from the contact's page, which fills in the requester.
    browser.click("a.button[href^='/tickets/new']").await;
    browser
        .fill(
            "#subject",
            "<script>window.pwned = 1</script> Bottling line stops",
        )
        .await;
    browser
        .fill("#description", "Since Monday, every hour.")
        .await;
    browser
        .execute("document.getElementById('priority').value = 'high'; return true;")
        .await;
    browser.click("main form button[type=submit]").await;
    let title = browser.wait_for_text("h1", "#1").await;
    assert!(
        title.contains("<script>window.pwned = 1</script>"),
        "{title}"
    );
    assert_eq!(
        browser.execute("return window.pwned === undefined;").await,
        json!(true),
        "the script in the subject did not run"
    );
    browser.wait_for_text("dl.fields", "Ida Kessel").await;
    browser
        .wait_for_text(".ticket-state", "High priority")
        .await;

    // A reply to the requester opens the ticket; it starts from a canned
    // reply, put into the text without leaving the page.
    browser.fill("#reply-body", "Hello Ida, ").await;
    browser.click(".canned-form button[type=submit]").await;
    let text = browser
        .execute("return document.getElementById('reply-body').value;")
        .await;
    assert_eq!(text, "Hello Ida, A technician comes tomorrow at 10:00.");
    browser.click(".reply-form button[type=submit]").await;
    browser
        .wait_for_text(".messages", "A technician comes tomorrow")
        .await;
    browser.wait_for_text(".ticket-state", "Open").await;
    browser.wait_for_text("dl.fields", "First answered").await;

    // An internal note, moving it to waiting for the customer.
    browser
        .click(".reply-form input[name=visibility][value=internal]")
        .await;
    browser
        .fill("#reply-body", "Spare motor is in the van.")
        .await;
    browser
        .execute("document.getElementById('reply-status').value = 'pending'; return true;")
        .await;
    browser.click(".reply-form button[type=submit]").await;
    browser
        .wait_for_text(".messages li.note", "Spare motor is in the van.")
        .await;
    browser
        .wait_for_text(".ticket-state", "Waiting for the customer")
        .await;

    // An empty reply (past the browser's own check) is refused by name.
    browser
        .execute("document.getElementById('reply-body').removeAttribute('required'); return true;")
        .await;
    browser.fill("#reply-body", " ").await;
    browser.click(".reply-form button[type=submit]").await;
    browser
        .wait_for_text(".reply-form .error", "Body: This field is required.")
        .await;

    // In the queue of those assigned to the one who raised it.
    browser.goto(&format!("{base}/tickets")).await;
    browser.click("nav.queues a:nth-child(2)").await;
    browser.wait_for_text("table.tickets", "#1").await;
    browser.wait_for_text("table.tickets", "Ida Kessel").await;
    browser.fill("#ticket-search", "bottling").await;
    browser.click("form[role=search] button").await;
    browser.wait_for_text("table.tickets", "#1").await;

    // Closed, it takes nothing more until reopened.
    browser.click("table.tickets a").await;
    browser.click("a.button[href$='/edit']").await;
    browser
        .execute("document.getElementById('status').value = 'closed'; return true;")
        .await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text("#messages .notice", "This ticket is closed")
        .await;
    assert!(
        !browser.source().await.contains("reply-form"),
        "no reply form on a closed ticket"
    );

    // On the requester's timeline.
    browser
        .goto(&format!("{base}/contacts/{}", contact.id))
        .await;
    browser.wait_for_text("#timeline", "#1").await;
    browser.wait_for_text("#timeline", "Closed").await;
    browser.quit().await;
}

/// A story whose mail goes to a real SMTP server (aiosmtpd, writing to
/// `maildir`), with one administrator.
struct PortalWithMail {
    s: BrowserStory,
    maildir: std::path::PathBuf,
    _smtp: smtp::SmtpServer,
    _mail_dir: tempfile::TempDir,
}

impl PortalWithMail {
    /// Or None (with a message) on a machine without a browser or aiosmtpd.
    async fn start() -> Option<PortalWithMail> {
        let driver = driver_or_skip()?;
        if !smtp::aiosmtpd_installed() {
            return None;
        }
        let port = smtp::free_port();
        let mail_dir = tempfile::tempdir().unwrap();
        let maildir = mail_dir.path().join("maildir");
        let smtp = smtp::start_smtp(port, &maildir).await;
        let t = TestApp::sqlite_at(|app, base| {
            app.with_mail(&custodian_app::mail::MailSettings {
                public_url: base.to_string(),
                from: "Brauhaus Support <help@brauhaus.example>".into(),
                smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
            })
            .unwrap()
        })
        .await;
        let s = story_with(t, driver, &[("ada@example.com", Role::Administrator)]).await;
        Some(PortalWithMail {
            s,
            maildir,
            _smtp: smtp,
            _mail_dir: mail_dir,
        })
    }
}

/// The first link to this server in a message the SMTP server received.
fn link_in(message: &str, base: &str) -> String {
    // Undo quoted-printable soft line breaks, should the mail use them.
    let text = message.replace("=\r\n", "").replace("=\n", "");
    let start = text.find(base).expect("a link in the message");
    text[start..].split_whitespace().next().unwrap().to_string()
}

/// The customer portal in a real browser, with mail through a real SMTP
/// server: a contact person accepts the invitation from their email,
/// raises a ticket, a staff member answers, and the person follows the
/// notice's link to read the answer.
#[tokio::test]
async fn a_contact_accepts_an_invitation_raises_a_ticket_and_reads_the_answer() {
    let Some(portal) = PortalWithMail::start().await else {
        return;
    };
    let s = &portal.s;
    let (app, admin, base, maildir) = (&s.app, &s.admin, &s.base, &portal.maildir);
    let contact = s
        .contact(
            json!({"first_name": "Ida", "last_name": "Kessel", "emails": ["ida@brauhaus.example"]}),
        )
        .await;
    app.portal()
        .invite_to_portal(admin, contact.id)
        .await
        .unwrap();
    let now = custodian_core::time::Timestamp::now;
    assert_eq!(app.mail().deliver_due_mail(now()).await.sent, 1);
    let invitation = smtp::received(maildir).pop().unwrap();
    assert!(
        invitation.contains("To: ida@brauhaus.example"),
        "{invitation}"
    );

    let browser = s.browser().await;
    browser.goto(&link_in(&invitation, base)).await;
    browser.wait_for_text("h1", "Welcome").await;
    browser.fill("#password", "hop harvest at dawn").await;
    browser.fill("#password_again", "hop harvest at dawn").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "My tickets").await;

    // An answer in the FAQ shows up while the subject is typed.
    let article = custodian_core::helpdesk::FaqInput {
        title: "What to do when the keg washer leaks".into(),
        body: "Tighten the drain valve by hand.".into(),
        published: true,
        ..Default::default()
    };
    app.helpdesk()
        .create_faq_article(admin, &article)
        .await
        .unwrap();
    browser.click("a.button[href='/portal/tickets/new']").await;
    browser.fill("#subject", "Keg washer leaks").await;
    browser
        .wait_for_text("#faq-suggestions", "What to do when the keg washer leaks")
        .await;
    browser
        .fill("#description", "Since Monday, under the second valve.")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "#1 Keg washer leaks").await;
    let url = browser.current_url().await;
    let ticket: i64 = url.rsplit('/').next().unwrap().parse().unwrap();

    // A staff member answers; the notice goes out through the SMTP server.
    app.helpdesk()
        .add_ticket_message(
            admin,
            custodian_core::TicketId(ticket),
            &input(json!({"body": "A technician comes on Tuesday at 10:00."})),
        )
        .await
        .unwrap();
    assert_eq!(app.mail().deliver_due_mail(now()).await.sent, 1);
    let notice = smtp::received(maildir)
        .into_iter()
        .find(|m| m.contains("there is a new reply"))
        .expect("the reply notice arrived");
    assert!(
        !notice.contains("Tuesday"),
        "the answer stays in the portal"
    );
    browser.goto(&link_in(&notice, base)).await;
    browser
        .wait_for_text(".messages", "A technician comes on Tuesday at 10:00.")
        .await;
    browser.fill("#body", "Tuesday suits us.").await;
    browser.click(".reply-form button[type=submit]").await;
    browser
        .wait_for_text(".messages", "Tuesday suits us.")
        .await;

    // On a phone, nothing of the portal runs off the side.
    browser.resize(390, 844).await;
    for page in [
        "/portal/tickets",
        "/portal/tickets/new",
        "/portal/faq",
        "/portal/my-data",
    ] {
        browser.goto(&format!("{base}{page}")).await;
        browser.find("h1").await;
        assert!(!browser.overflows_sideways().await, "{page} fits a phone");
    }
    browser
        .goto(&format!("{base}/portal/tickets/{ticket}"))
        .await;
    browser
        .wait_for_text(".messages", "Tuesday suits us.")
        .await;
    assert!(!browser.overflows_sideways().await, "a ticket fits a phone");
    // The menu folds behind one button there.
    let shown = "return getComputedStyle(document.getElementById('portal-menu')).display;";
    assert_eq!(browser.execute(shown).await, "none");
    browser.click("label.nav-toggle-label").await;
    assert_eq!(browser.execute(shown).await, "flex");
    browser.screenshot("portal-ticket-phone").await;
    browser.quit().await;
}

/// Registering without an invitation, in a real browser with a real SMTP
/// server: the person registers on the tenant's page, follows the link in
/// the message, chooses a password, and from "My data" asks for erasure.
#[tokio::test]
async fn a_person_registers_confirms_by_email_and_asks_for_erasure() {
    let Some(portal) = PortalWithMail::start().await else {
        return;
    };
    let s = &portal.s;
    let (app, admin, base, maildir) = (&s.app, &s.admin, &s.base, &portal.maildir);
    app.portal()
        .set_portal_registration_policy(
            admin,
            &custodian_core::portal::registration::RegistrationSettings {
                policy: "anyone".into(),
            },
        )
        .await
        .unwrap();

    let browser = s.browser().await;
    browser
        .goto(&format!("{base}/portal/register/{}", admin.tenant.0))
        .await;
    browser
        .wait_for_text("h1", "Register for the Browser GmbH")
        .await;
    browser.fill("#first_name", "Nils").await;
    browser.fill("#last_name", "Neumann").await;
    browser.fill("#email", "nils@neu.example").await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text(".notice", "a message is on its way")
        .await;

    // The message is written in the background; then it goes out.
    let now = custodian_core::time::Timestamp::now;
    let mut sent = 0;
    for _ in 0..50 {
        sent += app.mail().deliver_due_mail(now()).await.sent;
        if sent > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 1);
    let message = smtp::received(maildir).pop().unwrap();
    assert!(message.contains("To: nils@neu.example"), "{message}");
    assert!(
        !message.contains("Neumann"),
        "the message carries nothing typed"
    );

    browser.goto(&link_in(&message, base)).await;
    browser.wait_for_text("h1", "Welcome").await;
    browser.fill("#password", "a tall ship and a star").await;
    browser
        .fill("#password_again", "a tall ship and a star")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "My tickets").await;

    browser.goto(&format!("{base}/portal/my-data")).await;
    browser.wait_for_text("h1", "My data").await;
    browser.fill("#details", "Please remove me").await;
    browser.click("input[name=confirm]").await;
    browser
        .click("form[action='/portal/my-data/erasure'] button")
        .await;
    browser.wait_for_text(".notice", "is with us").await;
    browser.wait_for_text("table", "Erasure (Art. 17)").await;
    browser.quit().await;
}

#[tokio::test]
async fn the_home_page_and_its_menus_work_on_a_laptop_and_a_phone() {
    let Some(s) = story(&[("admin@example.com", Role::Administrator)]).await else {
        return;
    };
    let asker = s
        .contact(json!({"first_name": "Milton", "last_name": "Waddams"}))
        .await;
    s.app
        .helpdesk()
        .create_ticket(
            &s.admin,
            &input(json!({"subject": "Broken stapler", "contact_id": asker.id, "assignee_id": s.ids[0]})),
        )
        .await
        .unwrap();
    let browser = s.browser().await;
    browser.resize(1366, 900).await;
    browser.goto(&format!("{}/", s.base)).await;
    browser.log_in("admin@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "Home").await;
    browser
        .wait_for_text("section.panel", "Broken stapler")
        .await;
    browser.wait_for_text(".tiles", "my open tickets").await;
    browser.find("figure.chart svg rect").await;
    assert!(!browser.overflows_sideways().await, "the laptop page fits");
    browser.screenshot("home").await;

    // A menu opens on a click and leads to its page, which it then marks.
    browser.click("details.menu:nth-of-type(2) > summary").await;
    browser.click("details.menu[open] a[href='/tickets']").await;
    browser.wait_for_text("h1", "Tickets").await;
    browser
        .wait_for_text("details.menu.current > summary", "Helpdesk")
        .await;

    // On a phone the menus fold behind one button and nothing runs off the side.
    browser.resize(390, 844).await;
    browser.goto(&format!("{}/", s.base)).await;
    browser.wait_for_text("h1", "Home").await;
    assert!(!browser.overflows_sideways().await, "the phone page fits");
    browser.screenshot("home-phone").await;
    let shown = "return getComputedStyle(document.getElementById('main-menus')).display;";
    assert_eq!(browser.execute(shown).await, "none");
    browser.click("label.nav-toggle-label").await;
    assert_eq!(browser.execute(shown).await, "flex");
    browser.click("details.menu:nth-of-type(1) > summary").await;
    browser
        .click("details.menu[open] a[href='/contacts']")
        .await;
    browser.wait_for_text("h1", "Contacts").await;
    assert!(!browser.overflows_sideways().await, "a list fits the phone");

    // The API reference: grouped by resource with a sidebar, readable on
    // both screens.
    browser.goto(&format!("{}/api/v1/docs", s.base)).await;
    browser.wait_for_text("h1", "Custodian API reference").await;
    assert!(
        !browser.overflows_sideways().await,
        "the reference fits the phone"
    );
    browser.resize(1366, 900).await;
    browser
        .execute(
            "document.querySelector(\"nav.api-nav a[href='#contacts']\").click(); return true;",
        )
        .await;
    browser.wait_for_text("#contacts h2", "contacts").await;
    assert!(browser
        .current_url()
        .await
        .ends_with("/api/v1/docs#contacts"));
    browser.screenshot("api-reference").await;
    assert!(
        !browser.overflows_sideways().await,
        "the reference fits the laptop"
    );
    browser.quit().await;
}

/// Pickers: an organisation past the first hundred, which the form's
/// choice list does not hold, is found by typing part of its name and
/// chosen with the keyboard; the contact is saved with it, and the audit
/// trail names the contact and offers the same picker as its filter.
#[tokio::test]
async fn a_record_is_linked_by_typing_its_name() {
    let Some(s) = story(&[("admin@example.com", Role::Administrator)]).await else {
        return;
    };
    for n in 0..110 {
        s.app
            .create_organisation(&s.admin, &input(json!({"name": format!("Acme {n:03}")})))
            .await
            .unwrap();
    }
    let initech = s
        .app
        .create_organisation(&s.admin, &input(json!({"name": "Initech"})))
        .await
        .unwrap();
    let browser = s.browser().await;
    browser.resize(1366, 900).await;
    browser.goto(&format!("{}/contacts/new", s.base)).await;
    browser.log_in("admin@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "New contact").await;
    let listed = browser
        .execute("return Array.from(document.querySelectorAll('select[name=organisation_id] option')).some(o => o.text === 'Initech');")
        .await;
    assert_eq!(listed, false, "the choice list stops before Initech");
    browser.fill("#first_name", "Peter").await;
    browser.fill("#last_name", "Gibbons").await;
    let picker = browser.find("input#organisation_id[role=combobox]").await;
    browser.type_into(&picker, "inite").await;
    browser.wait_for_text(".picker-list", "Initech").await;
    browser.screenshot("picker").await;
    // Arrow down to the suggestion, Enter to take it: the form is not sent.
    browser.type_into(&picker, "\u{E015}\u{E007}").await;
    let chosen = browser
        .execute("return [document.getElementById('organisation_id').value, document.querySelector('select[name=organisation_id]').value];")
        .await;
    assert_eq!(chosen, json!(["Initech", initech.id.0.to_string()]));
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "Peter Gibbons").await;
    browser.wait_for_text("dl.fields", "Initech").await;
    let contact = browser.current_url().await;
    let id = contact.rsplit('/').next().unwrap_or_default().to_string();

    // The trail names him, and its subject filter shows his name.
    browser
        .goto(&format!("{}/audit?contact_id={id}", s.base))
        .await;
    browser
        .wait_for_text("table", "Peter Gibbons (contact)")
        .await;
    let shown = browser
        .execute("return document.getElementById('contact_id').value;")
        .await;
    assert_eq!(shown, "Peter Gibbons");
    // Emptying the picker removes the filter.
    browser.clear(&browser.find("input#contact_id").await).await;
    browser.click("form.filters button[type=submit]").await;
    browser.wait_for_text("h1", "Audit trail").await;
    assert!(!browser
        .current_url()
        .await
        .contains(&format!("contact_id={id}")));
    browser.quit().await;
}

/// Lists: the queue's tickets are ticked all at once and given to the
/// agent in one step; the contact list counts, pages back and forth at the
/// size chosen, and fits a phone.
#[tokio::test]
async fn tickets_change_in_bulk_and_lists_page_back_and_forth() {
    let Some(s) = story(&[
        ("admin@example.com", Role::Administrator),
        ("agent@example.com", Role::Support),
    ])
    .await
    else {
        return;
    };
    let asker = s
        .contact(json!({"first_name": "Milton", "last_name": "Waddams"}))
        .await;
    for n in 0..3 {
        s.app
            .helpdesk()
            .create_ticket(
                &s.admin,
                &input(json!({"subject": format!("Stapler {n}"), "contact_id": asker.id})),
            )
            .await
            .unwrap();
    }
    for n in 0..4 {
        s.contact(json!({"first_name": "Person", "last_name": format!("Name{n:02}")}))
            .await;
    }
    let browser = s.browser().await;
    browser.resize(1366, 900).await;
    browser.goto(&format!("{}/tickets", s.base)).await;
    browser.log_in("admin@example.com", PASSWORD).await;
    browser.wait_for_text("h1", "3 tickets").await;
    browser.click("input[data-select-all=ticket_ids]").await;
    let ticked = browser
        .execute("return document.querySelectorAll('input[name=ticket_ids]:checked').length;")
        .await;
    assert_eq!(ticked, 3);
    let agent = s.ids[1].to_string();
    browser
        .click(&format!("#bulk-assignee option[value='{agent}']"))
        .await;
    browser.click("form.bulk-form button[type=submit]").await;
    browser.wait_for_text("h1", "Tickets").await;
    browser.wait_for_text("table.tickets", "Normal agent").await;
    let assigned = browser
        .execute("return Array.from(document.querySelectorAll('table.tickets tbody tr')).filter(r => r.cells[7].textContent === 'agent').length;")
        .await;
    assert_eq!(assigned, 3);

    // Five contacts, two per page: forward to the last page and back.
    browser.goto(&format!("{}/contacts?limit=2", s.base)).await;
    browser.wait_for_text("h1 .count", "5 contacts").await;
    browser.click("a[rel=next]").await;
    browser.click("a[rel=next]").await;
    browser.wait_for_text("table", "Waddams").await;
    browser.click("a[rel=prev]").await;
    browser.wait_for_text("table", "Name02").await;
    browser.resize(390, 844).await;
    assert!(!browser.overflows_sideways().await, "the list fits a phone");
    browser.quit().await;
}
