//! The consent ledger: consent texts in the tenant's own wording, versioned
//! per purpose (a published version never changes), and the grants and
//! withdrawals of each subject as events with time, channel and proof. The
//! current state is derived from the events, never stored beside them, and
//! the subject's receipt follows the Kantara Consent Receipt v1.1 shape.

use crate::time::Timestamp;
use crate::validation::{long_text, optional_text, required_text, ValidationErrors};
use crate::{ConsentEventId, ConsentTextId, ContactId, PurposeId, UserId};
use serde::{Deserialize, Serialize};

named_enum!(
    /// How a grant or withdrawal reached the tenant.
    ConsentChannel {
        Portal => "portal", "Customer portal",
        WebForm => "web_form", "Web form",
        Phone => "phone", "Staff, on the phone",
        InPerson => "in_person", "Staff, in person",
        Letter => "letter", "Letter",
        Email => "email", "Email",
        EmailLink => "email_link", "Link in an email",
        Import => "import", "Import",
    }
);

named_enum!(
    /// What the subject did.
    ConsentAction {
        Granted => "granted", "Granted",
        Withdrawn => "withdrawn", "Withdrawn",
    }
);

/// A new consent text, or a draft's new wording.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentTextInput {
    /// The purpose (with lawful basis consent) the text asks consent for.
    pub purpose_id: PurposeId,
    /// What the subject sees as the heading, e.g. "Newsletter".
    pub title: String,
    /// The text the subject agrees to, in the tenant's own words.
    pub body: String,
    /// ISO 639-1 language of the text; `en` when omitted.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTextFields {
    pub purpose_id: PurposeId,
    pub title: String,
    pub body: String,
    pub language: String,
}

impl ConsentTextInput {
    pub fn validate(&self) -> Result<ConsentTextFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check("title", required_text(&self.title, 200));
        let body = errors.check("body", long_text(Some(&self.body), 20_000));
        if body.as_deref().is_some_and(str::is_empty) {
            errors.add("body", "required", "This field is required.");
        }
        let language = self
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .unwrap_or("en")
            .to_lowercase();
        if language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
            errors.add(
                "language",
                "invalid_language",
                "The language is a two-letter ISO 639-1 code, e.g. en or de.",
            );
        }
        match (title, body) {
            (Some(title), Some(body)) if errors.is_empty() => Ok(ConsentTextFields {
                purpose_id: self.purpose_id,
                title,
                body,
                language,
            }),
            _ => Err(errors),
        }
    }
}

/// One version of a consent text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentText {
    pub id: ConsentTextId,
    pub purpose_id: PurposeId,
    pub purpose_name: String,
    /// 1 for the first text of a purpose, then counting up.
    pub version: i64,
    pub title: String,
    pub body: String,
    pub language: String,
    /// When it was published; a draft (None) can still be reworded, a
    /// published text never changes and is what subjects consent to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published_at: Option<Timestamp>,
}

/// A grant or withdrawal to record.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentEventInput {
    /// The published text the subject agreed to (or withdraws from).
    pub text_id: ConsentTextId,
    /// `granted` or `withdrawn`.
    pub action: String,
    /// portal, web_form, phone, in_person, letter, email, email_link or
    /// import.
    pub channel: String,
    /// Which form or document carried it, e.g. "Trade fair sign-up 2026".
    #[serde(default)]
    pub form: Option<String>,
    /// When the subject acted, RFC 3339; now when omitted (imports give
    /// the original time). Never in the future.
    #[serde(default)]
    pub occurred_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEventFields {
    pub text_id: ConsentTextId,
    pub action: ConsentAction,
    pub channel: ConsentChannel,
    pub form: Option<String>,
    pub occurred_at: Timestamp,
}

impl ConsentChannel {
    /// Whether the subject acted themself (a form, a link, a letter or an
    /// email of theirs), rather than staff noting what they said.
    pub fn is_the_subjects_own(self) -> bool {
        matches!(
            self,
            ConsentChannel::Portal
                | ConsentChannel::WebForm
                | ConsentChannel::Letter
                | ConsentChannel::Email
                | ConsentChannel::EmailLink
        )
    }

    /// The channel a request arrived by, as a consent channel.
    pub fn of_request(channel: crate::privacy::requests::Channel) -> ConsentChannel {
        use crate::privacy::requests::Channel;
        match channel {
            Channel::Letter => ConsentChannel::Letter,
            Channel::Phone => ConsentChannel::Phone,
            Channel::Email => ConsentChannel::Email,
            Channel::InPerson => ConsentChannel::InPerson,
            Channel::Portal => ConsentChannel::Portal,
            Channel::Api => ConsentChannel::WebForm,
        }
    }
}

