//! Record pickers and record names over real HTTP: a picker finds records
//! of its type within the reader's reach (the page's JSON and the API's
//! search), the forms mark their linking fields as pickers, and the audit
//! trail and the legal holds name records to those who may see the names,
//! recording those reads. On SQLite and (with CUSTODIAN_TEST_POSTGRES_URL)
//! on PostgreSQL.

mod support;
use support::{
    browser_client, get_page, input, items, on_both_backends, postgres, sqlite, submit_login,
    Story, TestApp, PASSWORD,
};

use custodian_app::Principal;
use custodian_core::access::Role;
use custodian_core::audit::AuditAction;
use custodian_core::time::{CalendarDate, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { Pickers {
    admin: Principal,
    admin_token: String,
    /// Initech (Ann's) and Initrode (Ben's).
    initech: i64,
    initrode: i64,
    /// Peter Gibbons, Ann's contact at Initech.
    peter: i64,
} }

/// Pick AG: an administrator, a data protection officer and two
/// salespeople who each reach only their own records.
impl Story for Pickers {
    async fn start(t: TestApp) -> Pickers {
        let tenant = t.tenant("Pick AG").await;
        let admin_user = t
            .user_named(
                tenant,
                "admin@pick.example",
                "Ada Admin",
                Role::Administrator,
            )
            .await;
        let ann = t
            .user_named(tenant, "ann@pick.example", "Ann Sales", Role::Sales)
            .await;
        let ben = t
            .user_named(tenant, "ben@pick.example", "Ben Sales", Role::Sales)
            .await;
        t.user_named(
            tenant,
            "dpo@pick.example",
            "Dora Privacy",
            Role::DataProtectionOfficer,
        )
        .await;
        let admin_token = t.token_for(&admin_user).await;
        let (status, settings) = t
            .put_as(
                &admin_token,
                "/settings/access",
                json!({"sales_record_scope": "own", "support_record_scope": "all", "sensitive_categories": []}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{settings}");
        let admin = t.principal("admin@pick.example", "192.0.2.1", None).await;
        let app = &t.app;
        let initech = app
            .create_organisation(
                &admin,
                &input(json!({"name": "Initech", "owner_id": ann.id})),
            )
            .await
            .unwrap();
        let initrode = app
            .create_organisation(
                &admin,
                &input(json!({"name": "Initrode", "owner_id": ben.id})),
            )
            .await
            .unwrap();
        let peter = app
            .create_contact(
                &admin,
                &input(json!({"first_name": "Peter", "last_name": "Gibbons", "owner_id": ann.id, "organisation_id": initech.id})),
            )
            .await
            .unwrap();
        Pickers {
            t,
            admin,
            admin_token,
            initech: initech.id.0,
            initrode: initrode.id.0,
            peter: peter.id.0,
        }
    }
}

impl Pickers {
    /// A browser session of the user signed in with `email`.
    async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = browser_client(None);
        let fields = [("email", email), ("password", PASSWORD)];
        let signed_in = submit_login(&client, &self.base, "/login", &fields).await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        client
    }

    /// What a picker offers `client` for `typed`, as (id, label).
    async fn picks(&self, client: &reqwest::Client, kind: &str, typed: &str) -> Vec<(i64, String)> {
        let response = client
            .get(self.url(&format!("/search/pick?type={kind}&q={typed}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let choices: Value = response.json().await.unwrap();
        choices
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().parse().unwrap(),
                    c["label"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

on_both_backends!(a_picker_finds_records_of_its_type_within_reach);
on_both_backends!(forms_offer_pickers_where_they_link_records);
on_both_backends!(the_audit_trail_names_records_to_those_who_may_see_them);
on_both_backends!(legal_holds_name_what_they_hold);

async fn a_picker_finds_records_of_its_type_within_reach(p: Pickers) {
    let admin = p.signed_in("admin@pick.example").await;
    let organisations = p.picks(&admin, "organisation", "initr").await;
    assert_eq!(organisations, vec![(p.initrode, "Initrode".to_string())]);
    let both = p.picks(&admin, "organisation", "ini").await;
    assert_eq!(both.len(), 2, "{both:?}");
    let contacts = p.picks(&admin, "contact", "gibb").await;
    assert_eq!(contacts, vec![(p.peter, "Peter Gibbons".to_string())]);
    assert!(
        p.picks(&admin, "contact", "initech").await.is_empty(),
        "a contact picker offers no organisations"
    );

    // Ann reaches only her own records: Initech, not Ben's Initrode.
    let ann = p.signed_in("ann@pick.example").await;
    assert_eq!(
        p.picks(&ann, "organisation", "ini").await,
        vec![(p.initech, "Initech".to_string())]
    );
    let ben = p.signed_in("ben@pick.example").await;
    assert!(p.picks(&ben, "contact", "peter").await.is_empty());

    // A kind that is not pickable is refused with a page, not an empty list.
    let response = admin
        .get(p.url("/search/pick?type=ticket&q=ini"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Without the right to read records there is nothing to pick.
    let dpo = p.signed_in("dpo@pick.example").await;
    let response = dpo
        .get(p.url("/search/pick?type=contact&q=peter"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The API's search takes the same type.
    let (status, hits) = p
        .get_as(&p.admin_token, "/search?q=ini&type=organisation")
        .await;
    assert_eq!(status, StatusCode::OK, "{hits}");
    let types: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["record_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["organisation", "organisation"]);
    let (status, problem) = p.get_as(&p.admin_token, "/search?q=ini&type=ticket").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // What a picker showed is on the audit trail, as the search box's is.
    p.app.audit().flush_audit().await;
    let (_, trail) = p
        .get_as(
            &p.admin_token,
            &format!("/audit?record_type=contact&record_id={}", p.peter),
        )
        .await;
    assert!(
        items(&trail)
            .iter()
            .any(|e| e["action"] == AuditAction::List.as_str()),
        "{trail}"
    );
}

async fn forms_offer_pickers_where_they_link_records(p: Pickers) {
    let admin = p.signed_in("admin@pick.example").await;
    for (path, field, kind) in [
        ("/contacts/new", "organisation_id", "organisation"),
        ("/assets/new", "organisation_id", "organisation"),
        ("/assets/new", "contact_id", "contact"),
        ("/agreements/new", "organisation_id", "organisation"),
        ("/tickets/new", "contact_id", "contact"),
        ("/tickets/new", "organisation_id", "organisation"),
    ] {
        let (status, page) = get_page(&admin, &p.url(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let select = format!("<select id=\"{field}\" name=\"{field}\" data-pick=\"{kind}\">");
        assert!(page.contains(&select), "{path} has {select}: {page}");
    }
    // The request log's contact is a record number input with a picker,
    // named when the form starts from a contact.
    let (_, requests) = get_page(
        &admin,
        &p.url(&format!("/privacy/requests?contact_id={}", p.peter)),
    )
    .await;
    assert!(
        requests.contains("data-pick=\"contact\" data-pick-label=\"Peter Gibbons\""),
        "{requests}"
    );
    let (_, holds) = get_page(&admin, &p.url("/privacy/retention/holds")).await;
    assert!(holds.contains("data-pick-from=\"target\""), "{holds}");
    // A data protection officer does not read the CRM, so there is nothing
    // to pick from: the same fields take a record number.
    let dpo = p.signed_in("dpo@pick.example").await;
    for path in ["/privacy/requests", "/privacy/retention/holds", "/audit"] {
        let (status, page) = get_page(&dpo, &p.url(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("data-pick"), "{path}: {page}");
    }
}

async fn the_audit_trail_names_records_to_those_who_may_see_them(p: Pickers) {
    p.app
        .contact(&p.admin, custodian_core::ContactId(p.peter))
        .await
        .unwrap();
    let path = format!("/audit?record_type=contact&record_id={}", p.peter);
    let admin = p.signed_in("admin@pick.example").await;
    let (status, page) = get_page(&admin, &p.url(&path)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Peter Gibbons (contact)"), "{page}");
    assert!(
        page.contains("data-pick-label=\"Peter Gibbons\""),
        "the filter names its record: {page}"
    );
    assert!(
        page.contains("<option value=\"") && page.contains(">Ada Admin</option>"),
        "the user filter lists staff by name: {page}"
    );
    // Naming Peter on the trail is itself a read of his name, on the trail.
    let (_, again) = get_page(&admin, &p.url(&path)).await;
    assert!(
        again.contains("Peter Gibbons (contact) (in a list)"),
        "{again}"
    );

    // The data protection officer reads the trail but not the CRM's
    // records: the contact stays a number.
    let dpo = p.signed_in("dpo@pick.example").await;
    let (status, page) = get_page(&dpo, &p.url(&path)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Peter Gibbons"), "{page}");
    assert!(page.contains(&format!("contact {}", p.peter)), "{page}");
}

async fn legal_holds_name_what_they_hold(p: Pickers) {
    let review_on = CalendarDate::of(Timestamp::now()).plus_days(30).to_iso();
    p.app
        .retention()
        .place_legal_hold(
            &p.admin,
            &input(json!({"target": "contact", "target_id": p.peter, "reason": "Claim 7/2026", "review_on": review_on})),
        )
        .await
        .unwrap();
    let admin = p.signed_in("admin@pick.example").await;
    let (_, holds) = get_page(&admin, &p.url("/privacy/retention/holds")).await;
    assert!(holds.contains("Peter Gibbons (contact)"), "{holds}");
    let dpo = p.signed_in("dpo@pick.example").await;
    let (_, holds) = get_page(&dpo, &p.url("/privacy/retention/holds")).await;
    assert!(!holds.contains("Peter Gibbons"), "{holds}");
    assert!(
        holds.contains(&format!("Contact (the data subject) #{}", p.peter)),
        "{holds}"
    );
}
