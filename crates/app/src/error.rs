//! The application's errors. The web layer turns each into a page, a message or a status
//! in one place (`jiguan_web::error`).

use jiguan_domain::FieldError;

use crate::ports::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was refused; every invalid field is listed.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("not signed in")]
    Unauthenticated,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: i64 },
    #[error("password change required")]
    PasswordChangeRequired,
    /// The store failed; the message is for logs, never for users.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn field(field: &str, code: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }

    /// Maps a store error, turning any lost race (`Conflict`) into `field`/`code`; for
    /// `map_err` after a guarded store write.
    pub fn on_conflict(field: &'static str, code: &'static str) -> impl Fn(StoreError) -> Self {
        move |e| match e {
            StoreError::Conflict(_) => AppError::field(field, code),
            other => other.into(),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(c) => AppError::Invalid(vec![FieldError::new(c.field(), "taken")]),
            StoreError::Backend(m) => AppError::Internal(m),
        }
    }
}
