//! The retention page: the tenant's rules in words, a form to add or change
//! one, the contract end, and the way to holds, the review list and runs.

use crate::csrf::CsrfForm;
use crate::pages::forms::{filled, NoFields};
use crate::pages::path_id::PageId;
use crate::pages::session::PageSession;
use crate::pages::views::{error_page, refusal_lines, refused_if, render, Layout, SelectOption};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::access::{Action, Area};
use custodian_core::activities::ActivityKind;
use custodian_core::retention::{
    RetainedType, RetentionAction, RetentionRule, RetentionTrigger, RuleInput,
};
use custodian_core::{RetentionRuleId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/privacy/retention", get(overview))
        .route("/privacy/retention/rules", get(overview).post(create))
        .route("/privacy/retention/rules/{id}", get(edit).post(update))
        .route("/privacy/retention/rules/{id}/delete", post(delete))
        .route("/privacy/retention/contract-end", post(set_contract_end))
}

struct RuleRow {
    id: i64,
    sentence: String,
    description: String,
    enabled: bool,
}

struct RuleForm {
    title: String,
    action: String,
    editing: bool,
    record_types: Vec<SelectOption>,
    triggers: Vec<SelectOption>,
    actions: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    period: String,
    description: String,
    enabled: bool,
    confirm: bool,
    errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "pages/retention/rules.html")]
struct RetentionPage {
    layout: Layout,
    can_change: bool,
    can_set_contract_end: bool,
    rules: Vec<RuleRow>,
    form: RuleForm,
    contract_end: String,
    contract_errors: Vec<String>,
    open_reviews: u64,
}

deref_layout!(RetentionPage);

fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    chosen: &str,
) -> Vec<SelectOption> {
    all.iter()
        .map(|v| SelectOption {
            value: value(*v).into(),
            label: label(*v).into(),
            selected: value(*v) == chosen,
        })
        .collect()
}

fn rule_form(id: Option<i64>, input: &RuleInput, errors: Option<&ValidationErrors>) -> RuleForm {
    let kind = input.activity_kind.as_deref().unwrap_or("");
    let mut kinds = vec![SelectOption {
        value: String::new(),
        label: "— every kind —".into(),
        selected: kind.is_empty(),
    }];
    kinds.extend(options(
        &ActivityKind::ALL,
        ActivityKind::as_str,
        ActivityKind::label,
        kind,
    ));
    RuleForm {
        title: match id {
            Some(_) => "Change the rule".into(),
            None => "New rule".into(),
        },
        action: id.map_or("/privacy/retention/rules".into(), |id| {
            format!("/privacy/retention/rules/{id}")
        }),
        editing: id.is_some(),
        record_types: options(
            RetainedType::ALL,
            RetainedType::as_str,
            RetainedType::label,
            &input.record_type,
        ),
        triggers: options(
            RetentionTrigger::ALL,
            RetentionTrigger::as_str,
            RetentionTrigger::label,
            &input.trigger,
        ),
        actions: options(
            RetentionAction::ALL,
            RetentionAction::as_str,
            RetentionAction::label,
            &input.action,
        ),
        kinds,
        period: input.period.clone(),
        description: input.description.clone().unwrap_or_default(),
        enabled: input.enabled,
        confirm: input.confirm_acts_on_everything,
        errors: errors.map(refusal_lines).unwrap_or_default(),
    }
}

fn as_input(rule: &RetentionRule) -> RuleInput {
    RuleInput {
        record_type: rule.record_type.as_str().into(),
        trigger: rule.trigger.as_str().into(),
        period: rule.period.label(),
        action: rule.action.as_str().into(),
        activity_kind: rule.activity_kind.map(|k| k.as_str().into()),
        description: Some(rule.description.clone()),
        enabled: rule.enabled,
        confirm_acts_on_everything: rule.period.is_zero()
            || rule.trigger == RetentionTrigger::TenantContractEnd,
    }
}

fn blank_input() -> RuleInput {
    RuleInput {
        record_type: RetainedType::Contact.as_str().into(),
        trigger: RetentionTrigger::LastActivity.as_str().into(),
        action: RetentionAction::Review.as_str().into(),
        enabled: true,
        ..RuleInput::default()
    }
}

