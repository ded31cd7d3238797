//! The privacy area over the API: processing purposes with their lawful
//! bases, on SQLite and (with CUSTODIAN_TEST_POSTGRES_URL) on PostgreSQL.

#[macro_use]
mod backends;

use custodian_app::App;
use custodian_core::access::Role;
use custodian_core::audit::Actor;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

struct Server {
    base: String,
    client: Client,
    dpo: String,
    support: String,
    _dir: Option<tempfile::TempDir>,
}

async fn start(database_url: String, dir: Option<tempfile::TempDir>) -> Server {
    let app = App::open(&database_url).await.unwrap();
    let tenant = app.create_tenant("Privacy GmbH").await.unwrap().id;
    let mut tokens = Vec::new();
    for (email, role) in [
        ("dpo@privacy.example", Role::DataProtectionOfficer),
        ("support@privacy.example", Role::Support),
    ] {
        let user = app
            .create_user(
                tenant,
                email,
                "",
                "a long enough password",
                role,
                Actor::SYSTEM,
            )
            .await
            .unwrap();
        tokens.push(
            app.create_api_token(tenant, user.id, "test", Actor::SYSTEM)
                .await
                .unwrap()
                .1,
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(custodian_web::serve(app, listener));
    Server {
        base,
        client: Client::new(),
        support: tokens.pop().unwrap(),
        dpo: tokens.pop().unwrap(),
        _dir: dir,
    }
}

async fn sqlite() -> Server {
    let (url, dir) = backends::sqlite_url("privacy.db");
    start(url, Some(dir)).await
}

async fn postgres() -> Option<Server> {
    Some(start(backends::postgres_url().await?, None).await)
}

impl Server {
    async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}/api/v1{path}", self.base);
        let mut request = match method {
            "POST" => self.client.post(url),
            "PUT" => self.client.put(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.get(url),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.bearer_auth(token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
        .unwrap_or_default()
}

async fn the_dpo_keeps_the_record_of_processing(server: Server) {
    // A new tenant starts with the defaults of a B2B CRM.
    let (status, purposes) = server.call(&server.dpo, "GET", "/purposes", None).await;
    assert_eq!(status, StatusCode::OK);
    let items = purposes["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{purposes}");
    let basis = |name: &str| {
        items
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["lawful_basis"].clone())
    };
    assert_eq!(basis("Marketing communications"), Some(json!("consent")));
    assert_eq!(
        basis("Invoicing and bookkeeping"),
        Some(json!("legal_obligation"))
    );

    let event = json!({
        "name": "Event invitations",
        "description": "Invitations to our customer days",
        "lawful_basis": "consent",
        "categories": ["identifier", "contact"],
        "retention": "Until consent is withdrawn",
        "recipients": ["Event agency (processor)"],
    });
    let (status, created) = server
        .call(&server.dpo, "POST", "/purposes", Some(event.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["recipients"], json!(["Event agency (processor)"]));

    let mut changed = event.clone();
    changed["lawful_basis"] = json!("legitimate_interests");
    changed["categories"] = json!(["identifier", "contact", "special_category"]);
    changed["special_category_condition"] = json!("explicit_consent");
    let (status, updated) = server
        .call(
            &server.dpo,
            "PUT",
            &format!("/purposes/{id}"),
            Some(changed),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["special_category_condition"], "explicit_consent");

    // Bad input: clear 4xx, nothing changed.
    let (status, answer) = server
        .call(&server.dpo, "POST", "/purposes", Some(event.clone()))
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"))
    );
    let (status, answer) = server
        .call(
            &server.dpo,
            "PUT",
            &format!("/purposes/{id}"),
            Some(json!({"name": "Event invitations", "lawful_basis": "because", "categories": ["special_category", "gossip"], "retention": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&answer),
        [
            "unknown_lawful_basis",
            "unknown_category",
            "condition_required",
            "required"
        ]
    );
    let (_, unchanged) = server
        .call(&server.dpo, "GET", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(unchanged["lawful_basis"], "legitimate_interests");

    // Support staff do not keep the register.
    let (status, _) = server.call(&server.support, "GET", "/purposes", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = server
        .call(&server.dpo, "DELETE", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(&server.dpo, "GET", &format!("/purposes/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every change is on the trail.
    let (_, trail) = server
        .call(
            &server.dpo,
            "GET",
            &format!("/audit?record_type=purpose&record_id={id}"),
            None,
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"], "{trail}");
}

on_both_backends!(the_dpo_keeps_the_record_of_processing,);
