//! The home dashboard and the menus over real HTTP: each role sees the
//! parts and menus it may read and nothing else, the counts and charts
//! follow the records, what it lists is on the audit trail, and an unknown
//! address answers a 404 page with the menus. On SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    browser_client, get_page, hidden_value, input, items, on_both_backends, post_form, postgres,
    sqlite, submit_login, Story, TestApp, PASSWORD,
};

use custodian_app::Principal;
use custodian_core::access::Role;
use custodian_core::time::{CalendarDate, Timestamp};
use reqwest::StatusCode;
use serde_json::json;

support::fixture! { Desk {
    admin: Principal,
    agent: Principal,
    admin_token: String,
    /// The subject line of the ticket assigned to the agent.
    agent_ticket: String,
} }

const DAY_MS: i64 = 86_400_000;

/// Dash GmbH: an administrator, a support agent, a salesperson and a data
/// protection officer; one ticket for the agent and one for nobody, a
/// request, an agreement ending in 30 days and a call note.
impl Story for Desk {
    async fn start(t: TestApp) -> Desk {
        let tenant = t.tenant("Dash GmbH").await;
        let admin_user = t
            .user_named(
                tenant,
                "admin@dash.example",
                "Ada Admin",
                Role::Administrator,
            )
            .await;
        t.user_named(tenant, "agent@dash.example", "Sam Support", Role::Support)
            .await;
        t.user_named(tenant, "seller@dash.example", "Sol Sales", Role::Sales)
            .await;
        t.user_named(
            tenant,
            "dpo@dash.example",
            "Dora Privacy",
            Role::DataProtectionOfficer,
        )
        .await;
        let admin = t.principal("admin@dash.example", "192.0.2.1", None).await;
        let agent = t.principal("agent@dash.example", "192.0.2.2", None).await;
        let admin_token = t.token_for(&admin_user).await;
        let app = &t.app;
        let org = app
            .create_organisation(&admin, &input(json!({"name": "Initech"})))
            .await
            .unwrap();
        let contact = app
            .create_contact(
                &admin,
                &input(json!({"first_name": "Peter", "last_name": "Gibbons", "organisation_id": org.id})),
            )
            .await
            .unwrap();
        let agent_ticket = "Printer on fire in the basement".to_string();
        app.helpdesk()
            .create_ticket(
                &admin,
                &input(json!({"subject": agent_ticket, "contact_id": contact.id, "assignee_id": agent.user_id, "priority": "urgent"})),
            )
            .await
            .unwrap();
        app.helpdesk()
            .create_ticket(
                &admin,
                &input(json!({"subject": "TPS report cover sheets", "contact_id": contact.id})),
            )
            .await
            .unwrap();
        app.privacy()
            .log_request(
                &admin,
                &input(json!({"request_type": "access", "channel": "email", "subject_name": "Milton Waddams", "subject_email": "milton@initech.example"})),
            )
            .await
            .unwrap();
        let today = CalendarDate::of(Timestamp::now());
        app.create_agreement(
            &admin,
            &input(json!({"title": "Stapler maintenance", "organisation_id": org.id, "start_date": "2025-01-01", "end_date": today.plus_days(30).to_iso(), "value": "1200.00", "currency": "EUR", "status": "active"})),
        )
        .await
        .unwrap();
        app.create_agreement(
            &admin,
            &input(json!({"title": "Office lease", "organisation_id": org.id, "start_date": "2025-01-01", "end_date": today.plus_days(200).to_iso(), "value": "9000.00", "currency": "EUR", "status": "active"})),
        )
        .await
        .unwrap();
        app.create_activity(
            &admin,
            &input(json!({"kind": "call", "subject": "Asked about the red stapler", "occurred_at": Timestamp::now().to_rfc3339(), "contact_ids": [contact.id]})),
        )
        .await
        .unwrap();
        Desk {
            t,
            admin,
            agent,
            admin_token,
            agent_ticket,
        }
    }
}

