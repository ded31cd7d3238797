//! FAQ articles from anonymised tickets, over the API, on SQLite and (with
//! CUSTODIAN_TEST_POSTGRES_URL) PostgreSQL: a resolved ticket seeded with
//! personal data of every kind becomes a draft whose findings name each
//! one; with the suggested redactions accepted, the published article holds
//! none of the values; publishing the raw text is refused. A sales user
//! works here: they create contacts and work in the helpdesk.

mod support;
use support::{items, on_both_backends, postgres, sqlite, texts, Story, TestApp};

use custodian_core::access::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

support::fixture! { World { token: String } }

impl Story for World {
    async fn start(t: TestApp) -> World {
        let (_, token) = t
            .tenant_with_user(
                "Brauhaus Nord",
                "greta@support.example",
                "Greta Gerber",
                Role::Sales,
            )
            .await;
        World { token, t }
    }
}

impl World {
    /// A call to the API as the story's user.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.t.call(&self.token, method, path, body).await
    }
}

const PERSONAL: &[&str] = &[
    "Ida Kessel",
    "Kessel",
    "Olaf Brandt",
    "Greta Gerber",
    "Greta",
    "ida.kessel@brauhaus.example",
    "greta@support.example",
    "+49 30 1234567",
    "030 98765432",
    "Hauptstraße 5",
    "10115",
    "DE89 3704 0044 0532 0130 00",
    "4111 1111 1111 1111",
    "https://shop.example/orders/884213?session=abc",
];

async fn a_resolved_ticket_becomes_an_impersonal_article(world: World) {
    let (_, org) = world
        .call(
            "POST",
            "/organisations",
            Some(json!({"name": "Brauhaus Nord"})),
        )
        .await;
    let (status, ida) = world
        .call("POST", "/contacts", Some(json!({"first_name": "Ida", "last_name": "Kessel", "emails": ["ida.kessel@brauhaus.example"], "organisation_id": org["id"]})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ida}");
    world
        .call(
            "POST",
            "/contacts",
            Some(
                json!({"first_name": "Olaf", "last_name": "Brandt", "organisation_id": org["id"]}),
            ),
        )
        .await;
    let (status, ticket) = world
        .call(
            "POST",
            "/tickets",
            Some(json!({
                "subject": "Ida Kessel: bottling line stops after update",
                "description": "Hello, this is Ida Kessel (ida.kessel@brauhaus.example, +49 30 1234567), Hauptstraße 5, 10115 Berlin. \
                    Since the firmware update the bottling line stops every hour. My colleague Olaf Brandt saw error E-23. \
                    Please debit DE89 3704 0044 0532 0130 00 or card 4111 1111 1111 1111 for the visit; \
                    our order is https://shop.example/orders/884213?session=abc.",
                "contact_id": ida["id"],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    let id = ticket["id"].as_i64().unwrap();
    let (status, _) = world
        .call(
            "POST",
            &format!("/tickets/{id}/messages"),
            Some(json!({"body": "Greta Gerber here (greta@support.example, 030 98765432). After the update, hold the reset button of the labeller for ten seconds; the line then starts again. See https://docs.example/labeller/reset.", "status": "resolved"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // An internal note never reaches the draft.
    world
        .call(
            "POST",
            &format!("/tickets/{id}/messages"),
            Some(json!({"body": "Customer is grumpy.", "visibility": "internal"})),
        )
        .await;

    let (status, draft) = world
        .call("GET", &format!("/tickets/{id}/faq-draft"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert!(!draft["body"].as_str().unwrap().contains("grumpy"));
    let kinds = texts(&draft["body_findings"], "kind");
    for kind in [
        "name", "email", "phone", "address", "postcode", "iban", "card", "link",
    ] {
        assert!(kinds.contains(&kind), "no {kind} found in {draft}");
    }
    assert_eq!(draft["title_findings"][0]["text"], "Ida Kessel");
    let (title, body) = (
        draft["redacted_title"].as_str().unwrap(),
        draft["redacted_body"].as_str().unwrap(),
    );
    assert!(body.contains("hold the reset button of the labeller for ten seconds"));
    assert!(
        body.contains("https://docs.example/labeller/reset"),
        "a plain link stays"
    );
    assert!(body.contains("error E-23"), "not personal, kept");

    // The raw text is refused, naming what is left.
    let (status, refused) = world
        .call(
            "POST",
            "/faq-articles",
            Some(json!({"title": draft["title"], "body": draft["body"], "published": true})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes = texts(&refused["errors"], "code");
    assert_eq!(
        codes,
        ["personal_data_found", "personal_data_found"],
        "{refused}"
    );
    let (_, listed) = world.call("GET", "/faq-articles?status=", None).await;
    assert_eq!(listed["items"], json!([]), "nothing was stored");

    // With the suggestions accepted it is published, and no value is left.
    let (status, article) = world
        .call(
            "POST",
            "/faq-articles",
            Some(json!({"title": title, "body": body, "category": "Bottling", "published": true, "source_ticket_id": id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{article}");
    assert!(article["published_at"].is_string());
    let (_, stored) = world
        .call("GET", &format!("/faq-articles/{}", article["id"]), None)
        .await;
    let text = format!("{} {}", stored["title"], stored["body"]);
    for value in PERSONAL {
        assert!(
            !text.contains(value),
            "{value} is in the published article: {text}"
        );
    }
    let (_, published) = world
        .call("GET", "/faq-articles?status=published&q=labeller", None)
        .await;
    assert_eq!(items(&published).len(), 1);

    // Kept on purpose: a word that looks like a name but is a product.
    let (status, kept) = world
        .call(
            "POST",
            "/faq-articles",
            Some(json!({"title": "Cleaning the Kessel valve", "body": "Rinse it weekly.", "published": true, "keep": ["Kessel"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");

    // Only a resolved ticket is a source.
    let (_, open) = world
        .call(
            "POST",
            "/tickets",
            Some(json!({"subject": "Still open", "contact_id": ida["id"]})),
        )
        .await;
    let (status, refused) = world
        .call("GET", &format!("/tickets/{}/faq-draft", open["id"]), None)
        .await;
    assert_eq!(
        (status, refused["errors"][0]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("ticket_not_resolved")
        )
    );
}

on_both_backends!(a_resolved_ticket_becomes_an_impersonal_article);
