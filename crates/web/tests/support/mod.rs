//! What the web tests share: one story on each backend (SQLite in a
//! temporary directory, PostgreSQL in a fresh database when
//! CUSTODIAN_TEST_POSTGRES_URL is set; see
//! `custodian_store::testing::postgres_server_url`), and `TestApp`, a real
//! server on a loopback port with the helpers to fill it (tenants, users by
//! role and their API tokens) and to call its API. A story declares its
//! fixture with `fixture!` and sets it up in `Story::start`; `sqlite` and
//! `postgres` start it for `on_both_backends!`. Beside them: a browser's
//! client and forms, and readers of JSON answers (`items`, `texts`, `find`).

#![allow(dead_code, unused_imports, unused_macros)]

use custodian_app::{App, Principal};
use custodian_core::access::{Role, Roles};
use custodian_core::audit::Actor;
use custodian_core::TenantId;
use reqwest::redirect::Policy;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::Value;

pub use custodian_store::on_both_backends;

/// The password every test user gets.
pub const PASSWORD: &str = "a long enough password";

/// A SQLite database URL in a new temporary directory, which lives as long
/// as the returned guard.
pub fn sqlite_url(file: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (format!("sqlite://{}/{file}", dir.path().display()), dir)
}

/// A fresh PostgreSQL database, or None when none is configured.
pub async fn postgres_url() -> Option<String> {
    custodian_store::testing::fresh_postgres_url().await
}

/// The value of the first `name="NAME" value="…"` pair in a page: a
/// form's hidden field, such as its CSRF token.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A record's input (or any typed value) from its JSON.
pub fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// A browser's client: it keeps cookies, does not follow redirects, and
/// names `agent` as its user agent when one is given.
pub fn browser_client(agent: Option<&str>) -> Client {
    let builder = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none());
    match agent {
        Some(agent) => builder.user_agent(agent),
        None => builder,
    }
    .build()
    .unwrap()
}

