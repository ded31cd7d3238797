//! A staff user's sessions and API tokens, and the administrator's "end all
//! access", over real HTTP in the browser's way (cookies, forms) and the
//! API's. On SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

mod support;
use support::{
    browser_client, fetch, find, get_page, hidden_value, items, on_both_backends, post_form,
    postgres, sqlite, strings, Story, TestApp, PASSWORD,
};

use custodian_core::access::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

support::fixture! {
    Server { admin_token: String, member_token: String, member_id: i64, other_tenant_token: String }
}

impl Story for Server {
    async fn start(t: TestApp) -> Server {
        let tenant = t.tenant("Account GmbH").await;
        let mia = ("mia@example.com", Role::Sales);
        let [(_, admin_token), (member, member_token)] = t
            .staff(tenant, [("ada@example.com", Role::Administrator), mia])
            .await;
        let other = t.tenant("Other Ltd").await;
        let [(_, other_tenant_token)] = t
            .staff(other, [("admin@other.example", Role::Administrator)])
            .await;
        Server {
            admin_token,
            member_token,
            member_id: member.id.0,
            other_tenant_token,
            t,
        }
    }
}

/// Fills in the login form as a browser with `agent` would; returns the
/// client (with its session cookie, if any) and the answer's status.
async fn submit_login(
    server: &Server,
    email: &str,
    code: &str,
    agent: &str,
) -> (Client, StatusCode) {
    let client = browser_client(Some(agent));
    let fields = [("email", email), ("password", PASSWORD), ("code", code)];
    let done = support::submit_login(&client, &server.base, "/login", &fields).await;
    let status = done.status();
    (client, status)
}

async fn can_log_in(server: &Server, email: &str) -> bool {
    submit_login(server, email, "", "test").await.1 == StatusCode::SEE_OTHER
}

/// A browser with its own cookie jar and user agent.
struct Browser {
    base: String,
    client: Client,
}

impl Browser {
    async fn log_in(server: &Server, email: &str, agent: &str) -> Browser {
        let (client, status) = submit_login(server, email, "", agent).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        Browser {
            base: server.base.clone(),
            client,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        get_page(&self.client, &format!("{}{path}", self.base)).await
    }

    /// Posts a form with the CSRF token of the account page.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        let (_, page) = self.get("/account").await;
        let csrf = hidden_value(&page, "_csrf");
        let mut form = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        post_form(&self.client, &format!("{}{path}", self.base), &form).await
    }

    async fn logged_in(&self) -> bool {
        self.get("/account").await.0 == StatusCode::OK
    }
}

