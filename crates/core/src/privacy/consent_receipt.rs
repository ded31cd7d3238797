//! A consent receipt in the shape of the Kantara Initiative's Consent
//! Receipt Specification v1.1: what the subject consented to, with whom,
//! for which purposes and categories of data, and how it ends. Built from
//! the ledger's current grants and the tenant's purposes.

use super::consent::{ConsentChannel, ConsentLedger, ConsentText};
use crate::purposes::Purpose;
use crate::time::Timestamp;
use crate::ConsentTextId;
use serde::Serialize;

pub const RECEIPT_VERSION: &str = "KI-CR-v1.1.0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PiiController {
    pub pii_controller: String,
    pub contact: String,
    pub address: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPurpose {
    pub purpose: String,
    pub purpose_category: Vec<String>,
    pub consent_type: String,
    pub pii_category: Vec<String>,
    pub primary_purpose: bool,
    pub termination: String,
    pub third_party_disclosure: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptService {
    pub service: String,
    pub purposes: Vec<ReceiptPurpose>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentReceipt {
    pub version: String,
    pub jurisdiction: String,
    /// Seconds since the epoch, of the newest grant.
    pub consent_timestamp: i64,
    pub collection_method: String,
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: String,
    pub language: String,
    pub pii_principal_id: String,
    pub pii_controllers: Vec<PiiController>,
    pub policy_url: String,
    pub services: Vec<ReceiptService>,
    pub sensitive: bool,
    pub spi_cat: Vec<String>,
}

/// What the receipt needs besides the ledger.
pub struct ReceiptContext<'a> {
    pub receipt_id: String,
    pub controller: &'a str,
    /// How the subject is known to the controller (the contact's email).
    pub principal_id: String,
    /// Where the tenant publishes its privacy notice.
    pub policy_url: String,
    pub purposes: &'a [Purpose],
    /// The consent texts, for the wording and language agreed to.
    pub texts: &'a [ConsentText],
    pub now: Timestamp,
}

fn channel_method(channel: ConsentChannel) -> &'static str {
    channel.label()
}

impl ConsentReceipt {
    /// The receipt of the consents `ledger` holds now.
    pub fn of(ledger: &ConsentLedger, context: &ReceiptContext<'_>) -> ConsentReceipt {
        let granted: Vec<_> = ledger.current.iter().filter(|s| s.granted).collect();
        let newest = granted.iter().max_by_key(|s| s.since.0);
        let text_of = |id: ConsentTextId| context.texts.iter().find(|t| t.id == id);
        let purposes: Vec<ReceiptPurpose> = granted
            .iter()
            .filter_map(|state| {
                let purpose = context.purposes.iter().find(|p| p.id == state.purpose_id)?;
                Some((state, purpose))
            })
            .map(|(state, purpose)| ReceiptPurpose {
                purpose: purpose.name.clone(),
                purpose_category: match text_of(state.text_id) {
                    Some(text) => vec![format!(
                        "{} (consent text version {}): {}",
                        text.title, text.version, text.body
                    )],
                    None => vec![purpose
                        .description
                        .clone()
                        .unwrap_or_else(|| purpose.name.clone())],
                },
                consent_type: "EXPLICIT".into(),
                pii_category: purpose.categories.iter().map(|c| c.to_string()).collect(),
                primary_purpose: false,
                termination: format!("Until withdrawn; then kept as: {}", purpose.retention),
                third_party_disclosure: !purpose.recipients.is_empty(),
                third_party_name: (!purpose.recipients.is_empty())
                    .then(|| purpose.recipients.join("; ")),
            })
            .collect();
        let sensitive = granted.iter().any(|state| {
            context
                .purposes
                .iter()
                .any(|p| p.id == state.purpose_id && p.categories.contains(&"special_category"))
        });
        ConsentReceipt {
            version: RECEIPT_VERSION.into(),
            jurisdiction: "EU (GDPR)".into(),
            consent_timestamp: newest.map_or(context.now.0, |s| s.since.0) / 1000,
            collection_method: newest.map_or("", |s| channel_method(s.channel)).into(),
            consent_receipt_id: context.receipt_id.clone(),
            language: newest
                .and_then(|s| text_of(s.text_id))
                .map_or_else(|| "en".to_string(), |t| t.language.clone()),
            pii_principal_id: context.principal_id.clone(),
            pii_controllers: vec![PiiController {
                pii_controller: context.controller.into(),
                contact: "Data protection officer".into(),
                address: String::new(),
                email: String::new(),
                phone: String::new(),
            }],
            policy_url: context.policy_url.clone(),
            services: if purposes.is_empty() {
                Vec::new()
            } else {
                vec![ReceiptService {
                    service: context.controller.into(),
                    purposes,
                }]
            },
            sensitive,
            spi_cat: if sensitive {
                vec!["special_category".into()]
            } else {
                Vec::new()
            },
        }
    }
}