async fn page(
    app: &App,
    session: &PageSession,
    form: RuleForm,
    contract_errors: Vec<String>,
) -> Response {
    let principal = &session.principal;
    let (rules, contract_end, open_reviews) = match (
        app.retention().retention_rules(principal).await,
        app.retention().contract_end(principal).await,
        app.retention().open_review_count(principal).await,
    ) {
        (Ok(rules), Ok(end), Ok(open)) => (rules, end, open),
        (Err(error), ..) | (_, Err(error), _) | (.., Err(error)) => return error_page(error),
    };
    let refused = !form.errors.is_empty() || !contract_errors.is_empty();
    refused_if(
        refused,
        render(&RetentionPage {
            layout: Layout::new(session, ""),
            can_change: principal.authorize(Area::Privacy, Action::Update).is_ok(),
            can_set_contract_end: principal
                .authorize(Area::Administration, Action::Update)
                .is_ok(),
            rules: rules
                .iter()
                .map(|r| RuleRow {
                    id: r.id.0,
                    sentence: r.sentence(),
                    description: r.description.clone(),
                    enabled: r.enabled,
                })
                .collect(),
            form,
            contract_end: contract_end.map(|d| d.to_iso()).unwrap_or_default(),
            contract_errors,
            open_reviews,
        }),
    )
}

async fn overview(State(app): State<App>, session: PageSession) -> Response {
    page(
        &app,
        &session,
        rule_form(None, &blank_input(), None),
        Vec::new(),
    )
    .await
}

async fn edit(State(app): State<App>, session: PageSession, PageId(id): PageId) -> Response {
    match app
        .retention()
        .retention_rule(&session.principal, RetentionRuleId(id))
        .await
    {
        Ok(rule) => {
            page(
                &app,
                &session,
                rule_form(Some(id), &as_input(&rule), None),
                Vec::new(),
            )
            .await
        }
        Err(error) => error_page(error),
    }
}

/// The rule form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SubmittedRule {
    record_type: String,
    trigger: String,
    period: String,
    action: String,
    #[serde(deserialize_with = "filled")]
    activity_kind: Option<String>,
    #[serde(deserialize_with = "filled")]
    description: Option<String>,
    enabled: String,
    confirm_acts_on_everything: String,
}

fn input_from(form: SubmittedRule) -> RuleInput {
    RuleInput {
        record_type: form.record_type,
        trigger: form.trigger,
        period: form.period,
        action: form.action,
        activity_kind: form.activity_kind,
        description: form.description,
        enabled: form.enabled == "true",
        confirm_acts_on_everything: form.confirm_acts_on_everything == "true",
    }
}

/// Adds a rule (`id` None) or changes one; refusals go back to the form.
async fn save(app: &App, session: &PageSession, id: Option<i64>, data: SubmittedRule) -> Response {
    let input = input_from(data);
    let saved = match id {
        None => {
            app.retention()
                .create_retention_rule(&session.principal, &input)
                .await
        }
        Some(id) => {
            app.retention()
                .update_retention_rule(&session.principal, RetentionRuleId(id), &input)
                .await
        }
    };
    match saved {
        Ok(_) => Redirect::to("/privacy/retention").into_response(),
        Err(AppError::Validation(errors)) => {
            page(
                app,
                session,
                rule_form(id, &input, Some(&errors)),
                Vec::new(),
            )
            .await
        }
        Err(error) => error_page(error),
    }
}

async fn create(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<SubmittedRule>,
) -> Response {
    save(&app, &session, None, form).await
}

async fn update(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(form): CsrfForm<SubmittedRule>,
) -> Response {
    save(&app, &session, Some(id), form).await
}

async fn delete(
    State(app): State<App>,
    session: PageSession,
    PageId(id): PageId,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    match app
        .retention()
        .delete_retention_rule(&session.principal, RetentionRuleId(id))
        .await
    {
        Ok(()) => Redirect::to("/privacy/retention").into_response(),
        Err(error) => error_page(error),
    }
}

/// The day the tenant's contract ends.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ContractEndForm {
    contract_ends_on: String,
}

async fn set_contract_end(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<ContractEndForm>,
) -> Response {
    match app
        .retention()
        .set_contract_end(&session.principal, &form.contract_ends_on)
        .await
    {
        Ok(_) => Redirect::to("/privacy/retention").into_response(),
        Err(AppError::Validation(errors)) => {
            let blank = rule_form(None, &blank_input(), None);
            page(&app, &session, blank, refusal_lines(&errors)).await
        }
        Err(error) => error_page(error),
    }
}
