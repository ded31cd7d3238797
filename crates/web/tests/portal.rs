//! The customer portal over HTTP, as a contact person's browser speaks it
//! (cookies, forms, redirects), on SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) PostgreSQL: invited by staff, the person
//! chooses a password, raises a ticket, reads the public reply (never the
//! internal note) and answers; sees their organisation's tickets only with
//! the flag; signs in with a password or a one-time link without the
//! answers telling whether an address has an account; loses access at
//! once when staff end it.

mod support;
use support::{browser_client, find, hidden_value, items, location, on_both_backends, TestApp};
mod exports;

use custodian_app::mail::MailSettings;
use custodian_app::App;
use custodian_core::access::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

support::fixture! { World { tenant: i64, admin: String } }

/// The portal's links point at its public address.
fn with_portal_mail(app: App) -> App {
    app.with_mail(&MailSettings {
        public_url: "https://portal.example.test".into(),
        ..Default::default()
    })
    .unwrap()
}

async fn world(t: TestApp) -> World {
    let (tenant, admin) = t
        .tenant_with_user(
            "Brauhaus Nord",
            "admin@example.com",
            "Ada Admin",
            Role::Administrator,
        )
        .await;
    World {
        tenant: tenant.0,
        admin,
        t,
    }
}

async fn sqlite() -> World {
    world(TestApp::sqlite_with(with_portal_mail).await).await
}

async fn postgres() -> Option<World> {
    Some(world(TestApp::postgres_with(with_portal_mail).await?).await)
}

/// A contact person's browser: cookies kept, redirects not followed.
struct Browser {
    client: Client,
    base: String,
}

