//! FAQ pages in the back office: the articles (published and drafts), the
//! anonymisation step from a resolved ticket (what looks personal is
//! marked, with a box to redact each, all ticked), and the article form
//! where the editor reviews and publishes.

use crate::api::resources::FaqArticles;
use crate::csrf::CsrfForm;
use crate::pages::forms::{filled, lines, link, repeated};
use crate::pages::listing::next_href;
use crate::pages::path_id::PageId;
use crate::pages::record_form::{
    create, delete, edit_form, new_spec, show_form, update, FormRecord,
};
use crate::pages::session::PageSession;
use crate::pages::views::{allowed, error_page, options, render, FormField, Layout};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::records::ListParams;
use custodian_app::{App, AppError};
use custodian_core::access::Action;
use custodian_core::audit::RecordType;
use custodian_core::helpdesk::{redact_findings, FaqArticle, FaqInput, Finding};
use custodian_core::{FaqArticleId, TicketId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/faq-articles", get(list).post(create::<FaqArticles>))
        .route("/faq-articles/new", get(new_form))
        .route("/faq-articles/{id}", get(show).post(update::<FaqArticles>))
        .route("/faq-articles/{id}/edit", get(edit_form::<FaqArticles>))
        .route("/faq-articles/{id}/delete", post(delete::<FaqArticles>))
        .route("/tickets/{id}/faq", get(draft).post(make_draft))
}

/// The FAQ article form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FaqForm {
    title: String,
    body: String,
    #[serde(deserialize_with = "filled")]
    category: Option<String>,
    status: String,
    #[serde(deserialize_with = "link")]
    source_ticket_id: Option<i64>,
    #[serde(deserialize_with = "lines")]
    keep: Vec<String>,
}

impl FormRecord for FaqArticles {
    const NOUN: &'static str = "FAQ article";

    type Form = FaqForm;

    fn from_form(form: FaqForm) -> FaqInput {
        FaqInput {
            title: form.title,
            body: form.body,
            category: form.category,
            published: form.status == "published",
            source_ticket_id: form.source_ticket_id.map(TicketId),
            keep: form.keep,
        }
    }

    fn to_input(record: &FaqArticle) -> FaqInput {
        record.to_input()
    }

    fn name(record: &FaqArticle) -> String {
        format!("“{}”", record.title)
    }

    async fn fields(
        _app: &App,
        _session: &PageSession,
        input: &FaqInput,
    ) -> Result<Vec<FormField>, AppError> {
        let status = if input.published {
            "published"
        } else {
            "draft"
        };
        let mut fields = vec![
            FormField::input("title", "Question", "text", &input.title),
            FormField::textarea("body", "Answer", &input.body),
            FormField::input(
                "category",
                "Topic (e.g. Printers, Billing)",
                "text",
                input.category.clone().unwrap_or_default(),
            ),
            FormField::select(
                "status",
                "Status",
                options(
                    [
                        ("draft".to_string(), "Draft (staff only)".to_string()),
                        (
                            "published".to_string(),
                            "Published in the portal".to_string(),
                        ),
                    ],
                    &[status.to_string()],
                    None,
                ),
            ),
            FormField::textarea(
                "keep",
                "Kept on purpose: text that looks personal but is not (one per line)",
                input.keep.join("\n"),
            ),
        ];
        if let Some(ticket) = input.source_ticket_id {
            fields.push(FormField::input(
                "source_ticket_id",
                "Made from ticket (internal, never shown in the portal)",
                "hidden",
                ticket.to_string(),
            ));
        }
        Ok(fields)
    }
}

async fn new_form(State(app): State<App>, session: PageSession) -> Response {
    show_form::<FaqArticles>(
        &app,
        &session,
        new_spec::<FaqArticles>(),
        &FaqInput::default(),
        None,
    )
    .await
}

struct Row {
    href: String,
    title: String,
    category: String,
    status: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "pages/helpdesk/faq_articles.html")]
struct FaqListPage {
    layout: Layout,
    drafts: bool,
    q: String,
    rows: Vec<Row>,
    can_create: bool,
    next_href: Option<String>,
}

deref_layout!(FaqListPage);

