//! Changing one's own password (also the page an expired password leads
//! to), and the administrator's password policy.

use super::session::PageSession;
use super::views::{attach_errors, error_page, render, FieldKind, FormField, Layout, SelectOption};
use crate::csrf::CsrfForm;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use custodian_app::{App, AppError};
use custodian_core::passwords::PasswordPolicy;
use custodian_core::{SessionId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
        .route("/admin/security", get(policy_form).post(save_policy))
}

#[derive(askama::Template)]
#[template(path = "pages/password.html")]
struct PasswordPage {
    layout: Layout,
    expired: bool,
    done: bool,
    min_length: u32,
    fields: Vec<FormField>,
}

#[derive(askama::Template)]
#[template(path = "pages/security.html")]
struct PolicyPage {
    layout: Layout,
    saved: bool,
    fields: Vec<FormField>,
}

deref_layout!(PasswordPage, PolicyPage);

// The field template matches on its variants.
#[allow(dead_code)]
type UsedByTemplates = FieldKind;

fn password_fields() -> Vec<FormField> {
    vec![
        FormField::input("current_password", "Current password", "password", ""),
        FormField::input("new_password", "New password", "password", ""),
        FormField::input("repeat_password", "New password again", "password", ""),
    ]
}

async fn password_page(
    app: &App,
    session: &PageSession,
    done: bool,
    errors: Option<&ValidationErrors>,
) -> Response {
    let min_length = match app.own_password_policy(&session.principal).await {
        Ok(policy) => policy.min_length,
        Err(error) => return error_page(error),
    };
    let mut fields = password_fields();
    if let Some(errors) = errors {
        attach_errors(&mut fields, errors);
    }
    let page = render(&PasswordPage {
        layout: Layout::new(session, ""),
        expired: session.password_expired,
        done,
        min_length,
        fields,
    });
    match errors {
        Some(_) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        None => page,
    }
}

async fn password_form(State(app): State<App>, session: PageSession) -> Response {
    password_page(&app, &session, false, None).await
}

/// The change-password form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordChange {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

async fn change_password(
    State(app): State<App>,
    mut session: PageSession,
    CsrfForm(form): CsrfForm<PasswordChange>,
) -> Response {
    let (new, repeat) = (form.new_password, form.repeat_password);
    if new != repeat {
        let errors = ValidationErrors::single(
            "repeat_password",
            "mismatch",
            "The two new passwords differ.",
        );
        return password_page(&app, &session, false, Some(&errors)).await;
    }
    match app
        .change_password(
            &session.principal,
            &form.current_password,
            &new,
            Some(SessionId(session.session_id)),
        )
        .await
    {
        Ok(()) => {
            session.password_expired = false;
            password_page(&app, &session, true, None).await
        }
        Err(AppError::Validation(errors)) => {
            password_page(&app, &session, false, Some(&errors)).await
        }
        Err(error) => error_page(error),
    }
}

fn policy_fields(min_length: String, rotation_days: String, two_factor: bool) -> Vec<FormField> {
    vec![
        FormField::select(
            "require_two_factor",
            "Two-factor login",
            vec![
                SelectOption {
                    value: "optional".into(),
                    label: "Each user decides".into(),
                    selected: !two_factor,
                },
                SelectOption {
                    value: "required".into(),
                    label: "Required for every user".into(),
                    selected: two_factor,
                },
            ],
        ),
        FormField::input(
            "min_length",
            "Minimum length (8 to 128 characters)",
            "number",
            min_length,
        ),
        FormField::input(
            "rotation_days",
            "Change passwords every … days (empty: never)",
            "number",
            rotation_days,
        ),
    ]
}

async fn policy_form(State(app): State<App>, session: PageSession) -> Response {
    let required = match app.two_factor_required(&session.principal).await {
        Ok(required) => required,
        Err(error) => return error_page(error),
    };
    match app.password_policy(&session.principal).await {
        Ok(policy) => render(&PolicyPage {
            layout: Layout::new(&session, ""),
            saved: false,
            fields: policy_fields(
                policy.min_length.to_string(),
                policy
                    .rotation_days
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                required,
            ),
        }),
        Err(error) => error_page(error),
    }
}

/// The tenant's password policy form as sent, each field as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PolicyForm {
    min_length: String,
    rotation_days: String,
    require_two_factor: String,
}

async fn save_policy(
    State(app): State<App>,
    session: PageSession,
    CsrfForm(form): CsrfForm<PolicyForm>,
) -> Response {
    let (min_text, days_text) = (form.min_length, form.rotation_days);
    let two_factor_choice = form.require_two_factor;
    let two_factor = two_factor_choice == "required";
    let mut errors = ValidationErrors::new();
    let min_length = min_text.trim().parse::<u32>().unwrap_or_else(|_| {
        errors.add(
            "min_length",
            "not_a_number",
            "Enter a whole number of characters.",
        );
        0
    });
    if !matches!(two_factor_choice.as_str(), "required" | "optional") {
        errors.add(
            "require_two_factor",
            "unknown_choice",
            "Choose whether two-factor login is required or up to each user.",
        );
    }
    let rotation_days = match days_text.trim() {
        "" => None,
        text => Some(text.parse::<u32>().unwrap_or_else(|_| {
            errors.add(
                "rotation_days",
                "not_a_number",
                "Enter a whole number of days, or leave it empty.",
            );
            0
        })),
    };
    let result = if errors.is_empty() {
        app.set_password_policy(
            &session.principal,
            &PasswordPolicy {
                min_length,
                rotation_days,
            },
        )
        .await
        .map(|_| ())
    } else {
        Err(AppError::Validation(errors))
    };
    let result = match result {
        Ok(()) => {
            app.set_two_factor_required(&session.principal, two_factor)
                .await
        }
        Err(error) => Err(error),
    };
    let mut fields = policy_fields(min_text, days_text, two_factor);
    match result {
        Ok(()) => render(&PolicyPage {
            layout: Layout::new(&session, ""),
            saved: true,
            fields,
        }),
        Err(AppError::Validation(errors)) => {
            attach_errors(&mut fields, &errors);
            let page = render(&PolicyPage {
                layout: Layout::new(&session, ""),
                saved: false,
                fields,
            });
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(error) => error_page(error),
    }
}
