//! Lists over real HTTP: each says how many records it holds, goes to the
//! next page and back, keeps the page size and filters chosen, and
//! downloads as CSV for those who may export, masked as the page is and
//! recorded in the audit trail. On SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    browser_client, get_page, on_both_backends, postgres, sqlite, submit_login, Story, TestApp,
    PASSWORD,
};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { Lists {
    admin_token: String,
} }

/// Liste KG: seven contacts Name00 … Name06 with work emails, an
/// administrator, a salesperson, a support agent and an exporter who sees
/// names but not contact details.
impl Story for Lists {
    async fn start(t: TestApp) -> Lists {
        let tenant = t.tenant("Liste KG").await;
        let admin = t
            .user_named(
                tenant,
                "admin@liste.example",
                "Ada Admin",
                Role::Administrator,
            )
            .await;
        t.user_named(tenant, "sales@liste.example", "Sol Sales", Role::Sales)
            .await;
        t.user_named(tenant, "agent@liste.example", "Sam Support", Role::Support)
            .await;
        let admin_token = t.token_for(&admin).await;
        for i in 0..7 {
            let (status, answer) = t
                .post_as(
                    &admin_token,
                    "/contacts",
                    json!({"first_name": "Person", "last_name": format!("Name{i:02}"), "emails": [format!("p{i}@liste.example")]}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
        }
        let (status, answer) = t
            .post_as(
                &admin_token,
                "/roles",
                json!({"name": "exporter", "label": "Exporter", "permissions": {"organisations_and_contacts": ["read", "export"]}, "categories": ["identifier"], "record_scope": "all"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let exporter = t
            .user_named(tenant, "export@liste.example", "Eli Export", Role::ReadOnly)
            .await;
        let (status, answer) = t
            .put_as(
                &admin_token,
                &format!("/users/{}/roles", exporter.id),
                json!({"roles": ["exporter"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        Lists { t, admin_token }
    }
}

impl Lists {
    async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = browser_client(None);
        let fields = [("email", email), ("password", PASSWORD)];
        let answer = submit_login(&client, &self.base, "/login", &fields).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        client
    }
}

/// The href of the link with `rel` on `page`, unescaped.
fn rel_href(page: &str, rel: &str) -> Option<String> {
    let marker = format!("\" rel=\"{rel}\">");
    let end = page.find(&marker)?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(
        page[start..end]
            .replace("&amp;", "&")
            .replace("&#38;", "&")
            .replace("&#43;", "+"),
    )
}

/// The last names a contact list page shows, in order.
fn names(page: &str) -> Vec<String> {
    page.match_indices(", Person</a>")
        .map(|(end, _)| {
            let start = page[..end].rfind('>').unwrap() + 1;
            page[start..end].to_string()
        })
        .collect()
}

on_both_backends!(a_list_counts_and_pages_back_and_forth_at_the_size_chosen);
on_both_backends!(the_api_counts_and_pages_back_when_asked);
on_both_backends!(a_list_downloads_as_csv_masked_and_audited);

async fn a_list_counts_and_pages_back_and_forth_at_the_size_chosen(lists: Lists) {
    let admin = lists.signed_in("admin@liste.example").await;
    let (status, first) = get_page(&admin, &lists.url("/contacts?limit=3")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        first.contains("<small class=\"count\">7 contacts</small>"),
        "{first}"
    );
    assert_eq!(names(&first), ["Name00", "Name01", "Name02"]);
    assert!(
        rel_href(&first, "prev").is_none(),
        "the first page has none before"
    );
    assert!(
        first.contains("<option value=\"3\" selected>3</option>"),
        "the size chosen is offered: {first}"
    );

    let next = rel_href(&first, "next").expect("a next page");
    assert!(next.contains("limit=3"), "{next}");
    let (_, second) = get_page(&admin, &lists.url(&next)).await;
    assert_eq!(names(&second), ["Name03", "Name04", "Name05"], "{second}");
    assert!(second.contains(">First page</a>"), "{second}");
    let (_, third) = get_page(&admin, &lists.url(&rel_href(&second, "next").unwrap())).await;
    assert_eq!(names(&third), ["Name06"]);
    assert!(rel_href(&third, "next").is_none());
    let (_, back) = get_page(&admin, &lists.url(&rel_href(&third, "prev").unwrap())).await;
    assert_eq!(names(&back), names(&second));
    let (_, front) = get_page(&admin, &lists.url(&rel_href(&back, "prev").unwrap())).await;
    assert_eq!(names(&front), names(&first));
    assert!(rel_href(&front, "prev").is_none(), "back at the start");

    // A filter narrows the count and is kept by the page-size form.
    let (_, filtered) = get_page(&admin, &lists.url("/contacts?q=Name06")).await;
    assert!(
        filtered.contains("<small class=\"count\">1 contact</small>"),
        "{filtered}"
    );
    assert!(
        filtered.contains("<input type=\"hidden\" name=\"q\" value=\"Name06\">"),
        "{filtered}"
    );
    // A size the list does not take is refused, not silently changed.
    let (status, _) = get_page(&admin, &lists.url("/contacts?limit=5000")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn the_api_counts_and_pages_back_when_asked(lists: Lists) {
    let token = &lists.admin_token;
    let (status, first) = lists.get_as(token, "/contacts?limit=3&count=true").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["total"], json!({"at_least": 7, "more": false}));
    assert!(first.get("previous_cursor").is_none(), "{first}");
    let (_, uncounted) = lists.get_as(token, "/contacts?limit=3").await;
    assert!(uncounted.get("total").is_none(), "counted only when asked");

    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = lists
        .get_as(token, &format!("/contacts?limit=3&cursor={cursor}"))
        .await;
    let back = second["previous_cursor"].as_str().expect("a page before");
    let (_, again) = lists
        .get_as(token, &format!("/contacts?limit=3&cursor={back}"))
        .await;
    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&again), ids(&first));
    let forward = again["next_cursor"].as_str().expect("a page after");
    let (_, second_again) = lists
        .get_as(token, &format!("/contacts?limit=3&cursor={forward}"))
        .await;
    assert_eq!(ids(&second_again), ids(&second));
}

async fn a_list_downloads_as_csv_masked_and_audited(lists: Lists) {
    let sales = lists.signed_in("sales@liste.example").await;
    let (_, page) = get_page(&sales, &lists.url("/contacts?q=Name0")).await;
    assert!(
        page.contains("href=\"/contacts.csv?q=Name0\" download>Download CSV</a>"),
        "{page}"
    );
    let response = sales
        .get(lists.url("/contacts.csv?q=Name0"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"contacts.csv\""
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Name,Position,Organisation,Email,Phone");
    assert_eq!(lines.len(), 8, "a header and every contact: {csv}");
    assert_eq!(lines[1], "\"Name00, Person\",,,p0@liste.example,");

    // The exporter sees names but not contact details: the download hides
    // them as the page does.
    let exporter = lists.signed_in("export@liste.example").await;
    let masked = exporter
        .get(lists.url("/contacts.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(masked.contains("Name03"), "{masked}");
    assert!(!masked.contains("@liste.example"), "{masked}");

    // Support reads contacts but may not export them.
    let agent = lists.signed_in("agent@liste.example").await;
    let (_, page) = get_page(&agent, &lists.url("/contacts")).await;
    assert!(!page.contains("Download CSV"), "{page}");
    let refused = agent.get(lists.url("/contacts.csv")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Each download is on the trail as an export of the records it held.
    lists.app.audit().flush_audit().await;
    let (_, trail) = lists
        .get_as(
            &lists.admin_token,
            "/audit?action=export&record_type=contact",
        )
        .await;
    let exports = trail["items"].as_array().unwrap();
    assert!(!exports.is_empty(), "{trail}");
    let shown: Vec<&str> = exports
        .iter()
        .map(|e| e["actor_name"].as_str().unwrap_or_default())
        .collect();
    assert!(shown.contains(&"Sol Sales"), "{shown:?}");
    assert!(shown.contains(&"Eli Export"), "{shown:?}");
}

on_both_backends!(tickets_change_in_bulk_from_the_queue_and_the_api);

async fn tickets_change_in_bulk_from_the_queue_and_the_api(lists: Lists) {
    let token = &lists.admin_token;
    let (_, contacts) = lists.get_as(token, "/contacts?limit=1").await;
    let contact = contacts["items"][0]["id"].as_i64().unwrap();
    let mut tickets = Vec::new();
    for subject in ["Printer jams", "Login fails", "Invoice wrong"] {
        let (status, ticket) = lists
            .post_as(
                token,
                "/tickets",
                json!({"subject": subject, "contact_id": contact}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        tickets.push(ticket["id"].as_i64().unwrap());
    }
    let (_, users) = lists.get_as(token, "/users").await;
    let agent = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "agent@liste.example")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // In the queue: tick two, give them to the agent and close them.
    let admin = lists.signed_in("admin@liste.example").await;
    let (_, queue) = get_page(&admin, &lists.url("/tickets")).await;
    assert!(queue.contains("form id=\"bulk\""), "{queue}");
    assert!(
        queue.contains(&format!("name=\"ticket_ids\" value=\"{}\"", tickets[0])),
        "{queue}"
    );
    let csrf = support::hidden_value(&queue, "_csrf");
    let agent_id = agent.to_string();
    let (first, second) = (tickets[0].to_string(), tickets[1].to_string());
    let (status, location, _) = support::post_form(
        &admin,
        &lists.url("/tickets/bulk"),
        &[
            ("_csrf", csrf.as_str()),
            ("back", "/tickets?status=all"),
            ("ticket_ids", first.as_str()),
            ("ticket_ids", second.as_str()),
            ("assignee_id", agent_id.as_str()),
            ("status", "closed"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/tickets?status=all");
    for (id, closed) in [(tickets[0], true), (tickets[1], true), (tickets[2], false)] {
        let (_, ticket) = lists.get_as(token, &format!("/tickets/{id}")).await;
        assert_eq!(ticket["status"] == "closed", closed, "{ticket}");
        assert_eq!(
            ticket["assignee_id"].as_i64() == Some(agent),
            closed,
            "{ticket}"
        );
    }

    // Nothing ticked: the queue says so, and nothing changes.
    let (status, _, page) = support::post_form(
        &admin,
        &lists.url("/tickets/bulk"),
        &[("_csrf", csrf.as_str()), ("status", "open")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tick the tickets to change."), "{page}");

    // Through the API: a ticket that does not exist is named, the others change.
    let (status, outcome) = lists
        .post_as(
            token,
            "/tickets/bulk",
            json!({"ticket_ids": [tickets[2], 4_242_424_242_i64], "assignee_id": 0, "status": "pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["changed"], json!([tickets[2]]));
    assert_eq!(outcome["refused"][0]["code"], "not_found");
    assert!(outcome["refused"][0]["number"].is_null());
    let (_, third) = lists
        .get_as(token, &format!("/tickets/{}", tickets[2]))
        .await;
    assert_eq!(third["status"], "pending");
}