struct Answer {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            client: browser_client(None),
            base: base.to_string(),
        }
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let location = location(&response);
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        Answer {
            status,
            location,
            cookies,
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        Self::answer(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Sends a form and keeps the answer's bytes (a download) and headers.
    async fn post_for_file(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        Self::answer(
            self.client
                .post(format!("{}{path}", self.base))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Chooses a password on the page of an invitation or a confirmation
    /// link.
    async fn choose_password(&self, link: &str, password: &str) -> Answer {
        let fields = [("password", password), ("password_again", password)];
        self.submit(link, link, &fields).await
    }

    /// Signs in on the portal's login page.
    async fn log_in(&self, email: &str, password: &str) -> Answer {
        let fields = [("email", email), ("password", password)];
        self.submit("/portal/login", "/portal/login", &fields).await
    }

    /// Sends the registration form at `register`.
    async fn register(&self, register: &str, first: &str, last: &str, email: &str) -> Answer {
        let fields = [("first_name", first), ("last_name", last), ("email", email)];
        self.submit(register, register, &fields).await
    }

    /// Sends the person's details form, at the version it shows now.
    async fn save_details(&self, fields: &[(&str, &str)]) -> Answer {
        let shown = self.get("/portal/details").await;
        let version = hidden_value(&shown.body, "_version");
        let mut form = vec![("_version", version.as_str())];
        form.extend_from_slice(fields);
        self.submit("/portal/details", "/portal/details", &form)
            .await
    }

    /// Loads the page with the form, then sends it with the page's token.
    async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let shown = self.get(page).await;
        assert_eq!(shown.status, StatusCode::OK, "{page}: {}", shown.body);
        let token = hidden_value(&shown.body, "_csrf");
        let mut form = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }
}

impl World {
    /// A call to the API as the tenant's administrator.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.t.call(&self.admin, method, path, body).await
    }

    async fn create(&self, path: &str, body: Value) -> i64 {
        let (status, created) = self.call("POST", path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
        created["id"].as_i64().unwrap()
    }

    /// The path of the newest link written to `recipient` for `purpose`:
    /// what the SMTP server would receive. The outbox's page and API show a
    /// placeholder instead (checked here too); the link is read where the
    /// delivery reads it.
    async fn link_sent(&self, recipient: &str, purpose: &str) -> String {
        // A sign-in link is written after the answer: wait for it a little.
        let mut tries = 0;
        let mail = loop {
            let (_, outbox) = self.call("GET", "/outbox", None).await;
            let found = items(&outbox)
                .iter()
                .find(|m| m["recipient"] == recipient && m["purpose"] == purpose)
                .cloned();
            match found {
                Some(mail) => break mail,
                None if tries < 60 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                None => panic!("no {purpose} to {recipient} in {outbox}"),
            }
        };
        let shown = mail["body"].as_str().unwrap();
        assert!(
            shown.contains(custodian_core::mail::LINK_PLACEHOLDER) && !shown.contains("/portal/"),
            "the outbox shows a live link: {shown}"
        );
        assert!(mail.get("secret_link").is_none());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
        let link: String = sqlx::query_scalar("SELECT secret_link FROM outbox WHERE mail_id = $1")
            .bind(mail["id"].as_i64().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        link.strip_prefix("https://portal.example.test")
            .unwrap()
            .to_string()
    }
}

async fn a_contact_person_uses_the_portal(world: World) {
    let org = world
        .create("/organisations", json!({"name": "Brauhaus Nord"}))
        .await;
    let other_org = world
        .create("/organisations", json!({"name": "Mälzerei Süd"}))
        .await;
    let ida = world
        .create("/contacts", json!({"first_name": "Ida", "last_name": "Kessel", "emails": ["Ida.Kessel@brauhaus.example"], "organisation_id": org}))
        .await;
    let olaf = world
        .create(
            "/contacts",
            json!({"first_name": "Olaf", "last_name": "Brandt", "organisation_id": org}),
        )
        .await;
    let eve = world
        .create("/contacts", json!({"first_name": "Eve", "last_name": "Malz", "emails": ["eve@malz.example"], "organisation_id": other_org}))
        .await;

    // Staff invite; a contact without an email cannot be.
    let (status, refused) = world
        .call("POST", &format!("/contacts/{olaf}/portal-invitation"), None)
        .await;
    assert_eq!(
        (status, refused["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("no_email"))
    );
    let (status, account) = world
        .call("POST", &format!("/contacts/{ida}/portal-invitation"), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    assert_eq!(account["email"], "ida.kessel@brauhaus.example");
    assert_eq!(account["activated_at"], Value::Null);
    let invitation = world
        .link_sent("ida.kessel@brauhaus.example", "portal_invitation")
        .await;
    assert!(
        invitation.starts_with("/portal/invitation/"),
        "{invitation}"
    );

    // Accepting: the passwords must match and be good; the link works once.
    let browser = Browser::new(&world.base);
    let page = browser.get(&invitation).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ida.kessel@brauhaus.example"));
    let refused = browser
        .submit(
            &invitation,
            &invitation,
            &[
                ("password", "a fine long phrase 1"),
                ("password_again", "a fine long phrase 2"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("The two passwords differ"));
    let refused = browser.choose_password(&invitation, "short").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("at least 12 characters"),
        "{}",
        refused.body
    );
    let accepted = browser
        .choose_password(&invitation, "hop harvest at dawn")
        .await;
    assert_eq!(
        (accepted.status, accepted.location.as_str()),
        (StatusCode::SEE_OTHER, "/portal/tickets"),
        "{}",
        accepted.body
    );
    assert!(
        accepted
            .cookies
            .iter()
            .any(|c| c.starts_with("custodian_portal=")
                && c.contains("Path=/portal")
                && c.contains("HttpOnly")),
        "{:?}",
        accepted.cookies
    );
    let again = browser.get(&invitation).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("This link was used already"));

    // Raising a ticket; script in it stays text.
    let raised = browser
        .submit(
            "/portal/tickets/new",
            "/portal/tickets",
            &[
                ("subject", "Keg washer <script>alert(1)</script>"),
                ("description", "It leaks since Monday."),
                ("priority", "high"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let ticket_path = raised.location.clone();
    let ticket: i64 = ticket_path.rsplit('/').next().unwrap().parse().unwrap();
    let page = browser.get(&ticket_path).await;
    assert!(
        page.body.contains("Keg washer &#60;script&#62;")
            || page.body.contains("Keg washer &lt;script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    let (_, staff_view) = world.call("GET", &format!("/tickets/{ticket}"), None).await;
    assert_eq!(
        (
            staff_view["contact_id"].as_i64(),
            staff_view["organisation_id"].as_i64()
        ),
        (Some(ida), Some(org))
    );
    assert_eq!(
        (
            staff_view["status"].as_str(),
            staff_view["priority"].as_str()
        ),
        (Some("new"), Some("high"))
    );
    let refused = browser
        .submit(
            "/portal/tickets/new",
            "/portal/tickets",
            &[("subject", " ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Subject: This field is required."));

    // A file, sent as the page's form sends it; a disguised one is refused.
    let page = browser.get(&ticket_path).await;
    let token = hidden_value(&page.body, "_csrf");
    let upload = |name: &str, content: &[u8]| {
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(format!("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        browser
            .client
            .post(format!("{}{ticket_path}/attachments", browser.base))
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
    };
    let sent = upload("washer.log", b"12:00 valve 2 open\n12:05 pressure low\n")
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let refused = upload("washer.pdf", b"12:00 valve 2 open\n").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("its content is a Text"));
    let page = browser.get(&ticket_path).await;
    assert!(page.body.contains("washer.log"), "{}", page.body);
    let (_, files) = world
        .call("GET", &format!("/tickets/{ticket}/attachments"), None)
        .await;
    assert_eq!(items(&files).len(), 1);
    assert_eq!(files["items"][0]["uploaded_by_contact"].as_i64(), Some(ida));
    let file = browser
        .get(&format!("/portal/attachments/{}", files["items"][0]["id"]))
        .await;
    assert_eq!(file.body, "12:00 valve 2 open\n12:05 pressure low\n");

    // Staff answer and note; the person reads the answer, never the note.
    world
        .create(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": "A technician comes on Tuesday."}),
        )
        .await;
    world
        .create(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": "Customer is on the old contract.", "visibility": "internal"}),
        )
        .await;
    let page = browser.get(&ticket_path).await;
    assert!(page.body.contains("A technician comes on Tuesday."));
    assert!(
        !page.body.contains("old contract"),
        "an internal note reached the portal"
    );
    let answered = browser
        .submit(
            &ticket_path,
            &format!("{ticket_path}/replies"),
            &[("body", "Tuesday suits us.")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let (_, thread) = world
        .call("GET", &format!("/tickets/{ticket}/messages"), None)
        .await;
    let last = items(&thread).last().unwrap().clone();
    assert_eq!(
        (
            last["author_contact_id"].as_i64(),
            last["visibility"].as_str()
        ),
        (Some(ida), Some("public"))
    );
    assert_eq!(last["author_name"], "Ida Kessel");
    // The trail names the person as who raised it.
    let (_, trail) = world
        .call(
            "GET",
            &format!("/audit?record_type=ticket&record_id={ticket}&action=create"),
            None,
        )
        .await;
    assert_eq!(trail["items"][0]["actor_kind"], "contact", "{trail}");

    // Colleagues' tickets only with organisation access; others' never.
    let olafs = world
        .create(
            "/tickets",
            json!({"subject": "Olaf's malt order", "contact_id": olaf}),
        )
        .await;
    let eves = world
        .create(
            "/tickets",
            json!({"subject": "Eve's barley", "contact_id": eve}),
        )
        .await;
    let list = browser.get("/portal/tickets").await;
    assert!(list.body.contains("Keg washer") && !list.body.contains("malt order"));
    assert_eq!(
        browser
            .get(&format!("/portal/tickets/{olafs}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let (status, _) = world
        .call(
            "PUT",
            &format!("/contacts/{ida}/portal-access"),
            Some(json!({"organisation_access": true, "enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let list = browser.get("/portal/tickets").await;
    assert!(
        list.body.contains("malt order") && !list.body.contains("barley"),
        "{}",
        list.body
    );
    assert_eq!(
        browser
            .get(&format!("/portal/tickets/{olafs}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        browser.get(&format!("/portal/tickets/{eves}")).await.status,
        StatusCode::NOT_FOUND
    );
    let refused = browser
        .submit(
            &format!("/portal/tickets/{olafs}"),
            &format!("/portal/tickets/{eves}/replies"),
            &[("body", "Hello")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // A closed ticket takes no answer, and keeps what it had.
    let (_, current) = world.call("GET", &format!("/tickets/{ticket}"), None).await;
    let closed = world
        .request(
            &world.admin,
            "PUT",
            &format!("/tickets/{ticket}"),
            Some(json!({"subject": current["subject"], "contact_id": ida, "status": "closed"})),
        )
        .header("If-Match", format!("\"{}\"", current["version"]))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);
    let refused = browser
        .submit(
            &ticket_path,
            &format!("{ticket_path}/replies"),
            &[("body", "One more thing")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("This ticket is closed"));
    let (_, thread) = world
        .call("GET", &format!("/tickets/{ticket}/messages"), None)
        .await;
    assert_eq!(items(&thread).len(), 3);

    // Their own details: corrected by them, refused when wrong, audited
    // with them as the actor.
    let refused = browser
        .submit(
            "/portal/details",
            "/portal/details",
            &[
                ("first_name", "Ida"),
                ("last_name", "Kessel"),
                ("emails", "not an address"),
                ("_version", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("not an address"),
        "what they typed stays"
    );
    let details = |country| {
        [
            ("first_name", "Ida"),
            ("last_name", "Kessel-Brandt"),
            ("position", "Head brewer"),
            ("emails", "ida.kessel@brauhaus.example"),
            ("phones", "+49 40 5550123"),
            ("city", "Hamburg"),
            ("country", country),
        ]
    };
    let saved = browser.save_details(&details("DE")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Saved."));
    // The country is a list of names sending codes: nothing typed is cut to
    // two letters and read as another country ("Germany" was Georgia).
    assert!(
        saved
            .body
            .contains("<option value=\"DE\" selected>Germany</option>"),
        "{}",
        saved.body
    );
    assert!(!saved.body.contains("maxlength=\"2\""));
    let typed_name = browser.save_details(&details("Germany")).await;
    assert_eq!(typed_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!typed_name.body.contains("Saved."));
    let (_, kept) = world.call("GET", &format!("/contacts/{ida}"), None).await;
    assert_eq!(kept["work_address"]["country"], "DE", "nothing changed");
    let (_, corrected) = world.call("GET", &format!("/contacts/{ida}"), None).await;
    assert_eq!(
        (
            corrected["last_name"].as_str(),
            corrected["position"].as_str()
        ),
        (Some("Kessel-Brandt"), Some("Head brewer"))
    );
    assert_eq!(corrected["work_address"]["city"], "Hamburg");
    let (_, trail) = world
        .call(
            "GET",
            &format!("/audit?record_type=contact&record_id={ida}&action=update"),
            None,
        )
        .await;
    assert_eq!(trail["items"][0]["actor_kind"], "contact", "{trail}");

    // Communication preferences: the person agrees and withdraws in the
    // ledger themselves; their browser's Global Privacy Control counts.
    let (_, purposes) = world.call("GET", "/purposes", None).await;
    let marketing = find(&purposes["items"], "name", "Marketing communications")["id"].clone();
    let (_, text) = world
        .call(
            "POST",
            "/consent-texts",
            Some(json!({"purpose_id": marketing, "title": "Brewery newsletter", "body": "Send me the monthly newsletter."})),
        )
        .await;
    world
        .call(
            "POST",
            &format!("/consent-texts/{}/publish", text["id"]),
            None,
        )
        .await;
    let page = browser.get("/portal/privacy").await;
    assert!(page.body.contains("Brewery newsletter") && page.body.contains("You have not agreed"));
    let text_id = text["id"].to_string();
    let agreed = browser
        .submit(
            "/portal/privacy",
            "/portal/privacy",
            &[("text_id", text_id.as_str()), ("action", "grant")],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER);
    let (_, ledger) = world
        .call("GET", &format!("/contacts/{ida}/consents"), None)
        .await;
    assert_eq!(ledger["current"][0]["granted"], true, "{ledger}");
    assert_eq!(ledger["current"][0]["channel"], "portal");
    let withdrawn = browser
        .submit(
            "/portal/privacy",
            "/portal/privacy",
            &[("text_id", text_id.as_str()), ("action", "withdraw")],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = browser.get("/portal/privacy").await;
    let token = hidden_value(&page.body, "_csrf");
    let signalled = browser
        .client
        .post(format!("{}/portal/privacy", browser.base))
        .header("Sec-GPC", "1")
        .form(&[
            ("_csrf", token.as_str()),
            ("text_id", text_id.as_str()),
            ("action", "grant"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signalled.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(signalled
        .text()
        .await
        .unwrap()
        .contains("Global Privacy Control"));
    let (_, ledger) = world
        .call("GET", &format!("/contacts/{ida}/consents"), None)
        .await;
    assert_eq!(ledger["current"][0]["granted"], false, "{ledger}");

    // Signing out, and in again: a wrong password and an unknown address
    // get the same answer.
    let out = browser
        .submit("/portal/tickets", "/portal/logout", &[])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let gone = browser.get("/portal/tickets").await;
    assert_eq!(
        (gone.status, gone.location.as_str()),
        (
            StatusCode::SEE_OTHER,
            "/portal/login?next=%2Fportal%2Ftickets"
        )
    );
    let wrong = browser
        .log_in("ida.kessel@brauhaus.example", "not my password")
        .await;
    let unknown = browser
        .log_in("nobody@brauhaus.example", "not my password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert!(
        wrong
            .body
            .contains("The email address or password is wrong.")
            && unknown
                .body
                .contains("The email address or password is wrong.")
    );
    let back = browser
        .submit(
            "/portal/login?next=%2Fportal%2Ftickets%3Fstatus%3Dall",
            "/portal/login",
            &[
                ("email", "IDA.KESSEL@brauhaus.example"),
                ("password", "hop harvest at dawn"),
                ("next", "/portal/tickets?status=all"),
            ],
        )
        .await;
    assert_eq!(
        (back.status, back.location.as_str()),
        (StatusCode::SEE_OTHER, "/portal/tickets?status=all")
    );
    let out = browser
        .submit("/portal/tickets", "/portal/logout", &[])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);

    // A sign-in link: the same answer for a known and an unknown address,
    // a link for the known one only, which works once.
    let known = browser
        .submit(
            "/portal/login",
            "/portal/sign-in-link",
            &[("email", "ida.kessel@brauhaus.example")],
        )
        .await;
    let stranger = browser
        .submit(
            "/portal/login",
            "/portal/sign-in-link",
            &[("email", "stranger@brauhaus.example")],
        )
        .await;
    assert_eq!(
        (known.status, stranger.status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert!(
        known.body.contains("If this address has access")
            && stranger.body.contains("If this address has access")
    );
    let link = world
        .link_sent("ida.kessel@brauhaus.example", "portal_sign_in")
        .await;
    let (_, outbox) = world.call("GET", "/outbox", None).await;
    assert!(
        !outbox.to_string().contains("stranger@"),
        "a link to nobody"
    );
    assert_eq!(
        browser.get(&link).await.status,
        StatusCode::OK,
        "opening the link does not spend it"
    );
    let signed = browser.submit(&link, &link, &[]).await;
    assert_eq!(
        (signed.status, signed.location.as_str()),
        (StatusCode::SEE_OTHER, "/portal/tickets")
    );
    let spent = browser.submit(&link, &link, &[]).await;
    assert_eq!(spent.status, StatusCode::GONE);

    // Staff end the access: the session ends at once.
    assert_eq!(browser.get("/portal/tickets").await.status, StatusCode::OK);
    let (status, ended) = world
        .call(
            "PUT",
            &format!("/contacts/{ida}/portal-access"),
            Some(json!({"organisation_access": true, "enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ended["disabled_at"].is_string());
    assert_eq!(
        browser.get("/portal/tickets").await.status,
        StatusCode::SEE_OTHER
    );
    let locked = browser
        .log_in("ida.kessel@brauhaus.example", "hop harvest at dawn")
        .await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED, "{}", locked.body);
}

/// A contact with this email, invited and signed in with a password.
async fn signed_in_person(world: &World, first: &str, last: &str, email: &str) -> (i64, Browser) {
    let contact = world
        .create(
            "/contacts",
            json!({"first_name": first, "last_name": last, "emails": [email]}),
        )
        .await;
    let (status, _) = world
        .call(
            "POST",
            &format!("/contacts/{contact}/portal-invitation"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let invitation = world.link_sent(email, "portal_invitation").await;
    let browser = Browser::new(&world.base);
    let accepted = browser
        .choose_password(&invitation, "a quiet harbour at noon")
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    (contact, browser)
}

async fn a_person_downloads_and_erases_their_data(world: World) {
    let (ida, browser) =
        signed_in_person(&world, "Ida", "Kessel", "ida.kessel@brauhaus.example").await;
    let raised = browser
        .submit(
            "/portal/tickets/new",
            "/portal/tickets",
            &[
                ("subject", "Keg washer leaks"),
                ("description", "Since Monday."),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let page = browser.get("/portal/my-data").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("You have made no requests"),
        "{}",
        page.body
    );

    // Download my data: refused without the form's token; with it, the
    // export staff would send, made at once.
    let (status, _, _) = browser.post_for_file("/portal/my-data/download", &[]).await;
    assert_ne!(status, StatusCode::OK, "a download without the form token");
    let token = hidden_value(&page.body, "_csrf");
    let (status, headers, zip) = browser
        .post_for_file("/portal/my-data/download", &[("_csrf", &token)])
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(headers["content-type"], "application/zip");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let files = exports::unzip(&zip);
    assert!(files["data/contacts.json"].contains("Kessel"), "{files:?}");
    assert!(files["data/tickets.json"].contains("Keg washer leaks"));
    assert!(files.contains_key("summary.html") && files.contains_key("access-log.json"));

    // It is an access request like any other, raised, verified, answered
    // and completed by the person, owned by the administrator.
    let (_, requests) = world.call("GET", "/requests?open=false", None).await;
    let access = items(&requests)
        .iter()
        .find(|r| r["contact_id"] == ida && r["request_type"] == "access")
        .cloned()
        .unwrap_or_else(|| panic!("no access request in {requests}"));
    let (_, access) = world
        .call("GET", &format!("/requests/{}", access["id"]), None)
        .await;
    assert_eq!(access["channel"], "portal");
    assert_eq!(access["state"], "completed", "{access}");
    assert_eq!(access["owner_name"], "Ada Admin");
    assert!(access["identity_method"]
        .as_str()
        .unwrap()
        .starts_with("Signed in to the customer portal"));
    let steps: Vec<(&str, bool)> = access["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["by_subject"] == true))
        .collect();
    assert_eq!(
        steps,
        [
            ("received", true),
            ("identity_verified", true),
            ("exported", true),
            ("completed", true)
        ]
    );
    let (_, trail) = world
        .call(
            "GET",
            &format!(
                "/audit?record_type=subject_request&record_id={}&action=create",
                access["id"]
            ),
            None,
        )
        .await;
    assert_eq!(trail["items"][0]["actor_kind"], "contact", "{trail}");
    let page = browser.get("/portal/my-data").await;
    assert!(page.body.contains("Access (Art. 15)") && page.body.contains("Completed"));

    // What also concerns other people, and staff's internal notes, wait
    // for the data protection officer: the request stays open for them.
    let ticket: i64 = raised.location.rsplit('/').next().unwrap().parse().unwrap();
    world
        .create(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": "Ida sounded cross on the phone", "visibility": "internal"}),
        )
        .await;
    let olaf = world
        .create(
            "/contacts",
            json!({"first_name": "Olaf", "last_name": "Brandt"}),
        )
        .await;
    world
        .create(
            "/activities",
            json!({"kind": "call", "occurred_at": "2026-11-20T10:00:00Z", "subject": "Call with Ida and Olaf",
                   "body": "Olaf mentioned his surgery", "contact_ids": [ida, olaf]}),
        )
        .await;
    world
        .create(
            "/activities",
            json!({"kind": "call", "occurred_at": "2026-11-21T10:00:00Z", "subject": "Call with Ida alone", "contact_ids": [ida]}),
        )
        .await;
    let (status, _, zip) = browser
        .post_for_file("/portal/my-data/download", &[("_csrf", &token)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let files = exports::unzip(&zip);
    let everything: String = files.values().cloned().collect();
    assert!(everything.contains("Call with Ida alone"), "{files:?}");
    for held in ["Olaf mentioned", "Call with Ida and Olaf", "sounded cross"] {
        assert!(!everything.contains(held), "{held} is held for review");
    }
    assert!(
        files["held-for-review.txt"].starts_with("2 of the records"),
        "{files:?}"
    );
    let (_, requests) = world.call("GET", "/requests?open=true", None).await;
    let waiting: Vec<&Value> = items(&requests)
        .iter()
        .filter(|r| r["contact_id"] == ida && r["request_type"] == "access")
        .collect();
    assert_eq!(waiting.len(), 1, "{requests}");
    assert_eq!(waiting[0]["state"], "in_progress");

    // Erase me: only when confirmed; asked twice, one request.
    let refused = browser
        .submit(
            "/portal/my-data",
            "/portal/my-data/erasure",
            &[("details", "Leaving the company")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Tick the box"), "{}", refused.body);
    assert!(
        refused.body.contains("Leaving the company"),
        "what was typed is kept"
    );
    let asked = browser
        .submit(
            "/portal/my-data",
            "/portal/my-data/erasure",
            &[("details", "Leaving the company"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let number: i64 = asked
        .location
        .strip_prefix("/portal/my-data?raised=")
        .unwrap()
        .parse()
        .unwrap();
    let page = browser.get(&asked.location).await;
    assert!(page
        .body
        .contains(&format!("erasure request (number {number})")));
    // The person is told the short number; staff find the request by it.
    let (_, requests) = world.call("GET", "/requests", None).await;
    let erasure = find(&requests["items"], "number", number)["id"]
        .as_i64()
        .unwrap();
    assert!(!page.body.contains("Ask for erasure"), "the form gives way");
    let again = browser
        .post(
            "/portal/my-data/erasure",
            &[
                ("_csrf", &hidden_value(&page.body, "_csrf")),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(again.location, asked.location, "one open request, not two");

    // Staff carry it out: nothing left to verify or confirm.
    let (_, request) = world
        .call("GET", &format!("/requests/{erasure}"), None)
        .await;
    assert_eq!(
        (request["request_type"].as_str(), request["state"].as_str()),
        (Some("erasure"), Some("in_progress")),
        "{request}"
    );
    assert_eq!(request["details"], "Leaving the company");
    let (status, done) = world
        .call(
            "POST",
            &format!("/requests/{erasure}/erasure"),
            Some(json!({"confirm": true, "keep_under_legal_hold": true})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let (status, _) = world.call("GET", &format!("/contacts/{ida}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        browser.get("/portal/my-data").await.status,
        StatusCode::SEE_OTHER,
        "the erased person's session ends"
    );
}

/// Messages written to `recipient` for `purpose`, as the outbox lists them.
async fn mails_to(world: &World, recipient: &str, purpose: &str) -> usize {
    let (_, outbox) = world.call("GET", "/outbox", None).await;
    items(&outbox)
        .iter()
        .filter(|m| m["recipient"] == recipient && m["purpose"] == purpose)
        .count()
}

async fn people_register_themselves(world: World) {
    let register = format!("/portal/register/{}", world.tenant);
    let browser = Browser::new(&world.base);
    assert_eq!(
        browser.get(&register).await.status,
        StatusCode::NOT_FOUND,
        "closed by default"
    );
    let (status, refused) = world
        .call(
            "PUT",
            "/settings/portal-registration",
            Some(json!({"policy": "everyone"})),
        )
        .await;
    assert_eq!(
        (status, refused["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_policy"))
    );
    let (status, set) = world
        .call(
            "PUT",
            "/settings/portal-registration",
            Some(json!({"policy": "known_contacts"})),
        )
        .await;
    assert_eq!(
        (status, set["policy"].as_str()),
        (StatusCode::OK, Some("known_contacts"))
    );
    let ida = world
        .create(
            "/contacts",
            json!({"first_name": "Ida", "last_name": "Kessel", "emails": ["Ida.Kessel@brauhaus.example"]}),
        )
        .await;

    // Bad input is named; a known and an unknown address get one answer.
    let refused = browser.register(&register, "Ida", "", "ida@").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("value=\"ida@\""),
        "what was typed stays"
    );
    let mut answers = Vec::new();
    for (first, last, email) in [
        ("Sven", "Fremd", "sven@elsewhere.example"),
        ("Ida", "Kessel", "IDA.KESSEL@brauhaus.example"),
    ] {
        let answer = browser.register(&register, first, last, email).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answers.push(answer.body.replace(email, "[address]"));
    }
    assert_eq!(answers[0], answers[1], "the answer does not tell");
    assert!(answers[0].contains("a message is on its way"));

    // The known contact confirms the address and chooses a password.
    let confirm = world
        .link_sent("ida.kessel@brauhaus.example", "portal_verification")
        .await;
    assert!(
        confirm.starts_with("/portal/register/confirm/"),
        "{confirm}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        mails_to(&world, "sven@elsewhere.example", "portal_verification").await,
        0,
        "an unknown address gets nothing while only known contacts may register"
    );
    let person = Browser::new(&world.base);
    let page = person.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ida.kessel@brauhaus.example"));
    let refused = person.choose_password(&confirm, "kessel").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let confirmed = person
        .choose_password(&confirm, "malt and barley fields")
        .await;
    assert_eq!(
        (confirmed.status, confirmed.location.as_str()),
        (StatusCode::SEE_OTHER, "/portal/tickets"),
        "{}",
        confirmed.body
    );
    assert!(person
        .get("/portal/tickets")
        .await
        .body
        .contains("Ida Kessel"));
    let (_, access) = world
        .call("GET", &format!("/contacts/{ida}/portal-access"), None)
        .await;
    assert_eq!(access["account"]["email"], "ida.kessel@brauhaus.example");
    assert!(access["account"]["activated_at"].is_string(), "{access}");
    assert_eq!(
        person.get(&confirm).await.status,
        StatusCode::NOT_FOUND,
        "used once"
    );

    // Registering again with access already: a sign-in link instead.
    browser
        .register(&register, "Ida", "Kessel", "ida.kessel@brauhaus.example")
        .await;
    world
        .link_sent("ida.kessel@brauhaus.example", "portal_sign_in")
        .await;

    // Access staff ended is not got back by registering, even under
    // "anyone" and with the address on no contact any more.
    let olaf = world
        .create(
            "/contacts",
            json!({"first_name": "Olaf", "last_name": "Brandt", "emails": ["olaf@brauhaus.example"]}),
        )
        .await;
    world
        .call("POST", &format!("/contacts/{olaf}/portal-invitation"), None)
        .await;
    world
        .call(
            "PUT",
            &format!("/contacts/{olaf}/portal-access"),
            Some(json!({"organisation_access": false, "enabled": false})),
        )
        .await;
    let removed = world
        .request(
            &world.admin,
            "PUT",
            &format!("/contacts/{olaf}"),
            Some(json!({"first_name": "Olaf", "last_name": "Brandt", "emails": []})),
        )
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(
        removed.status(),
        StatusCode::OK,
        "{:?}",
        removed.text().await
    );

    // Open to anyone: a new contact is made once the address is confirmed.
    world
        .call(
            "PUT",
            "/settings/portal-registration",
            Some(json!({"policy": "anyone"})),
        )
        .await;
    let answer = browser
        .register(&register, "Nils", "Neumann", "nils@neu.example")
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let ended = browser
        .register(&register, "Olaf", "Brandt", "olaf@brauhaus.example")
        .await;
    assert_eq!(ended.status, StatusCode::OK, "the same answer");
    let (_, found) = world.call("GET", "/contacts?q=Neumann", None).await;
    assert_eq!(items(&found).len(), 0, "not before confirming");
    let confirm = world
        .link_sent("nils@neu.example", "portal_verification")
        .await;
    let nils = Browser::new(&world.base);
    let confirmed = nils
        .choose_password(&confirm, "a tall ship and a star")
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(
        mails_to(&world, "olaf@brauhaus.example", "portal_verification").await,
        0,
        "ended access stays ended"
    );
    let (_, found) = world.call("GET", "/contacts?q=Neumann", None).await;
    let made = &found["items"][0];
    assert_eq!(made["first_name"], "Nils", "{found}");
    assert_eq!(made["emails"][0], "nils@neu.example");
    let (_, trail) = world
        .call(
            "GET",
            &format!(
                "/audit?record_type=contact&record_id={}&action=create",
                made["id"]
            ),
            None,
        )
        .await;
    assert_eq!(trail["items"][0]["actor_kind"], "contact", "{trail}");
}

on_both_backends!(
    a_contact_person_uses_the_portal,
    a_person_downloads_and_erases_their_data,
    people_register_themselves,
    a_person_sees_answers_while_typing_and_closes_their_ticket
);

async fn a_person_sees_answers_while_typing_and_closes_their_ticket(world: World) {
    world
        .create(
            "/faq-articles",
            json!({"title": "The keg washer leaks after cleaning", "body": "Tighten the drain valve by hand.", "published": true}),
        )
        .await;
    world
        .create(
            "/faq-articles",
            json!({"title": "A draft about washer parts", "body": "Not yet.", "published": false}),
        )
        .await;
    let (_, browser) = signed_in_person(&world, "Ola", "Brau", "ola.brau@brauhaus.example").await;

    // While typing a subject: the published answers that hold its words,
    // or its longest word; drafts never.
    let form = browser.get("/portal/tickets/new").await;
    assert!(
        form.body
            .contains("data-faq-suggest=\"/portal/faq/suggest\""),
        "{}",
        form.body
    );
    let hint = browser.get("/portal/faq/suggest?q=washer%20leaks").await;
    assert_eq!(hint.status, StatusCode::OK);
    assert!(
        hint.body
            .contains(">The keg washer leaks after cleaning</a>"),
        "{}",
        hint.body
    );
    assert!(!hint.body.contains("draft"), "{}", hint.body);
    let longest = browser
        .get("/portal/faq/suggest?q=my%20washer%20broke")
        .await;
    assert!(longest.body.contains("keg washer"), "{}", longest.body);
    let nothing = browser.get("/portal/faq/suggest?q=zzzzqq").await;
    assert_eq!(nothing.body, "");

    // Solved: they close the ticket themselves, and it stays closed.
    let raised = browser
        .submit(
            "/portal/tickets/new",
            "/portal/tickets",
            &[
                ("subject", "Washer leaks"),
                ("description", "Water on the floor."),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let ticket = raised.location.clone();
    let page = browser.get(&ticket).await;
    assert!(page.body.contains("Close this ticket"), "{}", page.body);
    assert!(
        page.body.contains("<span class=\"badge\">Received</span>"),
        "the status in the customer's words: {}",
        page.body
    );
    let closed = browser
        .submit(&ticket, &format!("{ticket}/close"), &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let page = browser.get(&ticket).await;
    assert!(
        page.body.contains("This ticket is closed."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Close this ticket"));
    let id = ticket.rsplit('/').next().unwrap();
    let (_, staff_view) = world.call("GET", &format!("/tickets/{id}"), None).await;
    assert_eq!(staff_view["status"], "closed", "{staff_view}");
    // A file goes with a new ticket; a file that is refused raises no
    // ticket and the form comes back as typed.
    let form = browser.get("/portal/tickets/new").await;
    let token = hidden_value(&form.body, "_csrf");
    let multipart = |subject: &str, file_name: &str, content: &[u8]| {
        let mut body = Vec::new();
        for (name, value) in [
            ("_csrf", token.as_str()),
            ("subject", subject),
            ("priority", "normal"),
        ] {
            body.extend_from_slice(
                format!(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        body
    };
    let send = |body: Vec<u8>| {
        browser
            .client
            .post(format!("{}/portal/tickets", world.base))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
    };
    let (_, before) = world.call("GET", "/tickets?limit=200", None).await;
    let refused = send(multipart("Strange file", "tool.exe", b"MZ\x90\x00binary"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("value=\"Strange file\""), "{page}");
    let (_, after) = world.call("GET", "/tickets?limit=200", None).await;
    assert_eq!(
        items(&after).len(),
        items(&before).len(),
        "no ticket without its file"
    );
    let raised = send(multipart(
        "Photo of the leak",
        "leak.txt",
        b"Water under valve 2",
    ))
    .await
    .unwrap();
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let ticket_with_file = location(&raised);
    let page = browser.get(&ticket_with_file).await;
    assert!(page.body.contains(">leak.txt</a>"), "{}", page.body);

    // Someone else's ticket cannot be closed.
    let (_, other) = signed_in_person(&world, "Eve", "Else", "eve.else@elsewhere.example").await;
    let refused = other
        .submit("/portal/tickets", &format!("{ticket}/close"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
}