/// Loads the login form at `base` + `path` and sends it back with its CSRF
/// token and `fields`; the answer.
pub async fn submit_login(
    client: &Client,
    base: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Response {
    let page = client.get(format!("{base}{path}")).send().await.unwrap();
    let csrf = hidden_value(&page.text().await.unwrap(), "_csrf");
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    client
        .post(format!("{base}{path}"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// GETs `url` with `client`; the raw answer.
pub async fn fetch(client: &Client, url: &str) -> Response {
    client.get(url).send().await.unwrap()
}

/// A page's status and text.
pub async fn get_page(client: &Client, url: &str) -> (StatusCode, String) {
    let response = fetch(client, url).await;
    (response.status(), response.text().await.unwrap())
}

/// Sends a form; the status, the redirect target ("" without one) and the
/// body.
pub async fn post_form(
    client: &Client,
    url: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let response = client.post(url).form(form).send().await.unwrap();
    let location = location(&response);
    (response.status(), location, response.text().await.unwrap())
}

/// Where an answer redirects to ("" when it does not).
pub fn location(response: &Response) -> String {
    let header = response.headers().get("location");
    let target = header.and_then(|l| l.to_str().ok()).unwrap_or_default();
    target.to_string()
}

/// Sends a request; the answer's status and JSON (a body that is not JSON
/// comes as a JSON string, for messages).
pub async fn json_answer(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The items of a list answer.
pub fn items(page: &Value) -> &Vec<Value> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {page}"))
}

/// The text `field` of each element of a JSON array.
pub fn texts<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    let all = list.as_array().unwrap_or_else(|| panic!("no list: {list}"));
    all.iter().map(|e| e[field].as_str().unwrap()).collect()
}

/// The strings of a JSON array.
pub fn strings(list: &Value) -> Vec<&str> {
    let all = list.as_array().unwrap_or_else(|| panic!("no list: {list}"));
    all.iter().map(|s| s.as_str().unwrap()).collect()
}

/// The first element of a JSON array whose `field` is `value`.
pub fn find<'a, V>(list: &'a Value, field: &str, value: V) -> &'a Value
where
    V: Copy + std::fmt::Debug,
    Value: PartialEq<V>,
{
    let all = list.as_array().unwrap_or_else(|| panic!("no list: {list}"));
    all.iter()
        .find(|e| e[field] == value)
        .unwrap_or_else(|| panic!("no {field} {value:?} in {list}"))
}

/// Declares a story's fixture: a struct with the story's `TestApp` (in `t`)
/// and the fields given, used as that `TestApp` (`server.call(…)`,
/// `server.base`).
macro_rules! fixture {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $field:ident: $type:ty),* $(,)? }) => {
        $(#[$meta])*
        struct $name {
            t: $crate::support::TestApp,
            $($(#[$doc])* $field: $type,)*
        }

        impl std::ops::Deref for $name {
            type Target = $crate::support::TestApp;

            fn deref(&self) -> &Self::Target {
                &self.t
            }
        }
    };
}
pub(crate) use fixture;

/// What a story sets up on a fresh `TestApp` before it runs: its fixture.
pub trait Story: Sized {
    /// Sets the story up on `t`.
    fn start(t: TestApp) -> impl std::future::Future<Output = Self>;
}

impl Story for TestApp {
    async fn start(t: TestApp) -> TestApp {
        t
    }
}

/// A story's fixture on a fresh SQLite database.
pub async fn sqlite<S: Story>() -> S {
    S::start(TestApp::sqlite().await).await
}

/// A story's fixture on a fresh PostgreSQL database, or None when
/// PostgreSQL is skipped.
pub async fn postgres<S: Story>() -> Option<S> {
    Some(S::start(TestApp::postgres().await?).await)
}

/// Custodian serving on a loopback port, with the app behind it for
/// setting up what a story needs.
pub struct TestApp {
    pub app: App,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub client: reqwest::Client,
    /// The database it serves, for tests that read its files.
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// On a fresh SQLite database.
    pub async fn sqlite() -> TestApp {
        TestApp::sqlite_with(|app| app).await
    }

    /// On a fresh PostgreSQL database, or None when PostgreSQL is skipped.
    pub async fn postgres() -> Option<TestApp> {
        TestApp::postgres_with(|app| app).await
    }

    /// On a fresh SQLite database, with the app configured before it
    /// serves (mail settings, say).
    pub async fn sqlite_with(configure: impl FnOnce(App) -> App) -> TestApp {
        TestApp::sqlite_at(|app, _| configure(app)).await
    }

    /// On a fresh PostgreSQL database, with the app configured before it
    /// serves, or None when PostgreSQL is skipped.
    pub async fn postgres_with(configure: impl FnOnce(App) -> App) -> Option<TestApp> {
        let url = postgres_url().await?;
        Some(TestApp::start(url, None, |app, _| configure(app)).await)
    }

    /// On a fresh SQLite database, with the app configured knowing the
    /// address it will serve at (for the links in its mail, say).
    pub async fn sqlite_at(configure: impl FnOnce(App, &str) -> App) -> TestApp {
        let (url, dir) = sqlite_url("custodian.db");
        TestApp::start(url, Some(dir), configure).await
    }

    /// Opens (and migrates) the database and serves it.
    pub async fn start(
        database_url: String,
        dir: Option<tempfile::TempDir>,
        configure: impl FnOnce(App, &str) -> App,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = configure(App::open(&database_url).await.unwrap(), &base);
        tokio::spawn(custodian_web::serve(app.clone(), listener));
        TestApp {
            app,
            base,
            client: reqwest::Client::new(),
            database_url,
            _dir: dir,
        }
    }

    /// A new tenant.
    pub async fn tenant(&self, name: &str) -> TenantId {
        self.app.create_tenant(name).await.unwrap().id
    }

    /// A staff user of `tenant` with these roles and the shared password,
    /// named by their email.
    pub async fn user(
        &self,
        tenant: TenantId,
        email: &str,
        roles: impl Into<Roles>,
    ) -> custodian_core::users::User {
        self.user_named(tenant, email, email, roles).await
    }

    /// A staff user of `tenant` with these roles and the shared password,
    /// shown as `name`.
    pub async fn user_named(
        &self,
        tenant: TenantId,
        email: &str,
        name: &str,
        roles: impl Into<Roles>,
    ) -> custodian_core::users::User {
        self.app
            .create_user(tenant, email, name, PASSWORD, roles, Actor::SYSTEM)
            .await
            .unwrap()
    }

    /// The principal of a staff user's new session, logged in with the
    /// shared password from `ip` (with `agent`), for setting up records
    /// through the app.
    pub async fn principal(&self, email: &str, ip: &str, agent: Option<&str>) -> Principal {
        let login = self
            .app
            .login(email, PASSWORD, ip, agent, "")
            .await
            .unwrap();
        let session = self.app.session(&login.cookie_value).await.unwrap();
        session.unwrap().principal
    }

    /// A new user's API token.
    pub async fn token(&self, tenant: TenantId, email: &str, roles: impl Into<Roles>) -> String {
        let user = self.user(tenant, email, roles).await;
        self.token_for(&user).await
    }

    /// A new user's API token, the user shown as `name`.
    pub async fn token_named(
        &self,
        tenant: TenantId,
        email: &str,
        name: &str,
        roles: impl Into<Roles>,
    ) -> String {
        let user = self.user_named(tenant, email, name, roles).await;
        self.token_for(&user).await
    }

    /// A new tenant with one staff user shown as `name`: the tenant and
    /// the user's API token.
    pub async fn tenant_with_user(
        &self,
        tenant: &str,
        email: &str,
        name: &str,
        roles: impl Into<Roles>,
    ) -> (TenantId, String) {
        let tenant = self.tenant(tenant).await;
        (tenant, self.token_named(tenant, email, name, roles).await)
    }

    /// New staff users of `tenant` without a display name, then their API
    /// tokens: each user with their token.
    pub async fn staff<const N: usize>(
        &self,
        tenant: TenantId,
        users: [(&str, Role); N],
    ) -> [(custodian_core::users::User, String); N] {
        let mut made = Vec::new();
        for (email, role) in users {
            made.push(self.user_named(tenant, email, "", role).await);
        }
        let mut with_tokens = Vec::new();
        for user in made {
            let token = self.token_for(&user).await;
            with_tokens.push((user, token));
        }
        with_tokens.try_into().unwrap()
    }

    /// An API token of an existing user.
    pub async fn token_for(&self, user: &custodian_core::users::User) -> String {
        self.app
            .create_api_token(user.tenant, user.id, "test", Actor::SYSTEM)
            .await
            .unwrap()
            .1
    }

    /// An address of the JSON API.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// An address on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to the JSON API as `token`, with `body` as JSON when given.
    pub fn request(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let request = self
            .client
            .request(method, self.api(path))
            .bearer_auth(token);
        match body {
            Some(body) => request.json(&body),
            None => request,
        }
    }

    /// Calls the JSON API as `token`: the answer's status and JSON.
    pub async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        json_answer(self.request(token, method, path, body)).await
    }

    /// GETs from the JSON API as `token`.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(token, "GET", path, None).await
    }

    /// POSTs `body` to the JSON API as `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(token, "POST", path, Some(body)).await
    }

    /// PUTs `body` to the JSON API as `token`.
    pub async fn put_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(token, "PUT", path, Some(body)).await
    }

    /// DELETEs from the JSON API as `token`.
    pub async fn delete_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(token, "DELETE", path, None).await
    }

    /// Replaces a record as `token`, at the version `reader` reads now.
    pub async fn replace_as(
        &self,
        reader: &str,
        token: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let (_, current) = self.call(reader, "GET", path, None).await;
        let version = format!("\"{}\"", current["version"]);
        json_answer(
            self.request(token, "PUT", path, Some(body))
                .header("If-Match", version),
        )
        .await
    }

    /// Sends `content` as a file of `ticket`, as `token`; the raw answer.
    pub async fn attach(
        &self,
        token: &str,
        ticket: impl std::fmt::Display,
        file_name: &str,
        content: impl Into<reqwest::Body>,
    ) -> Response {
        let path = format!("/tickets/{ticket}/attachments?file_name={file_name}");
        self.client
            .post(self.api(&path))
            .bearer_auth(token)
            .body(content)
            .send()
            .await
            .unwrap()
    }
}
