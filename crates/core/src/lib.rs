//! Custodian's core: domain types, validation, the data catalog and policy
//! rules. Nothing here does I/O, so every rule is testable in isolation.

#[macro_use]
mod named;

pub mod access;
pub mod access_settings;
pub mod activities;
pub mod agreements;
pub mod assets;
pub mod audit;
mod capabilities;
pub mod catalog;
pub mod codes;
pub mod contacts;
pub mod custom_roles;
pub mod dashboard;
pub mod grants;
pub mod helpdesk;
pub mod hex;
pub mod ids;
pub mod invitations;
pub mod mail;
pub mod need_to_know;
pub mod numbers;
pub mod offboarding;
pub mod organisations;
pub mod page;
pub mod passwords;
pub mod portal;
pub mod privacy;
pub mod purposes;
pub mod refusal;
pub mod retention;
pub mod search;
pub mod sorting;
pub mod teams;
pub mod time;
pub mod totp;
pub mod users;
pub mod validation;
pub mod values;

pub use ids::*;
pub use refusal::Refusal;
pub use validation::{FieldError, ValidationErrors};