async fn sessions_are_seen_and_ended_by_their_user(server: Server) {
    let laptop = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let phone = Browser::log_in(&server, "mia@example.com", "Phone Safari").await;
    let (status, page) = laptop.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Laptop Firefox <strong>(this browser)</strong>"),
        "{page}"
    );
    assert!(page.contains("Phone Safari") && page.contains("127.0.0.1"));

    let (status, sessions) = server
        .get_as(&server.member_token, "/account/sessions")
        .await;
    assert_eq!(status, StatusCode::OK);
    let phone_session = find(&sessions, "user_agent", "Phone Safari")["id"]
        .as_i64()
        .unwrap();

    // The laptop ends the phone's session; the phone is logged out.
    let (status, location, _) = laptop
        .post(&format!("/account/sessions/{phone_session}/end"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/account")
    );
    assert!(!phone.logged_in().await);
    assert!(laptop.logged_in().await);

    // "Log out everywhere else" keeps only the browser that asked.
    let phone = Browser::log_in(&server, "mia@example.com", "Phone Safari").await;
    let (status, _, _) = laptop.post("/account/sessions/end-others", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!phone.logged_in().await);
    assert!(laptop.logged_in().await);

    // Another user's or another tenant's session id is not found.
    let (status, _) = server
        .delete_as(
            &server.admin_token,
            &format!("/account/sessions/{phone_session}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, mine) = server
        .get_as(&server.member_token, "/account/sessions")
        .await;
    let laptop_session = mine[0]["id"].as_i64().unwrap();
    let (status, _) = server
        .delete_as(
            &server.other_tenant_token,
            &format!("/account/sessions/{laptop_session}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(laptop.logged_in().await);

    // The trail shows who ended what.
    let (_, trail) = server
        .get_as(
            &server.admin_token,
            &format!("/audit?user_id={}&action=logout", server.member_id),
        )
        .await;
    let fields: Vec<&str> = items(&trail)
        .iter()
        .flat_map(|e| strings(&e["fields"]))
        .collect();
    assert!(
        fields.contains(&"session") && fields.contains(&"all_sessions"),
        "{trail}"
    );
}

async fn tokens_are_made_used_and_revoked(server: Server) {
    // Tokens are made in the browser, and shown once.
    let browser = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let (status, _, page) = browser
        .post(
            "/account/tokens",
            &[("name", "CI export"), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("shown only this once"), "{page}");
    let start = page.find("<code>cst_").unwrap() + "<code>".len();
    let secret = page[start..].split('<').next().unwrap().to_string();
    let (_, again) = browser.get("/account").await;
    assert!(again.contains("CI export") && !again.contains(&secret));

    let (status, _) = server.get_as(&secret, "/contacts").await;
    assert_eq!(status, StatusCode::OK);
    let (_, tokens) = server.get_as(&server.member_token, "/account/tokens").await;
    let listed = tokens.as_array().unwrap();
    assert!(listed
        .iter()
        .all(|t| t.get("token").is_none() && t.get("token_hash").is_none()));
    let made = listed.iter().find(|t| t["name"] == "CI export").unwrap();
    assert!(made["expires_at"].is_string());
    let id = made["id"].as_i64().unwrap();

    // A token cannot mint tokens.
    let (status, _) = server
        .post_as(&secret, "/account/tokens", json!({"name": "forever"}))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    // Nobody else can revoke it; its owner can, once.
    let (status, _) = server
        .delete_as(&server.admin_token, &format!("/account/tokens/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .delete_as(&server.member_token, &format!("/account/tokens/{id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get_as(&secret, "/contacts").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .delete_as(&server.member_token, &format!("/account/tokens/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a revoked token cannot be revoked again"
    );

    // Bad input stays in the form and makes nothing.
    for (name, days, says) in [
        ("", "", "name"),
        ("Nightly", "0", "1 to 3650"),
        ("Nightly", "5000", "1 to 3650"),
        ("Nightly", "soon", "whole number of days"),
    ] {
        let (status, _, refused) = browser
            .post(
                "/account/tokens",
                &[("name", name), ("expires_in_days", days)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}/{days}");
        assert!(refused.contains(says) || says == "name", "{refused}");
        assert!(refused.contains(&format!("value=\"{days}\"")));
    }
    let (_, after) = server.get_as(&server.member_token, "/account/tokens").await;
    assert_eq!(
        after.as_array().unwrap().len(),
        listed.len(),
        "a refused token is not made"
    );
}

async fn an_administrator_ends_all_access_of_a_leaver(server: Server) {
    let laptop = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let (status, _) = server.get_as(&server.member_token, "/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post_as(
            &server.member_token,
            &format!("/users/{}/end-access", server.member_id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, users) = server.get_as(&server.admin_token, "/users").await;
    assert_eq!(status, StatusCode::OK);
    let mia = find(&users, "email", "mia@example.com");
    assert_eq!(mia["live_sessions"], 1);

    // Another tenant's administrator cannot touch her.
    let (status, _) = server
        .post_as(
            &server.other_tenant_token,
            &format!("/users/{}/end-access", server.member_id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(laptop.logged_in().await);

    let (status, ended) = server
        .post_as(
            &server.admin_token,
            &format!("/users/{}/end-access", server.member_id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended, json!({"sessions_ended": 1, "tokens_revoked": 1}));
    assert!(!laptop.logged_in().await);
    let (status, _) = server.get_as(&server.member_token, "/contacts").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Her password no longer opens a session either, and the answer does
    // not say why (as for an unknown account).
    assert!(!can_log_in(&server, "mia@example.com").await);
    let (_, users) = server.get_as(&server.admin_token, "/users").await;
    let mia = find(&users, "email", "mia@example.com");
    assert!(mia["disabled_at"].is_string(), "{mia}");
    let (status, _) = server
        .post_as(
            &server.admin_token,
            &format!("/users/{}/reactivate", server.member_id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(can_log_in(&server, "mia@example.com").await);
    let (status, _) = server.get_as(&server.member_token, "/contacts").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "her old token stays revoked"
    );
    // The last administrator cannot end their own access.
    let (_, users) = server.get_as(&server.admin_token, "/users").await;
    let ada = find(&users, "email", "ada@example.com")["id"]
        .as_i64()
        .unwrap();
    let (status, problem) = server
        .post_as(
            &server.admin_token,
            &format!("/users/{ada}/end-access"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");

    // The users page offers the same, to administrators only.
    let admin = Browser::log_in(&server, "ada@example.com", "Admin Browser").await;
    let (status, page) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("mia@example.com") && page.contains("End all access"));
    let mia_browser = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let (status, _) = mia_browser.get("/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = admin
        .post(
            &format!("/admin/users/{}/end-access", server.member_id),
            &[],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/admin/users")
    );
    assert!(!mia_browser.logged_in().await);
}

async fn roles_are_assigned_with_care(server: Server) {
    let (_, users) = server.get_as(&server.admin_token, "/users").await;
    let ada = find(&users, "email", "ada@example.com")["id"]
        .as_i64()
        .unwrap();
    let mia = server.member_id;
    let roles = |user: i64, roles: Value| {
        let server = &server;
        async move {
            server
                .put_as(
                    &server.admin_token,
                    &format!("/users/{user}/roles"),
                    json!({"roles": roles}),
                )
                .await
        }
    };
    // Refused, and nothing changes: unknown names, no role, no administrator left.
    let (status, problem) = roles(mia, json!(["sales", "wizard"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "unknown_role", "{problem}");
    let (status, _) = roles(mia, json!([])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, problem) = roles(ada, json!(["sales"])).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "last_administrator");
    let (status, _) = server.get_as(&server.member_token, "/contacts").await;
    assert_eq!(status, StatusCode::OK, "Mia still works in sales");

    // A data protection officer reads the trail but no contacts.
    let (status, changed) = roles(mia, json!(["data_protection_officer"])).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["roles"], json!(["data_protection_officer"]));
    let (status, _) = server.get_as(&server.member_token, "/contacts").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, trail) = server
        .get_as(
            &server.member_token,
            &format!("/audit?record_type=user&record_id={mia}&action=update"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trail["items"][0]["fields"], json!(["roles"]), "{trail}");

    // With a second administrator, the first may step down.
    roles(mia, json!(["administrator"])).await;
    let (status, _) = roles(ada, json!(["sales", "finance"])).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get_as(&server.admin_token, "/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "Ada is no administrator now");

    // The users page shows the roles as checkboxes and saves them.
    let browser = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let (_, page) = browser.get("/admin/users").await;
    assert!(page.contains("value=\"data_protection_officer\""), "{page}");
    let (status, location, _) = browser
        .post(
            &format!("/admin/users/{ada}/roles"),
            &[("roles", "support"), ("roles", "read_only")],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/admin/users")
    );
    let (_, users) = server.get_as(&server.member_token, "/users").await;
    let ada_roles = find(&users, "id", ada)["roles"].clone();
    assert_eq!(ada_roles, json!(["support", "read_only"]));
    let (status, _, page) = browser
        .post(&format!("/admin/users/{mia}/roles"), &[("roles", "sales")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("without an administrator"));
}

async fn passwords_follow_the_tenant_policy(server: Server) {
    let (status, policy) = server
        .get_as(&server.admin_token, "/settings/password-policy")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(policy, json!({"min_length": 12, "rotation_days": null}));
    let put = |token: String, body: Value| {
        let server = &server;
        async move {
            let path = "/settings/password-policy";
            server.call(&token, "PUT", path, Some(body)).await
        }
    };
    for bad in [
        json!({"min_length": 4, "rotation_days": null}),
        json!({"min_length": 16, "rotation_days": 0}),
        json!({"min_length": 16, "rotation_days": null, "max_length": 20}),
    ] {
        let (status, _) = put(server.admin_token.clone(), bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (status, _) = put(
        server.member_token.clone(),
        json!({"min_length": 8, "rotation_days": null}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, policy) = put(
        server.admin_token.clone(),
        json!({"min_length": 16, "rotation_days": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{policy}");

    // Mia changes her password in the browser; the policy is applied.
    let laptop = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let phone = Browser::log_in(&server, "mia@example.com", "Phone Safari").await;
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        let laptop = &laptop;
        async move {
            let (_, page) = laptop.get("/account/password").await;
            let csrf = hidden_value(&page, "_csrf");
            let form = [
                ("_csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
                ("repeat_password", repeat),
            ];
            let url = format!("{}/account/password", laptop.base);
            let (status, _, body) = post_form(&laptop.client, &url, &form).await;
            (status, body)
        }
    };
    let new = "seven green kettles sing";
    for (current, next, repeat, says) in [
        ("not my password", new, new, "not your current password"),
        (
            PASSWORD,
            "short but sweet",
            "short but sweet",
            "at least 16",
        ),
        (
            PASSWORD,
            "qwertyuiop12345678",
            "qwertyuiop12345678",
            "most common",
        ),
        (PASSWORD, new, "something else entirely", "differ"),
    ] {
        let (status, page) = change(current, next, repeat).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        assert!(page.contains(says), "{says}: {page}");
    }
    assert!(phone.logged_in().await, "refused changes end nothing");
    let (status, page) = change(PASSWORD, new, new).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your password is changed"), "{page}");
    assert!(
        !phone.logged_in().await,
        "other sessions end with a password change"
    );
    assert!(laptop.logged_in().await);
    assert!(
        !can_log_in(&server, "mia@example.com").await,
        "the old password is gone"
    );

    // A password older than the rotation interval must be changed first.
    let pool = sqlx::AnyPool::connect(&server.database_url).await.unwrap();
    sqlx::query("UPDATE users SET password_changed_at = 0 WHERE user_id = $1")
        .bind(server.member_id)
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = laptop.get("/contacts").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let response = fetch(&laptop.client, &server.url("/contacts")).await;
    assert_eq!(response.headers()["location"], "/account/password");
    let (status, page) = laptop.get("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("older than your organisation allows"));
    let (status, _) = change(
        new,
        "nine blue lanterns hum softly",
        "nine blue lanterns hum softly",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = laptop.get("/contacts").await;
    assert_eq!(status, StatusCode::OK);
}

async fn log_in_with_code(server: &Server, email: &str, code: &str) -> StatusCode {
    submit_login(server, email, code, "test").await.1
}

async fn two_factor_is_set_up_used_and_required(server: Server) {
    use custodian_core::totp;
    let mia = Browser::log_in(&server, "mia@example.com", "Laptop Firefox").await;
    let (_, page) = mia.get("/account/two-factor").await;
    assert!(page.contains("<strong>Off.</strong>"), "{page}");
    let (status, _, offered) = mia.post("/account/two-factor/start", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let start =
        offered.find("<code id=\"totp-secret\">").unwrap() + "<code id=\"totp-secret\">".len();
    let secret = totp::from_base32(offered[start..].split('<').next().unwrap()).unwrap();
    assert!(offered.contains("otpauth://totp/"));
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    };
    let code_at = |step: i64| format!("{:06}", totp::hotp(&secret, step as u64, totp::DIGITS));

    // Wrong and malformed codes are refused and change nothing.
    let step = totp::step_at(now());
    let wrong = format!(
        "{:06}",
        (totp::hotp(&secret, step as u64, totp::DIGITS) + 1) % 1_000_000
    );
    let (status, _, page) = mia
        .post("/account/two-factor/confirm", &[("code", &wrong)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("does not match"));
    let (status, _, page) = mia
        .post("/account/two-factor/confirm", &[("code", "12ab56")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Type the 6 digits"));
    assert_eq!(
        log_in_with_code(&server, "mia@example.com", "").await,
        StatusCode::SEE_OTHER
    );

    // A right code turns it on; from then on a login needs a fresh code.
    let step = totp::step_at(now());
    let (status, location, _) = mia
        .post("/account/two-factor/confirm", &[("code", &code_at(step))])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/account/two-factor")
    );
    let (_, page) = mia.get("/account/two-factor").await;
    assert!(page.contains("<strong>On.</strong>"), "{page}");
    // The database keeps the secret sealed with the installation's key.
    let raw = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&server.database_url)
        .await
        .unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE user_id = $1")
        .bind(server.member_id)
        .fetch_one(&raw)
        .await
        .unwrap();
    assert!(
        !stored.windows(secret.len()).any(|w| w == secret.as_slice()),
        "the second factor's secret is kept in clear"
    );
    assert_eq!(
        log_in_with_code(&server, "mia@example.com", "").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_with_code(&server, "mia@example.com", &code_at(step)).await,
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
    assert_eq!(
        log_in_with_code(&server, "mia@example.com", &code_at(step + 1)).await,
        StatusCode::SEE_OTHER
    );

    // A lost phone: the administrator resets it; the trail shows both changes.
    let ada = Browser::log_in(&server, "ada@example.com", "Admin Browser").await;
    let (status, location, _) = ada
        .post(
            &format!("/admin/users/{}/reset-two-factor", server.member_id),
            &[],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/admin/users")
    );
    assert_eq!(
        log_in_with_code(&server, "mia@example.com", "").await,
        StatusCode::SEE_OTHER
    );
    let (_, trail) = server
        .get_as(
            &server.admin_token,
            &format!(
                "/audit?record_type=user&record_id={}&action=update",
                server.member_id
            ),
        )
        .await;
    let changes = items(&trail)
        .iter()
        .filter(|e| e["fields"] == json!(["two_factor"]))
        .count();
    assert_eq!(changes, 2, "{trail}");
    // Resetting again, with nothing left to remove, changes and records nothing.
    ada.post(
        &format!("/admin/users/{}/reset-two-factor", server.member_id),
        &[],
    )
    .await;
    let (_, again) = server
        .get_as(
            &server.admin_token,
            &format!(
                "/audit?record_type=user&record_id={}&action=update",
                server.member_id
            ),
        )
        .await;
    assert_eq!(items(&again).len(), items(&trail).len());

    // An answer that is neither "required" nor "optional" changes nothing.
    let (status, _, page) = ada
        .post(
            "/admin/security",
            &[
                ("min_length", "12"),
                ("rotation_days", ""),
                ("require_two_factor", "sometimes"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("required or up to each user"), "{page}");
    let (status, page) = ada.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("does not exist"));

    // Required for everyone: whoever has none sets it up first.
    let put = server
        .request(
            &server.admin_token,
            "PUT",
            "/settings/two-factor",
            Some(json!({"required": true})),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let (_, setting) = server
        .get_as(&server.admin_token, "/settings/two-factor")
        .await;
    assert_eq!(setting, json!({"required": true}));
    let response = fetch(&ada.client, &server.url("/contacts")).await;
    assert_eq!(response.headers()["location"], "/account/two-factor");
    let (status, page) = ada.get("/account/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("requires two-factor login"));
    let (status, _) = server.get_as(&server.admin_token, "/contacts").await;
    assert_eq!(status, StatusCode::OK, "API tokens are not logins");
}

on_both_backends!(
    sessions_are_seen_and_ended_by_their_user,
    tokens_are_made_used_and_revoked,
    an_administrator_ends_all_access_of_a_leaver,
    roles_are_assigned_with_care,
    passwords_follow_the_tenant_policy,
    two_factor_is_set_up_used_and_required,
    an_administrator_invites_a_user_who_sets_their_password,
    invitations_over_the_api_and_links_that_cannot_be_used,
);

/// The link the users page shows once, when no mail server takes it.
fn shown_link(page: &str) -> String {
    let start = page
        .find("id=\"made-link\"")
        .unwrap_or_else(|| panic!("no link shown in {page}"));
    let value = &page[start..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_string()
}

/// Opens the link's page and sets the password there, as the invited
/// person's browser would; the status and the page.
async fn set_password_by_link(link: &str, password: &str, again: &str) -> (StatusCode, String) {
    let client = browser_client(Some("invited"));
    let (status, form) = get_page(&client, link).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let csrf = hidden_value(&form, "_csrf");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("password", password),
        ("password_again", again),
    ];
    let (status, _, page) = post_form(&client, link, &fields).await;
    (status, page)
}

async fn an_administrator_invites_a_user_who_sets_their_password(server: Server) {
    let admin = Browser::log_in(&server, "ada@example.com", "laptop").await;
    let (status, page) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Invite a user"), "{page}");

    // A bad address and no role are answered beside the form; nobody is made.
    let (status, _, page) = admin
        .post(
            "/admin/users/invite",
            &[("email", "nora at example"), ("display_name", "Nora")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Give the user at least one role."), "{page}");
    assert!(
        page.contains("value=\"Nora\""),
        "what was typed stays: {page}"
    );

    let (status, _, page) = admin
        .post(
            "/admin/users/invite",
            &[
                ("email", "nora@example.com"),
                ("display_name", "Nora Neu"),
                ("roles", "support"),
                ("roles", "sales"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let link = shown_link(&page);
    assert!(
        link.starts_with(&format!("{}/invitation/", "http://127.0.0.1:8080"))
            || link.contains("/invitation/"),
        "{link}"
    );
    let link = format!(
        "{}{}",
        server.base,
        &link[link.find("/invitation/").unwrap()..]
    );
    let (_, users) = server.get_as(&server.admin_token, "/users").await;
    let nora = find(&users, "email", "nora@example.com");
    assert_eq!(nora["display_name"], "Nora Neu");
    assert_eq!(strings(&nora["roles"]), ["sales", "support"]);
    assert!(
        !can_log_in(&server, "nora@example.com").await,
        "no password yet"
    );

    // The same address again is refused.
    let (status, _, page) = admin
        .post(
            "/admin/users/invite",
            &[("email", "nora@example.com"), ("roles", "support")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");

    // Two different passwords, then one against the policy, then a good one.
    let (status, page) = set_password_by_link(&link, "a long enough password 1", "another").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The two passwords differ"), "{page}");
    let (status, _) = set_password_by_link(&link, "short", "short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, page) = set_password_by_link(&link, PASSWORD, PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your password is set"), "{page}");
    assert!(can_log_in(&server, "nora@example.com").await);

    // The link works once.
    let (status, page) = get_page(&browser_client(None), &link).await;
    assert_eq!(status, StatusCode::GONE, "{page}");

    // A new link for someone with a password is a new-password link, and
    // makes the old ones worthless; the trail says it was shown, not mailed.
    let nora_id = nora["id"].as_i64().unwrap();
    let (status, _, page) = admin
        .post(&format!("/admin/users/{nora_id}/link"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("new-password link for Nora Neu"), "{page}");
    let second = shown_link(&page);
    let (status, _, page) = admin
        .post(&format!("/admin/users/{nora_id}/link"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let third = shown_link(&page);
    let path = |l: &str| format!("{}{}", server.base, &l[l.find("/invitation/").unwrap()..]);
    let (status, _) = get_page(&browser_client(None), &path(&second)).await;
    assert_eq!(
        status,
        StatusCode::GONE,
        "a newer link spends the older one"
    );
    let (status, page) = get_page(&browser_client(None), &path(&third)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("A new password"), "{page}");
    server.app.audit().flush_audit().await;
    let (_, trail) = server
        .get_as(
            &server.admin_token,
            &format!("/audit?record_type=user&record_id={nora_id}"),
        )
        .await;
    let fields: Vec<String> = items(&trail)
        .iter()
        .flat_map(|e| {
            strings(&e["fields"])
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        fields.iter().any(|f| f == "invitation_link_shown"),
        "{trail}"
    );
    assert!(fields.iter().any(|f| f == "password_link_shown"), "{trail}");
    assert!(fields.iter().any(|f| f == "password"), "{trail}");
}

async fn invitations_over_the_api_and_links_that_cannot_be_used(server: Server) {
    let (status, made) = server
        .post_as(
            &server.admin_token,
            "/users/invitations",
            json!({"email": "otto@example.com", "display_name": "Otto", "roles": ["read_only"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["purpose"], "invitation");
    assert_eq!(made["mailed"], false);
    let link = made["link"].as_str().unwrap().to_string();
    let link = format!(
        "{}{}",
        server.base,
        &link[link.find("/invitation/").unwrap()..]
    );

    // Only administrators invite; unknown roles are refused.
    let (status, _) = server
        .post_as(
            &server.member_token,
            "/users/invitations",
            json!({"email": "eve@example.com", "roles": ["administrator"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = server
        .post_as(
            &server.admin_token,
            "/users/invitations",
            json!({"email": "eve@example.com", "roles": ["emperor"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // A link with a changed secret, or another tenant's user, lets nobody in.
    let forged = format!("{}0", &link[..link.len() - 1]);
    let forged = if forged == link {
        format!("{}1", &link[..link.len() - 1])
    } else {
        forged
    };
    let (status, _) = get_page(&browser_client(None), &forged).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let otto = made["user"]["id"].as_i64().unwrap();
    let (status, _) = server
        .post_as(
            &server.other_tenant_token,
            &format!("/users/{otto}/link"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Ending Otto's access makes his open link worthless.
    let (status, _) = server
        .post_as(
            &server.admin_token,
            &format!("/users/{otto}/end-access"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get_page(&browser_client(None), &link).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post_as(
            &server.admin_token,
            &format!("/users/{otto}/link"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