impl Desk {
    /// The page at `path` as the user signed in with `email` sees it.
    async fn page_as(&self, email: &str, path: &str) -> (StatusCode, String) {
        let client = browser_client(None);
        let fields = [("email", email), ("password", PASSWORD)];
        let signed_in = submit_login(&client, &self.base, "/login", &fields).await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        get_page(&client, &self.url(path)).await
    }
}

on_both_backends!(each_role_sees_the_parts_and_menus_it_may_read);
on_both_backends!(counts_and_charts_follow_the_records);
on_both_backends!(what_the_dashboard_lists_is_on_the_audit_trail);
on_both_backends!(an_unknown_address_answers_a_page_with_the_menus);
on_both_backends!(the_queue_shows_states_and_due_times_and_an_agent_takes_a_ticket);
on_both_backends!(a_privacy_request_is_logged_from_the_contact_page);
on_both_backends!(the_api_gives_the_parts_a_role_may_read);

#[tokio::test]
async fn styles_and_script_are_small_and_cached_under_their_fingerprint() {
    let server = TestApp::sqlite().await;
    let tenant = server.tenant("Assets GmbH").await;
    server
        .user(tenant, "assets@example.com", Role::Support)
        .await;
    let client = browser_client(None);
    let fields = [("email", "assets@example.com"), ("password", PASSWORD)];
    submit_login(&client, &server.base, "/login", &fields).await;
    let (_, home) = get_page(&client, &server.url("/")).await;
    let mut total = 0;
    for (marker, kind) in [
        ("<link rel=\"stylesheet\" href=\"", "text/css"),
        ("<script src=\"", "text/javascript"),
    ] {
        let start = home
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {home}"))
            + marker.len();
        let href = &home[start..start + home[start..].find('"').unwrap()];
        assert!(
            href.starts_with("/static/app.") && href.len() > "/static/app..css".len() + 8,
            "{href}"
        );
        let response = client.get(server.url(href)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
        assert_eq!(header("content-type"), kind);
        assert!(header("cache-control").contains("immutable"), "{href}");
        total += response.bytes().await.unwrap().len();
        // The plain name still answers, for old links, but is checked each time.
        let plain = if kind == "text/css" {
            "/static/app.css"
        } else {
            "/static/app.js"
        };
        let response = client.get(server.url(plain)).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-cache");
    }
    assert!(
        total < 100 * 1024,
        "a page's own CSS and JavaScript: {total} bytes"
    );
    let response = client
        .get(server.url("/static/other.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn each_role_sees_the_parts_and_menus_it_may_read(desk: Desk) {
    let (status, admin) = desk.page_as("admin@dash.example", "/").await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "My open tickets",
        "Data-subject requests by days left",
        "Agreements ending in 60 days",
        "Recent activity",
        "Tickets opened and resolved per week",
        "Data-subject requests received per month",
        "Stapler maintenance",
        "Asked about the red stapler",
        "Milton Waddams",
        "days left</span>",
    ] {
        assert!(admin.contains(part), "the administrator sees {part:?}");
    }
    assert!(
        !admin.contains("Office lease"),
        "an agreement ending in 200 days is not listed"
    );
    assert!(admin.contains("<summary>Admin</summary>"));
    assert!(admin.contains("<a href=\"/\" aria-current=\"page\">Home</a>"));

    let (_, agent) = desk.page_as("agent@dash.example", "/").await;
    assert!(agent.contains("My open tickets"), "{agent}");
    assert!(agent.contains(&desk.agent_ticket), "{agent}");
    assert!(
        !agent.contains("TPS report cover sheets"),
        "only the agent's own tickets are listed"
    );
    assert!(
        !agent.contains("Milton Waddams"),
        "requests are the privacy area's"
    );
    assert!(!agent.contains("Data-subject requests"), "{agent}");
    assert!(!agent.contains("<summary>Admin</summary>"));
    assert!(!agent.contains("<summary>Privacy</summary>"));
    assert!(agent.contains("<summary>Helpdesk</summary>"));

    let (_, dpo) = desk.page_as("dpo@dash.example", "/").await;
    assert!(dpo.contains("Milton Waddams"), "{dpo}");
    assert!(dpo.contains("<summary>Privacy</summary>"));
    assert!(!dpo.contains(&desk.agent_ticket), "{dpo}");
    assert!(!dpo.contains("Stapler maintenance"), "{dpo}");

    let (_, seller) = desk.page_as("seller@dash.example", "/").await;
    assert!(seller.contains("Stapler maintenance"), "{seller}");
    assert!(!seller.contains("Milton Waddams"), "{seller}");
    assert!(
        !seller.contains(&desk.agent_ticket),
        "my tickets are mine: {seller}"
    );
    assert!(!seller.contains("<summary>Admin</summary>"));

    // The menu marks the page it leads to, and its menu.
    let (_, tickets) = desk.page_as("agent@dash.example", "/tickets").await;
    assert!(
        tickets.contains("<details class=\"menu current\">\n      <summary>Helpdesk</summary>"),
        "{tickets}"
    );
    assert!(tickets.contains("<a href=\"/tickets\" aria-current=\"page\">Tickets</a>"));
    let (_, levels) = desk
        .page_as("agent@dash.example", "/tickets/service-levels")
        .await;
    assert!(levels.contains("<a href=\"/tickets/service-levels\" aria-current=\"page\">"));
    assert!(!levels.contains("<a href=\"/tickets\" aria-current=\"page\">"));
}

async fn counts_and_charts_follow_the_records(desk: Desk) {
    let now = Timestamp::now();
    let dashboard = desk.app.dashboard_at(&desk.agent, now).await.unwrap();
    let helpdesk = dashboard.helpdesk.expect("an agent sees the helpdesk");
    assert_eq!(helpdesk.totals.open, 2);
    assert_eq!(helpdesk.totals.mine, 1);
    assert_eq!(helpdesk.totals.unassigned, 1);
    assert_eq!(helpdesk.totals.mine_overdue, 0);
    assert_eq!(helpdesk.totals.first_response_breached, 0);
    assert_eq!(helpdesk.weeks.len(), 8);
    assert_eq!(helpdesk.weeks[7].opened, 2);
    assert_eq!(helpdesk.weeks[7].resolved, 0);
    assert_eq!(helpdesk.weeks[..7].iter().map(|w| w.opened).sum::<u64>(), 0);
    assert!(
        dashboard.privacy.is_none(),
        "the agent reads no privacy registers"
    );

    // A month on, both tickets broke their service levels.
    let later = Timestamp(now.0 + 30 * DAY_MS);
    let dashboard = desk.app.dashboard_at(&desk.agent, later).await.unwrap();
    let totals = dashboard.helpdesk.unwrap().totals;
    assert_eq!(totals.first_response_breached, 2);
    assert_eq!(totals.resolution_breached, 2);
    assert_eq!(totals.mine_overdue, 1);

    // The agent answers and solves theirs: one resolved this week, with a
    // first answer, and it leaves the open counts.
    let (_, page) = desk
        .get_as(
            &desk.admin_token,
            &format!("/tickets?status=active&assignee_id={}", desk.agent.user_id),
        )
        .await;
    let first = &items(&page)[0];
    desk.app
        .helpdesk()
        .add_ticket_message(
            &desk.agent,
            serde_json::from_value(first["id"].clone()).unwrap(),
            &input(json!({"body": "Extinguished.", "status": "resolved"})),
        )
        .await
        .unwrap();
    let dashboard = desk.app.dashboard_at(&desk.agent, now).await.unwrap();
    let helpdesk = dashboard.helpdesk.unwrap();
    assert_eq!(helpdesk.totals.open, 1);
    assert_eq!(helpdesk.totals.mine, 0);
    assert_eq!(helpdesk.weeks[7].resolved, 1);
    assert_eq!(helpdesk.weeks[7].answered, 1);
    assert!(helpdesk.weeks[7].mean_first_response_minutes.is_some());
    assert!(helpdesk.my_tickets.is_empty());

    let dashboard = desk.app.dashboard_at(&desk.admin, now).await.unwrap();
    let privacy = dashboard
        .privacy
        .expect("an administrator reads the registers");
    assert_eq!(privacy.open_request_count, 1);
    assert_eq!(privacy.overdue_request_count, 0);
    assert_eq!(privacy.months.len(), 6);
    assert_eq!(privacy.months[5].received, 1);
    let ending = dashboard.agreements_ending.unwrap();
    assert_eq!(ending.len(), 1);
    assert_eq!(ending[0].title, "Stapler maintenance");
    // Two months on, the request is overdue and no agreement ends within 60 days of then.
    let dashboard = desk
        .app
        .dashboard_at(&desk.admin, Timestamp(now.0 + 62 * DAY_MS))
        .await
        .unwrap();
    assert_eq!(dashboard.privacy.unwrap().overdue_request_count, 1);
    assert!(dashboard.agreements_ending.unwrap().is_empty());
}

async fn what_the_dashboard_lists_is_on_the_audit_trail(desk: Desk) {
    let (status, _) = desk.page_as("seller@dash.example", "/").await;
    assert_eq!(status, StatusCode::OK);
    desk.app.audit().flush_audit().await;
    let (_, trail) = desk
        .get_as(
            &desk.admin_token,
            "/audit?record_type=agreement&action=list",
        )
        .await;
    assert!(
        items(&trail).iter().any(|e| e["actor_name"] == "Sol Sales"),
        "the seller's look at the agreements ending is on the trail: {trail}"
    );
}

async fn an_unknown_address_answers_a_page_with_the_menus(desk: Desk) {
    let (status, page) = desk.page_as("agent@dash.example", "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("This page does not exist"), "{page}");
    assert!(page.contains("<summary>Helpdesk</summary>"), "{page}");

    let (status, page) = get_page(&browser_client(None), &desk.url("/no/such/page")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("<summary>"), "no menus without a session");
    let (status, _) = desk.get_as(&desk.admin_token, "/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_queue_shows_states_and_due_times_and_an_agent_takes_a_ticket(desk: Desk) {
    let (status, queue) = desk.page_as("agent@dash.example", "/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains("<span class=\"badge status-new\">New</span>"),
        "{queue}"
    );
    assert!(
        queue.contains("<span class=\"badge priority-urgent\">Urgent</span>"),
        "{queue}"
    );
    assert!(
        queue.contains("<th scope=\"col\">First answer</th>"),
        "{queue}"
    );
    assert!(
        queue.contains(">due in "),
        "due times read as words: {queue}"
    );
    assert!(
        queue.contains(" UTC\">due in "),
        "the exact time is the title: {queue}"
    );

    // The unassigned ticket: the agent takes it from its page.
    let (_, page) = desk
        .get_as(&desk.admin_token, "/tickets?status=active&assignee_id=0")
        .await;
    let ticket = &items(&page)[0];
    let id = ticket["id"].as_i64().unwrap();
    let client = browser_client(None);
    let fields = [("email", "agent@dash.example"), ("password", PASSWORD)];
    submit_login(&client, &desk.base, "/login", &fields).await;
    let (_, shown) = get_page(&client, &desk.url(&format!("/tickets/{id}"))).await;
    assert!(shown.contains("Assign to me"), "{shown}");
    assert!(shown.contains("The requester's other tickets"), "{shown}");
    assert!(
        shown.contains(&desk.agent_ticket),
        "Peter's other ticket is beside it: {shown}"
    );
    let csrf = hidden_value(&shown, "_csrf");
    let (status, to, _) = post_form(
        &client,
        &desk.url(&format!("/tickets/{id}/assign-to-me")),
        &[("_csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.ends_with(&format!("/tickets/{id}")), "{to}");
    let (_, taken) = desk
        .get_as(&desk.admin_token, &format!("/tickets/{id}"))
        .await;
    assert_eq!(taken["assignee_id"], desk.agent.user_id.0);
    assert_eq!(taken["subject"], ticket["subject"], "nothing else changed");
    assert_eq!(taken["description"], ticket["description"]);
    assert_eq!(taken["version"], ticket["version"].as_i64().unwrap() + 1);
    let (_, shown) = get_page(&client, &desk.url(&format!("/tickets/{id}"))).await;
    assert!(!shown.contains("Assign to me"), "it is the agent's now");
    desk.app.audit().flush_audit().await;
    let (_, trail) = desk
        .get_as(
            &desk.admin_token,
            &format!("/audit?record_type=ticket&record_id={id}&action=update"),
        )
        .await;
    assert_eq!(
        items(&trail)[0]["fields"],
        serde_json::json!(["assignee_id"]),
        "{trail}"
    );
}

async fn a_privacy_request_is_logged_from_the_contact_page(desk: Desk) {
    let (_, contacts) = desk.get_as(&desk.admin_token, "/contacts?q=Gibbons").await;
    let peter = items(&contacts)[0]["id"].as_i64().unwrap();
    let (_, page) = desk
        .page_as("admin@dash.example", &format!("/contacts/{peter}"))
        .await;
    let link = format!("/privacy/requests?contact_id={peter}#log");
    assert!(
        page.contains(&format!("href=\"{link}\">Log privacy request</a>")),
        "{page}"
    );
    let (status, form) = desk.page_as("admin@dash.example", &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("value=\"Peter Gibbons\""),
        "the subject's name is filled in: {form}"
    );
    assert!(
        form.contains(&format!("value=\"{peter}\"")),
        "and the record: {form}"
    );

    // Support reads the contact but logs no privacy requests: no button.
    let (_, page) = desk
        .page_as("agent@dash.example", &format!("/contacts/{peter}"))
        .await;
    assert!(!page.contains("Log privacy request"), "{page}");

    // Requests go by short numbers, counted per tenant.
    let (_, list) = desk
        .page_as("admin@dash.example", "/privacy/requests")
        .await;
    let start = list.find("<a href=\"/privacy/requests/").unwrap();
    let id: String = list[start + "<a href=\"/privacy/requests/".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(
        list.contains(&format!("<a href=\"/privacy/requests/{id}\">#1</a>")),
        "{list}"
    );
    let (_, request) = desk
        .page_as("admin@dash.example", &format!("/privacy/requests/{id}"))
        .await;
    assert!(
        request.contains("<h1>Access (Art. 15) request #1 of Milton Waddams</h1>"),
        "{request}"
    );
    // Its steps, as far as it got, with the next thing to do first.
    assert!(
        request.contains("<li class=\"done\">Received</li><li class=\"current\" aria-current=\"step\">Identity verified</li><li class=\"\">Records confirmed</li><li class=\"\">Answered</li>"),
        "{request}"
    );
    assert!(
        request.contains("<strong>Next:</strong> Verify the subject&#39;s identity")
            || request.contains("<strong>Next:</strong> Verify the subject&#x27;s identity"),
        "{request}"
    );
}

async fn the_api_gives_the_parts_a_role_may_read(desk: Desk) {
    let (status, all) = desk.get_as(&desk.admin_token, "/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["helpdesk"]["totals"]["open"], 2, "{all}");
    assert_eq!(all["privacy"]["open_request_count"], 1);
    assert_eq!(
        all["privacy"]["open_requests"][0]["subject_name"],
        "Milton Waddams"
    );
    assert_eq!(all["privacy"]["open_requests"][0]["number"], 1);
    assert_eq!(all["agreements_ending"][0]["title"], "Stapler maintenance");
    assert_eq!(all["helpdesk"]["weeks"].as_array().unwrap().len(), 8);

    let tenant = desk.admin.tenant;
    let agent = desk
        .token(tenant, "agent2@dash.example", Role::Support)
        .await;
    let (_, support) = desk.get_as(&agent, "/dashboard").await;
    assert!(support["helpdesk"].is_object(), "{support}");
    assert!(
        support["privacy"].is_null(),
        "support reads no privacy register"
    );
    let dpo = desk
        .token(tenant, "dpo2@dash.example", Role::DataProtectionOfficer)
        .await;
    let (_, privacy) = desk.get_as(&dpo, "/dashboard").await;
    assert!(privacy["helpdesk"].is_null(), "{privacy}");
    assert!(privacy["recent_activities"].is_null());
    assert_eq!(privacy["privacy"]["open_request_count"], 1);
}
