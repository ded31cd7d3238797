//! Every form refuses a post without its CSRF token. The test finds the
//! forms the way a visitor would: it signs in to the demo tenant (back
//! office and portal), follows the site's links, and collects every form
//! that posts; each is then sent without a token and with a wrong one, and
//! must answer 403 and change nothing.

mod support;

use reqwest::{Client, StatusCode};
use std::collections::{BTreeSet, VecDeque};
use support::{browser_client, location, submit_login, TestApp};

/// The value of attribute `name` in one tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let value = tag[start..].split('"').next()?;
    Some(value.replace("&amp;", "&"))
}

/// The tags `<name …>` of a page.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    html.match_indices(open.as_str())
        .filter_map(|(at, _)| html[at..].split_once('>').map(|(tag, _)| tag))
        .collect()
}

/// A link worth following: a page of this site, not a download or a way
/// out of the session.
fn followable(href: &str, scope: &str) -> bool {
    href.starts_with(scope)
        && !href.starts_with("//")
        && !href.contains("logout")
        && !href.contains(".csv")
        && !href.contains(".json")
        && !href.contains("/download")
        && !href.contains("/attachments/")
        && !href.contains("/static/")
}

/// Crawls from `start` under `scope` and returns the actions of the forms
/// that post, with the number of pages seen.
async fn post_forms(
    client: &Client,
    base: &str,
    start: &[&str],
    scope: &str,
) -> (BTreeSet<String>, usize) {
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut forms = BTreeSet::new();
    let mut pages = 0;
    // Pages of one kind (a contact, a ticket) show the same forms: a few of
    // each shape are enough.
    let mut shapes: std::collections::BTreeMap<String, usize> = Default::default();
    while let Some(path) = queue.pop_front() {
        if pages >= 400 {
            break;
        }
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        if response.status().is_redirection() {
            let to = location(&response);
            if followable(&to, scope) && seen.insert(to.clone()) {
                queue.push_back(to);
            }
            continue;
        }
        if response.status() != StatusCode::OK {
            continue;
        }
        pages += 1;
        let html = response.text().await.unwrap();
        for form in tags(&html, "form") {
            if attribute(form, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
                let action = attribute(form, "action").unwrap_or_else(|| path.clone());
                forms.insert(action);
            }
        }
        for link in tags(&html, "a") {
            let Some(href) = attribute(link, "href") else {
                continue;
            };
            let href = href.split('#').next().unwrap_or_default().to_string();
            if !followable(&href, scope) || seen.contains(&href) {
                continue;
            }
            let shape: String = href
                .split('?')
                .next()
                .unwrap_or_default()
                .split('/')
                .map(|part| {
                    if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() {
                        "{id}"
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let count = shapes.entry(shape).or_default();
            if *count >= 3 {
                continue;
            }
            *count += 1;
            seen.insert(href.clone());
            queue.push_back(href);
        }
    }
    (forms, pages)
}

/// Posts to every action without a token and with a wrong one.
async fn refused_without_token(client: &Client, base: &str, actions: &BTreeSet<String>) {
    for action in actions {
        for body in ["name=x", "_csrf=0000&name=x"] {
            let response = client
                .post(format!("{base}{action}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "POST {action} with {body:?} was not refused"
            );
        }
    }
}

#[tokio::test]
async fn every_form_refuses_a_post_without_its_token() {
    let t = TestApp::sqlite().await;
    let demo = t.app.ensure_demo().await.unwrap();
    let base = t.base.clone();

    // Before a session: the login forms of both sides.
    let anonymous = browser_client(None);
    let (before, _) = post_forms(&anonymous, &base, &["/login", "/portal/login"], "/portal").await;
    assert!(before.contains("/login"), "{before:?}");
    assert!(before.contains("/portal/login"), "{before:?}");
    refused_without_token(&anonymous, &base, &before).await;

    // The back office, signed in as the demo's administrator.
    let staff = browser_client(None);
    let fields = [("email", demo.email), ("password", demo.password)];
    let signed_in = submit_login(&staff, &base, "/login", &fields).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (office, pages) = post_forms(
        &staff,
        &base,
        &[
            "/contacts",
            "/organisations",
            "/tickets",
            "/privacy",
            "/account",
            "/settings",
        ],
        "/",
    )
    .await;
    let shapes: BTreeSet<String> = office
        .iter()
        .map(|a| {
            a.split('/')
                .map(|p| if p.parse::<i64>().is_ok() { "{id}" } else { p })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert!(
        shapes.len() >= 40,
        "only {} kinds of form found on {pages} pages: {shapes:#?}",
        shapes.len()
    );
    eprintln!(
        "{} back-office forms of {} kinds on {pages} pages",
        office.len(),
        shapes.len()
    );
    refused_without_token(&staff, &base, &office).await;
    // Nothing was signed out by the refused posts.
    let still = staff.get(format!("{base}/contacts")).send().await.unwrap();
    assert_eq!(still.status(), StatusCode::OK);

    // The portal, signed in as the demo's contact person.
    let portal_email = demo.portal_email.expect("the demo has a portal login");
    let person = browser_client(None);
    let fields = [
        ("email", portal_email.as_str()),
        ("password", demo.password),
    ];
    let signed_in = submit_login(&person, &base, "/portal/login", &fields).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (portal, pages) = post_forms(&person, &base, &["/portal"], "/portal").await;
    assert!(portal.len() >= 5, "{pages} pages: {portal:?}");
    eprintln!("{} portal forms on {pages} pages: {portal:?}", portal.len());
    refused_without_token(&person, &base, &portal).await;
}