async fn list(
    State(app): State<App>,
    session: PageSession,
    Query(params): Query<ListParams>,
) -> Response {
    let drafts = params.status.as_deref() == Some("draft");
    let asked = ListParams {
        status: Some(if drafts { "draft" } else { "published" }.into()),
        ..params.clone()
    };
    match app
        .helpdesk()
        .faq_articles(&session.principal, &asked)
        .await
    {
        Ok(page) => render(&FaqListPage {
            layout: Layout::new(&session, ""),
            drafts,
            q: params.q.clone().unwrap_or_default(),
            rows: page
                .items
                .iter()
                .map(|a| Row {
                    href: format!("/faq-articles/{}", a.id),
                    title: a.title.clone(),
                    category: a.category.clone(),
                    status: if a.published_at.is_some() {
                        "Published"
                    } else {
                        "Draft"
                    },
                    updated: format!("{} UTC", a.updated_at.display()),
                })
                .collect(),
            can_create: allowed(&session, RecordType::FaqArticle, Action::Create),
            next_href: next_href("/faq-articles", &asked, page.next_cursor),
        }),
        Err(error) => error_page(error),
    }
}

#[derive(Template)]
#[template(path = "pages/helpdesk/faq_article.html")]
struct ArticlePage {
    layout: Layout,
    id: i64,
    article: FaqArticle,
    can_edit: bool,
    can_delete: bool,
}

deref_layout!(ArticlePage);

async fn show(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .helpdesk()
        .faq_article(&session.principal, FaqArticleId(id))
        .await
    {
        Ok(article) => render(&ArticlePage {
            layout: Layout::new(&session, ""),
            id,
            article,
            can_edit: allowed(&session, RecordType::FaqArticle, Action::Update),
            can_delete: allowed(&session, RecordType::FaqArticle, Action::Delete),
        }),
        Err(error) => error_page(error),
    }
}

/// A piece of the draft's text: plain, or a finding with its box.
struct Piece {
    text: String,
    finding: Option<(String, &'static str)>,
}

fn pieces(text: &str, findings: &[Finding], prefix: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for (i, f) in findings.iter().enumerate() {
        if f.start < at {
            continue;
        }
        out.push(Piece {
            text: text[at..f.start].to_string(),
            finding: None,
        });
        out.push(Piece {
            text: f.text.clone(),
            finding: Some((format!("{prefix}{i}"), f.kind.label())),
        });
        at = f.end;
    }
    out.push(Piece {
        text: text[at..].to_string(),
        finding: None,
    });
    out
}

#[derive(Template)]
#[template(path = "pages/helpdesk/faq_draft.html")]
struct DraftPage {
    layout: Layout,
    ticket: i64,
    title: Vec<Piece>,
    body: Vec<Piece>,
    found: usize,
}

deref_layout!(DraftPage);

async fn draft(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .helpdesk()
        .faq_draft(&session.principal, TicketId(id))
        .await
    {
        Ok(draft) => render(&DraftPage {
            layout: Layout::new(&session, ""),
            ticket: id,
            found: draft.title_findings.len() + draft.body_findings.len(),
            title: pieces(&draft.title, &draft.title_findings, "t"),
            body: pieces(&draft.body, &draft.body_findings, "b"),
        }),
        Err(error) => error_page(error),
    }
}

/// The findings ticked for redaction: "t2" is the title's third, "b0" the
/// body's first.
#[derive(Deserialize)]
struct RedactionChoice {
    #[serde(default, deserialize_with = "repeated")]
    redact: Vec<String>,
}

/// Saves the draft with the ticked redactions applied, as an article draft
/// for the editor to review.
async fn make_draft(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<RedactionChoice>,
) -> Response {
    let draft = match app
        .helpdesk()
        .faq_draft(&session.principal, TicketId(id))
        .await
    {
        Ok(draft) => draft,
        Err(error) => return error_page(error),
    };
    let accepted = |findings: &[Finding], prefix: &str| -> Vec<Finding> {
        findings
            .iter()
            .enumerate()
            .filter(|(i, _)| form.redact.contains(&format!("{prefix}{i}")))
            .map(|(_, f)| f.clone())
            .collect()
    };
    let input = FaqInput {
        title: redact_findings(&draft.title, &accepted(&draft.title_findings, "t")),
        body: redact_findings(&draft.body, &accepted(&draft.body_findings, "b")),
        category: None,
        published: false,
        source_ticket_id: Some(TicketId(id)),
        keep: Vec::new(),
    };
    match app
        .helpdesk()
        .create_faq_article(&session.principal, &input)
        .await
    {
        Ok(article) => Redirect::to(&format!("/faq-articles/{}/edit", article.id)).into_response(),
        Err(error) => error_page(error),
    }
}
