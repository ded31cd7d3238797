//! The trail as the data protection officer reads it: per record, per user,
//! per data subject, filtered by time and action, as pages or as CSV.

use crate::csv::csv_cell;
use crate::Audit;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::entry::AuditEntry;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{catalog, ContactId, Refusal, UserId, ValidationErrors};
use custodian_store::{AuditQuery, AuditSubject};
use serde::Deserialize;

/// Filters as a page or an API client sends them; every one is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrailParams {
    /// Entries about records of this type; with `record_id`, one record's.
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    /// A data subject: the contact and the records about them.
    pub contact_id: Option<i64>,
    /// Entries made by this staff user (in person or by their API tokens).
    pub user_id: Option<i64>,
    /// One action: create, update, delete, read, list, export, login, login_failed or logout.
    pub action: Option<String>,
    /// From this day (`YYYY-MM-DD`, UTC) or instant (RFC 3339).
    pub from: Option<String>,
    /// Up to and including this day, or before this instant.
    pub until: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

pub struct TrailPage {
    pub entries: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

pub const TRAIL_PAGE_SIZE: i64 = 50;
/// The most entries one CSV export holds; narrow the filters for more.
pub const EXPORT_LIMIT: usize = 100_000;

fn bound(raw: &Option<String>, end_of_day: bool) -> Result<Option<Timestamp>, ()> {
    let Some(raw) = raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if let Some(date) = CalendarDate::parse(raw) {
        let day = if end_of_day {
            date.0.next_day().ok_or(())?
        } else {
            date.0
        };
        let start = day.midnight().assume_utc();
        return Ok(Some(Timestamp(
            (start.unix_timestamp_nanos() / 1_000_000) as i64,
        )));
    }
    Timestamp::parse(raw).map(Some).ok_or(())
}

impl TrailParams {
    fn to_query(&self, limit: i64) -> Result<AuditQuery, AppError> {
        let mut errors = ValidationErrors::new();
        fn text(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let subject = match (text(&self.record_type), self.record_id, self.contact_id) {
            (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
                errors.add(
                    "contact_id",
                    "conflicting_filters",
                    "Choose either one record or one data subject.",
                );
                None
            }
            (Some(name), Some(id), None) => match RecordType::parse(name) {
                Some(record_type) => Some(AuditSubject::Record(record_type, id)),
                None => {
                    errors.add(
                        "record_type",
                        "unknown_record_type",
                        format!("There is no record type '{name}'."),
                    );
                    None
                }
            },
            (Some(name), None, None) => match RecordType::parse(name) {
                Some(record_type) => Some(AuditSubject::Type(record_type)),
                None => {
                    errors.add(
                        "record_type",
                        "unknown_record_type",
                        format!("There is no record type '{name}'."),
                    );
                    None
                }
            },
            (None, Some(_), None) => {
                errors.add(
                    "record_id",
                    "incomplete_record",
                    "Give the record_type with the record_id.",
                );
                None
            }
            (None, None, Some(contact)) => Some(AuditSubject::Contact(ContactId(contact))),
            (None, None, None) => None,
        };
        let actions = match text(&self.action) {
            Some(name) => match AuditAction::parse(name) {
                Some(action) => vec![action],
                None => {
                    errors.add(
                        "action",
                        "unknown_action",
                        format!("There is no action '{name}'."),
                    );
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        let from = bound(&self.from, false).unwrap_or_else(|()| {
            errors.add(
                "from",
                "invalid_time",
                "Use a date (YYYY-MM-DD) or an RFC 3339 time.",
            );
            None
        });
        let until = bound(&self.until, true).unwrap_or_else(|()| {
            errors.add(
                "until",
                "invalid_time",
                "Use a date (YYYY-MM-DD) or an RFC 3339 time.",
            );
            None
        });
        if let (Some(f), Some(u)) = (from, until) {
            if u <= f {
                errors.add("until", "empty_range", "The end must come after the start.");
            }
        }
        let before_seq = match text(&self.cursor) {
            Some(cursor) => Some(
                cursor
                    .parse::<i64>()
                    .map_err(|_| AppError::Refused(Refusal::InvalidCursor))?,
            ),
            None => None,
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(AuditQuery {
            subject,
            actor: self.user_id.map(UserId),
            actions,
            from,
            until,
            before_seq,
            limit,
        })
    }
}

impl Audit<'_> {
    /// A page of the trail, newest first. Only for those who may read the
    /// privacy area (the data protection officer, administrators).
    pub async fn audit_trail(
        self,
        principal: &Principal,
        params: &TrailParams,
    ) -> Result<TrailPage, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let limit = match params.limit {
            None => TRAIL_PAGE_SIZE,
            Some(limit) if (1..=crate::records::MAX_PAGE_SIZE).contains(&limit) => limit,
            Some(_) => return Err(AppError::InvalidLimit),
        };
        let query = params.to_query(limit + 1)?;
        // The trail shows every read so far, including the caller's own.
        self.flush_audit().await;
        let mut entries = self
            .store
            .audit_trail()
            .entries(principal.tenant, &query)
            .await?;
        entries.iter_mut().for_each(|e| mask_context(principal, e));
        self.record_trail_read(principal, AuditAction::List).await?;
        let next_cursor = if entries.len() as i64 > limit {
            entries.truncate(limit as usize);
            entries.last().map(|e| e.seq.to_string())
        } else {
            None
        };
        Ok(TrailPage {
            entries,
            next_cursor,
        })
    }

    /// Every matching entry (newest first, at most [`EXPORT_LIMIT`]) as CSV;
    /// the flag says whether more matched than the export holds.
    pub async fn audit_trail_csv(
        self,
        principal: &Principal,
        params: &TrailParams,
    ) -> Result<(String, bool), AppError> {
        principal.authorize(Area::Privacy, Action::Export)?;
        let mut query = params.to_query(1_000)?;
        self.flush_audit().await;
        self.record_trail_read(principal, AuditAction::Export)
            .await?;
        let mut csv = String::from(
            "seq,occurred_at,actor_kind,actor_id,actor_name,action,record_type,record_id,fields,source_ip,user_agent,reason,record_ids\r\n",
        );
        let mut written = 0;
        loop {
            let entries = self
                .store
                .audit_trail()
                .entries(principal.tenant, &query)
                .await?;
            let Some(last) = entries.last() else {
                return Ok((csv, false));
            };
            query.before_seq = Some(last.seq);
            let full_page = entries.len() as i64 == query.limit;
            for entry in &entries {
                if written == EXPORT_LIMIT {
                    return Ok((csv, true));
                }
                let mut entry = entry.clone();
                mask_context(principal, &mut entry);
                csv_row(&mut csv, &entry);
                written += 1;
            }
            if !full_page {
                return Ok((csv, false));
            }
        }
    }
}

impl App {
    /// The trail holds staff members' addresses, browsers and reasons, so
    /// reading it is itself recorded: one entry about the tenant per page
    /// or export (it shows in the trail from the next read on).
    async fn record_trail_read(
        &self,
        principal: &Principal,
        action: AuditAction,
    ) -> Result<(), AppError> {
        let shown = crate::audit::shown_among(
            "audit_entries",
            &["source_ip", "user_agent", "reason"],
            principal.grants,
        );
        let fields: Vec<String> = shown
            .split(',')
            .filter(|f| !f.is_empty())
            .map(|f| format!("audit_entries.{f}"))
            .collect();
        if fields.is_empty() {
            return Ok(());
        }
        self.record_read_fields(
            principal,
            action,
            RecordType::Tenant,
            [principal.tenant.0],
            &fields.join(","),
        )
        .await
    }
}

/// An entry's client context as the caller may see it: addresses and
/// browsers are online identifiers, reasons free text; a tenant role with
/// privacy rights sees what its categories allow. By the roles, not by the
/// tenant's sensitive categories: the trail is where reasons for access are
/// checked, and needing a reason to read the reasons would go in a circle.
fn mask_context(principal: &Principal, entry: &mut AuditEntry) {
    let sight = principal.grants;
    let sees = |column: &str| sight.sees(catalog::category_of("audit_entries", column));
    if !sees("source_ip") {
        entry.source_ip = None;
    }
    if !sees("user_agent") {
        entry.user_agent = None;
    }
    if !sees("reason") {
        entry.reason = None;
    }
}

fn csv_row(out: &mut String, entry: &AuditEntry) {
    let cells = [
        entry.seq.to_string(),
        entry.occurred_at.to_rfc3339(),
        entry.actor_kind.clone(),
        entry.actor_id.to_string(),
        entry.actor_name.clone().unwrap_or_default(),
        entry.action.clone(),
        entry.record_type.clone(),
        entry.record_id.to_string(),
        entry.fields.join(" "),
        entry.source_ip.clone().unwrap_or_default(),
        entry.user_agent.clone().unwrap_or_default(),
        entry.reason.clone().unwrap_or_default(),
        entry
            .record_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(cell));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn filters_that_make_no_sense_are_refused() {
        let refused = |params: TrailParams| params.to_query(10).is_err();
        assert!(refused(TrailParams {
            record_type: Some("invoice".into()),
            record_id: Some(1),
            ..TrailParams::default()
        }));
        assert!(refused(TrailParams {
            record_id: Some(1),
            ..TrailParams::default()
        }));
        assert!(!refused(TrailParams {
            record_type: Some("contact".into()),
            ..TrailParams::default()
        }));
        assert!(refused(TrailParams {
            action: Some("peek".into()),
            ..TrailParams::default()
        }));
        assert!(refused(TrailParams {
            from: Some("yesterday".into()),
            ..TrailParams::default()
        }));
        assert!(refused(TrailParams {
            from: Some("2026-11-25".into()),
            until: Some("2026-11-24".into()),
            ..TrailParams::default()
        }));
        let day = TrailParams {
            from: Some("2026-11-25".into()),
            until: Some("2026-11-25".into()),
            ..TrailParams::default()
        }
        .to_query(10)
        .unwrap();
        assert_eq!(day.until.unwrap().0 - day.from.unwrap().0, 24 * 3_600_000);
    }
}
