//! The CLI's one error type: what a command could not do, with its causes,
//! printed once by `main` as "error: what: cause: cause".

use custodian_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    App(#[from] AppError),
    /// A step that failed outside the app (a file, a socket, a setting),
    /// named by what the command was doing.
    #[error("{doing}")]
    Failed {
        doing: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The command refused to go on, or found a problem it reports (an
    /// argument out of range, a broken trail, a tenant left behind).
    #[error("{0}")]
    Refused(String),
}

impl CliError {
    /// Wraps a failure with what the command was doing when it happened.
    pub fn doing<E>(doing: impl Into<String>) -> impl FnOnce(E) -> CliError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let doing = doing.into();
        move |source| CliError::Failed {
            doing,
            source: Box::new(source),
        }
    }

    /// The whole story for the operator: each field of a refused input, or
    /// the error with its causes.
    pub fn report(&self) -> String {
        match self {
            CliError::App(AppError::Validation(errors)) => errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => custodian_app::with_causes(other),
        }
    }
}

impl From<String> for CliError {
    fn from(refusal: String) -> Self {
        CliError::Refused(refusal)
    }
}

impl From<&str> for CliError {
    fn from(refusal: &str) -> Self {
        CliError::Refused(refusal.to_string())
    }
}