impl ConsentEventInput {
    pub fn validate(&self, now: Timestamp) -> Result<ConsentEventFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let action = ConsentAction::parse(self.action.trim());
        if action.is_none() {
            errors.add(
                "action",
                "unknown_action",
                "The action is granted or withdrawn.",
            );
        }
        let channel = ConsentChannel::parse(self.channel.trim());
        if channel.is_none() {
            errors.add(
                "channel",
                "unknown_channel",
                "The channel is one of portal, web_form, phone, in_person, letter, email, email_link or import.",
            );
        }
        let form = errors
            .check("form", optional_text(self.form.as_deref(), 200))
            .flatten();
        let occurred_at = match self.occurred_at.as_deref().map(str::trim) {
            None | Some("") => Some(now),
            Some(text) => match Timestamp::parse(text) {
                Some(at) if at.0 <= now.0 => Some(at),
                Some(_) => {
                    errors.add(
                        "occurred_at",
                        "in_the_future",
                        "A consent cannot be given in the future.",
                    );
                    None
                }
                None => {
                    errors.add(
                        "occurred_at",
                        "invalid_time",
                        "Give the time as RFC 3339, e.g. 2026-11-20T10:00:00Z.",
                    );
                    None
                }
            },
        };
        match (action, channel, occurred_at) {
            (Some(action), Some(channel), Some(occurred_at)) if errors.is_empty() => {
                Ok(ConsentEventFields {
                    text_id: self.text_id,
                    action,
                    channel,
                    form,
                    occurred_at,
                })
            }
            _ => Err(errors),
        }
    }
}

/// What is known about a grant or withdrawal before it is recorded.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventContext {
    /// The text is published (drafts are not agreed to).
    pub published: bool,
    /// The contact has granted the text's purpose now.
    pub granted_now: bool,
    /// The purpose is direct marketing.
    pub direct_marketing: bool,
    /// The contact objected to direct marketing.
    pub objects_to_marketing: bool,
    /// The caller works in the privacy area (the data protection officer).
    pub privacy_area: bool,
    /// The subject's own browser sent Global Privacy Control (`Sec-GPC: 1`).
    pub privacy_signal: bool,
}

/// What recording the event does besides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventEffects {
    /// The event is the person's own new marketing consent: once it is the
    /// ledger's newest, their objection ends.
    pub lifts_objection: bool,
    /// Global Privacy Control came with a form of theirs: marketing ends.
    pub ends_marketing: bool,
}

fn refused(field: &str, code: &'static str, message: &str) -> ValidationErrors {
    ValidationErrors::single(field, code, message)
}

impl ConsentEventFields {
    /// Whether the event may be recorded, and what it does besides.
    pub fn check(&self, context: &EventContext) -> Result<EventEffects, ValidationErrors> {
        if !context.published {
            return Err(refused(
                "text_id",
                "not_published",
                "Only a published consent text can be agreed to.",
            ));
        }
        let granting = self.action == ConsentAction::Granted;
        if !granting && !context.granted_now {
            return Err(refused(
                "action",
                "not_granted",
                "There is no consent to this purpose to withdraw.",
            ));
        }
        let signalled = context.privacy_signal
            && matches!(
                self.channel,
                ConsentChannel::WebForm | ConsentChannel::Portal
            );
        let marketing_grant = granting && context.direct_marketing;
        if signalled && marketing_grant {
            return Err(refused(
                "action",
                "global_privacy_control",
                "The subject's browser sends Global Privacy Control, an objection to marketing: no marketing consent is recorded from it.",
            ));
        }
        let lifts_objection = marketing_grant && context.objects_to_marketing;
        // Over an objection only the person's own new consent counts, and
        // only the privacy area accepts it as theirs.
        if lifts_objection && !(self.channel.is_the_subjects_own() && context.privacy_area) {
            return Err(refused(
                "channel",
                "objects_to_marketing",
                "This person objected to direct marketing. Only the data protection officer records a new consent of theirs, and only one that came from them (a web form, an email link, a letter or an email).",
            ));
        }
        Ok(EventEffects {
            lifts_objection,
            ends_marketing: signalled,
        })
    }
}

/// One grant or withdrawal, with its proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentEvent {
    pub id: ConsentEventId,
    pub contact_id: ContactId,
    pub purpose_id: PurposeId,
    pub purpose_name: String,
    pub text_id: ConsentTextId,
    pub text_version: i64,
    pub action: ConsentAction,
    pub channel: ConsentChannel,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: Timestamp,
    pub form: Option<String>,
    /// Where the event was recorded from (proof).
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The staff user who recorded it, if staff did.
    pub recorded_by: Option<UserId>,
    pub recorded_by_name: Option<String>,
    /// Fields hidden from this reader (need-to-know).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those a stated reason (`X-Access-Reason`) shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
}

/// Where one purpose stands for the subject: the newest event decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentState {
    pub purpose_id: PurposeId,
    pub purpose_name: String,
    pub granted: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub since: Timestamp,
    pub text_id: ConsentTextId,
    pub text_version: i64,
    pub channel: ConsentChannel,
}

/// A subject's consents: where each purpose stands, and every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentLedger {
    pub current: Vec<ConsentState>,
    /// Newest first.
    pub history: Vec<ConsentEvent>,
}

