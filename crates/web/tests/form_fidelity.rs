//! No silent change to what a person typed: each back-office form is sent
//! the way a browser sends it, with values at the edges (the longest text a
//! field takes, letters beyond ASCII, quotes and markup, a leap day, the
//! smallest amount, Georgia's country code), and the record is read back
//! through the API, field by field. On SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    browser_client, get_page, hidden_value, on_both_backends, post_form, postgres, sqlite,
    submit_login, Story, TestApp, PASSWORD,
};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::Value;

support::fixture! { Forms {
    token: String,
    browser: reqwest::Client,
} }

impl Story for Forms {
    async fn start(t: TestApp) -> Forms {
        let tenant = t.tenant("Grenzwert GmbH").await;
        let admin = t
            .user_named(
                tenant,
                "admin@grenz.example",
                "Ada Admin",
                Role::Administrator,
            )
            .await;
        let token = t.token_for(&admin).await;
        let browser = browser_client(None);
        let fields = [("email", "admin@grenz.example"), ("password", PASSWORD)];
        let signed_in = submit_login(&browser, &t.base, "/login", &fields).await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        Forms { t, token, browser }
    }
}

impl Forms {
    /// Sends the form on `page` to `action` with `fields`, as a browser
    /// does (with the page's token), and returns the saved record's id from
    /// where the answer leads.
    async fn save(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> i64 {
        let (status, form) = get_page(&self.browser, &self.url(page)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let token = hidden_value(&form, "_csrf");
        let mut sent = vec![("_csrf", token.as_str())];
        sent.extend_from_slice(fields);
        let (status, location, body) = post_form(&self.browser, &self.url(action), &sent).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}: {body}");
        location
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("{action} led to {location}"))
    }

    async fn record(&self, path: &str) -> Value {
        let (status, record) = self.get_as(&self.token, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {record}");
        record
    }
}

/// The longest text a single-line field takes (`chars` characters), with
/// letters, marks and a symbol beyond ASCII.
fn longest(chars: usize) -> String {
    let unit = "Ünïcödé Ærø Łódź ✓ ";
    let text: String = unit.chars().cycle().take(chars - 1).collect();
    format!("{text}Z")
}

on_both_backends!(what_was_typed_is_what_is_kept);

async fn what_was_typed_is_what_is_kept(forms: Forms) {
    let name = longest(200);
    // Names of people take 100 characters.
    let last_name = longest(100);
    let organisation = forms
        .save(
            "/organisations/new",
            "/organisations",
            &[
                ("name", name.as_str()),
                ("website", "https://www.grenz.example/ä?x=1&y=\"2\""),
                ("account_number", "K-000123"),
                ("phone", "+995 32 2 00 00 00"),
                (
                    "billing_address.street",
                    "Rustaveli Ave. 12 <b>\"Tbilisi\"</b> & Co.",
                ),
                ("billing_address.postcode", "0108"),
                ("billing_address.city", "Tbilisi"),
                ("billing_address.country", "GE"),
            ],
        )
        .await;
    let saved = forms
        .record(&format!("/organisations/{organisation}"))
        .await;
    assert_eq!(saved["name"], name.as_str());
    assert_eq!(saved["website"], "https://www.grenz.example/ä?x=1&y=\"2\"");
    assert_eq!(saved["account_number"], "K-000123");
    assert_eq!(saved["phone"], "+995 32 2 00 00 00");
    assert_eq!(
        saved["billing_address"]["street"],
        "Rustaveli Ave. 12 <b>\"Tbilisi\"</b> & Co."
    );
    assert_eq!(
        saved["billing_address"]["postcode"], "0108",
        "a leading zero stays"
    );
    assert_eq!(
        saved["billing_address"]["country"], "GE",
        "Georgia, not Germany"
    );

    let org = organisation.to_string();
    let contact = forms
        .save(
            "/contacts/new",
            "/contacts",
            &[
                ("first_name", "Siobhán O'Neil-Ñúñez"),
                ("last_name", last_name.as_str()),
                ("position", "Head of \"Quality\" 🧪"),
                ("organisation_id", org.as_str()),
                (
                    "emails",
                    "siobhan@grenz.example\nsiobhan.o'neil+orders@grenz.example",
                ),
                ("phones", "+353 1 234 5678\n(030) 1234-56"),
                ("work_address.street", "Straße des 17. Juni 135"),
                ("work_address.postcode", "10623"),
                ("work_address.city", "Berlin"),
                ("work_address.country", "DE"),
            ],
        )
        .await;
    let saved = forms.record(&format!("/contacts/{contact}")).await;
    assert_eq!(saved["first_name"], "Siobhán O'Neil-Ñúñez");
    assert_eq!(saved["last_name"], last_name.as_str());
    assert_eq!(saved["position"], "Head of \"Quality\" 🧪");
    assert_eq!(saved["organisation_id"], organisation);
    assert_eq!(
        saved["emails"],
        serde_json::json!([
            "siobhan@grenz.example",
            "siobhan.o'neil+orders@grenz.example"
        ])
    );
    assert_eq!(
        saved["phones"],
        serde_json::json!(["+353 1 234 5678", "(030) 1234-56"])
    );
    assert_eq!(saved["work_address"]["street"], "Straße des 17. Juni 135");

    let agreement = forms
        .save(
            "/agreements/new",
            "/agreements",
            &[
                ("title", name.as_str()),
                ("organisation_id", org.as_str()),
                ("start_date", "2024-02-29"),
                ("end_date", "2028-02-29"),
                ("value", "0.01"),
                ("currency", "EUR"),
                ("status", "active"),
            ],
        )
        .await;
    let saved = forms.record(&format!("/agreements/{agreement}")).await;
    assert_eq!(saved["title"], name.as_str());
    assert_eq!(saved["start_date"], "2024-02-29", "a leap day");
    assert_eq!(saved["end_date"], "2028-02-29");
    assert_eq!(saved["value"], "0.01", "the smallest amount");

    let description = "First line.\n\n  Indented second paragraph, with <script>alert(1)</script>.\nLast line — done.";
    let person = contact.to_string();
    let ticket = forms
        .save(
            "/tickets/new",
            "/tickets",
            &[
                ("subject", name.as_str()),
                ("description", description),
                ("contact_id", person.as_str()),
                ("priority", "urgent"),
                ("status", "new"),
            ],
        )
        .await;
    let saved = forms.record(&format!("/tickets/{ticket}")).await;
    assert_eq!(saved["subject"], name.as_str());
    assert_eq!(
        saved["description"], description,
        "line breaks and text as typed"
    );
    assert_eq!(saved["priority"], "urgent");

    let serial = "SN 0001/ä-Ω";
    let asset = forms
        .save(
            "/assets/new",
            "/assets",
            &[
                ("product_name", name.as_str()),
                ("serial_number", serial),
                ("contact_id", person.as_str()),
            ],
        )
        .await;
    let saved = forms.record(&format!("/assets/{asset}")).await;
    assert_eq!(saved["product_name"], name.as_str());
    assert_eq!(saved["serial_number"], serial);
    assert_eq!(saved["contact_id"], contact);
}
