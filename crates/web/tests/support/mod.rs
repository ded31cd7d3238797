//! What the web tests share: one story on each backend (SQLite in a
//! temporary directory, PostgreSQL in a fresh database when
//! CUSTODIAN_TEST_POSTGRES_URL is set; see
//! `custodian_store::testing::postgres_server_url`), and `TestApp`, a real
//! server on a loopback port with the helpers to fill it: tenants, users by
//! role and their API tokens.

#![allow(dead_code)]

use custodian_app::App;
use custodian_core::access::Role;
use custodian_core::audit::Actor;
use custodian_core::TenantId;

#[allow(unused_imports)]
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
        let (url, dir) = sqlite_url("custodian.db");
        TestApp::start(url, Some(dir), configure).await
    }

    pub async fn postgres_with(configure: impl FnOnce(App) -> App) -> Option<TestApp> {
        Some(TestApp::start(postgres_url().await?, None, configure).await)
    }

    /// Opens (and migrates) the database and serves it.
    pub async fn start(
        database_url: String,
        dir: Option<tempfile::TempDir>,
        configure: impl FnOnce(App) -> App,
    ) -> TestApp {
        let app = configure(App::open(&database_url).await.unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(custodian_web::serve(app.clone(), listener));
        TestApp {
            app,
            base,
            client: reqwest::Client::new(),
            database_url,
            _dir: dir,
        }
    }

    pub async fn tenant(&self, name: &str) -> TenantId {
        self.app.create_tenant(name).await.unwrap().id
    }

    /// A staff user of `tenant` with one role and the shared password,
    /// named by their email.
    pub async fn user(&self, tenant: TenantId, email: &str, role: Role) -> custodian_app::User {
        self.user_named(tenant, email, email, role).await
    }

    pub async fn user_named(
        &self,
        tenant: TenantId,
        email: &str,
        name: &str,
        role: Role,
    ) -> custodian_app::User {
        self.app
            .create_user(tenant, email, name, PASSWORD, role, Actor::SYSTEM)
            .await
            .unwrap()
    }

    /// A new user's API token.
    pub async fn token(&self, tenant: TenantId, email: &str, role: Role) -> String {
        let user = self.user(tenant, email, role).await;
        self.token_for(&user).await
    }

    /// An API token of an existing user.
    pub async fn token_for(&self, user: &custodian_app::User) -> String {
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
}