impl ConsentLedger {
    /// The ledger of `events` (any order): the newest event per purpose
    /// (by time, then by the order of recording) is its state.
    pub fn of(mut events: Vec<ConsentEvent>) -> ConsentLedger {
        events.sort_by_key(|e| std::cmp::Reverse((e.occurred_at.0, e.id)));
        let mut current: Vec<ConsentState> = Vec::new();
        for event in &events {
            if current.iter().any(|s| s.purpose_id == event.purpose_id) {
                continue;
            }
            current.push(ConsentState {
                purpose_id: event.purpose_id,
                purpose_name: event.purpose_name.clone(),
                granted: event.action == ConsentAction::Granted,
                since: event.occurred_at,
                text_id: event.text_id,
                text_version: event.text_version,
                channel: event.channel,
            });
        }
        current.sort_by(|a, b| a.purpose_name.cmp(&b.purpose_name));
        ConsentLedger {
            current,
            history: events,
        }
    }

    pub fn granted(&self, purpose_id: PurposeId) -> bool {
        self.current
            .iter()
            .any(|s| s.purpose_id == purpose_id && s.granted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, purpose: i64, action: ConsentAction, at: i64) -> ConsentEvent {
        ConsentEvent {
            id: ConsentEventId(id),
            contact_id: ContactId(1),
            purpose_id: PurposeId(purpose),
            purpose_name: format!("Purpose {purpose}"),
            text_id: ConsentTextId(10 + purpose),
            text_version: 1,
            action,
            channel: ConsentChannel::WebForm,
            occurred_at: Timestamp(at),
            form: None,
            source_ip: None,
            user_agent: None,
            recorded_by: None,
            recorded_by_name: None,
            masked_fields: Vec::new(),
            reason_required_fields: Vec::new(),
        }
    }

    #[test]
    fn the_newest_event_per_purpose_is_its_state() {
        use ConsentAction::*;
        let ledger = ConsentLedger::of(vec![
            event(1, 1, Granted, 100),
            event(3, 1, Withdrawn, 300),
            event(2, 2, Granted, 200),
            // Recorded later for an earlier time (an import): history, not state.
            event(4, 2, Withdrawn, 50),
        ]);
        assert!(!ledger.granted(PurposeId(1)));
        assert!(ledger.granted(PurposeId(2)));
        assert_eq!(ledger.current[0].since, Timestamp(300));
        let order: Vec<i64> = ledger.history.iter().map(|e| e.id.0).collect();
        assert_eq!(order, [3, 2, 1, 4]);
    }

    #[test]
    fn events_need_a_known_action_and_channel_and_no_future() {
        let now = Timestamp(1_780_000_000_000);
        let input = ConsentEventInput {
            text_id: ConsentTextId(1),
            action: "maybe".into(),
            channel: "pigeon".into(),
            form: None,
            occurred_at: Some("2099-01-01T00:00:00Z".into()),
        };
        let codes: Vec<&str> = input
            .validate(now)
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            ["unknown_action", "unknown_channel", "in_the_future"]
        );
        let fine = ConsentEventInput {
            action: "granted".into(),
            channel: "phone".into(),
            occurred_at: None,
            ..input
        };
        assert_eq!(fine.validate(now).unwrap().occurred_at, now);
    }

    #[test]
    fn an_objection_is_lifted_only_by_the_persons_own_consent_through_the_dpo() {
        let grant = |channel| ConsentEventFields {
            text_id: ConsentTextId(1),
            action: ConsentAction::Granted,
            channel,
            form: None,
            occurred_at: Timestamp(1),
        };
        let objecting = EventContext {
            published: true,
            direct_marketing: true,
            objects_to_marketing: true,
            ..EventContext::default()
        };
        let code = |r: Result<EventEffects, ValidationErrors>| r.unwrap_err().0[0].code;
        assert_eq!(
            code(grant(ConsentChannel::WebForm).check(&objecting)),
            "objects_to_marketing"
        );
        let dpo = EventContext {
            privacy_area: true,
            ..objecting
        };
        assert_eq!(
            code(grant(ConsentChannel::Phone).check(&dpo)),
            "objects_to_marketing"
        );
        assert!(
            grant(ConsentChannel::WebForm)
                .check(&dpo)
                .unwrap()
                .lifts_objection
        );
        let signal = EventContext {
            privacy_signal: true,
            ..dpo
        };
        assert_eq!(
            code(grant(ConsentChannel::WebForm).check(&signal)),
            "global_privacy_control"
        );
        let withdrawal = ConsentEventFields {
            action: ConsentAction::Withdrawn,
            ..grant(ConsentChannel::Phone)
        };
        assert_eq!(code(withdrawal.check(&dpo)), "not_granted");
        let draft = EventContext::default();
        assert_eq!(
            code(grant(ConsentChannel::Phone).check(&draft)),
            "not_published"
        );
    }

    #[test]
    fn a_text_needs_words_and_a_language() {
        let input = ConsentTextInput {
            purpose_id: PurposeId(1),
            title: " ".into(),
            body: String::new(),
            language: Some("english".into()),
        };
        let codes: Vec<&str> = input
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["required", "required", "invalid_language"]);
    }
}
