//! The answer to an access (Art. 15) or portability (Art. 20) request: a
//! ZIP with, per record type, the subject's rows as JSON (a documented,
//! versioned shape) and as CSV, the processing they are under, who in the
//! tenant accessed them, and a summary page a person can read. Built in
//! memory and never written to disk; every record that leaves is audited.

use super::export_text::{cell_text, table_label};
use super::summary::{summary_html, Summary};
use super::zip::ZipWriter;
use crate::csv::csv_cell;
use crate::Privacy;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::catalog::Category;
use custodian_core::organisations::Organisation;
use custodian_core::privacy::export::{
    portable_categories, ExportKind, EXPORT_FORMAT, EXPORT_VERSION,
};
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::purposes::{LawfulBasis, Purpose};
use custodian_core::retention::RetentionRule;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, OrganisationId, SubjectRequestId, TicketAttachmentId};
use custodian_store::{Scope, SharedRows, Step, StepActor, TableRows};
use serde_json::{json, Map, Value};

/// Who sees an export before the subject does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Review {
    /// Staff make it and send it: everything goes in.
    Staff,
    /// The subject downloads it at once: what also concerns other people
    /// (Art. 15(4)) and staff's internal notes wait for the data
    /// protection officer.
    HoldForStaff,
}

/// Whether a row stays in the export.
type RowTest = Box<dyn Fn(&[Value]) -> bool>;

/// Takes out of `tables` the rows that wait for review: the `shared` ones
/// (with their links to the subject) and internal ticket notes. Returns how
/// many records were held.
fn hold_for_review(tables: &mut [TableRows], shared: &[SharedRows]) -> usize {
    let held_keys = |table: &str| {
        shared
            .iter()
            .find(|s| s.table == table)
            .map(|s| (s.key, s.keys.clone()))
    };
    let mut held = 0;
    for rows in tables.iter_mut() {
        let column = |name: &str| rows.columns.iter().position(|c| c.column == name);
        let keep: RowTest = if rows.table == "ticket_messages" {
            let Some(index) = column("visibility") else {
                continue;
            };
            Box::new(move |row| row[index].as_str() != Some("internal"))
        } else {
            // A link row goes with the activity it links.
            let of = if rows.table == "activity_contacts" {
                "activities"
            } else {
                rows.table
            };
            let Some((key, keys)) = held_keys(of) else {
                continue;
            };
            let Some(index) = column(key) else {
                continue;
            };
            Box::new(move |row| !row[index].as_i64().is_some_and(|id| keys.contains(&id)))
        };
        let before = rows.rows.len();
        rows.rows.retain(|row| keep(row));
        if rows.table != "activity_contacts" {
            held += before - rows.rows.len();
        }
    }
    held
}

/// A finished export, ready to hand to the subject.
pub struct SubjectExport {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn table_json(kind: ExportKind, rows: &TableRows) -> Value {
    let columns: Vec<Value> = rows
        .columns
        .iter()
        .map(|c| {
            json!({
                "name": c.column,
                "category": c.category.as_str(),
                "description": c.description,
            })
        })
        .collect();
    let records: Vec<Value> = rows
        .rows
        .iter()
        .map(|row| {
            let mut record = Map::new();
            for (column, value) in rows.columns.iter().zip(row) {
                record.insert(column.column.to_string(), value.clone());
            }
            Value::Object(record)
        })
        .collect();
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "kind": kind.as_str(),
        "table": rows.table,
        "description": table_label(rows.table),
        "columns": columns,
        "rows": records,
    })
}

fn table_csv(rows: &TableRows) -> String {
    let mut out = String::new();
    let header: Vec<String> = rows.columns.iter().map(|c| csv_cell(c.column)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &rows.rows {
        let cells: Vec<String> = row.iter().map(|v| csv_cell(&cell_text(v))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn processing_json(purposes: &[Purpose], retention: &[RetentionRule]) -> Value {
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "purposes": purposes,
        "retention_rules": retention
            .iter()
            .map(|r| json!({"rule": r.sentence(), "description": r.description, "rule_details": r}))
            .collect::<Vec<_>>(),
    })
}

/// Times are kept as Unix milliseconds in columns named `…_at`; the export
/// gives them as RFC 3339 (UTC), as the API does.
fn times_as_text(rows: &mut TableRows) {
    for (index, column) in rows.columns.iter().enumerate() {
        if !column.column.ends_with("_at") {
            continue;
        }
        for row in &mut rows.rows {
            if let Some(millis) = row[index].as_i64() {
                row[index] = Value::from(Timestamp(millis).to_rfc3339());
            }
        }
    }
}

fn pretty(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

/// A tenant role with privacy rights makes exports only if it sees every
/// kind of personal data (a stated reason shows the sensitive ones); the
/// data protection officer's built-in role does.
fn require_every_category(principal: &Principal) -> Result<(), AppError> {
    let personal = || {
        Category::ALL
            .into_iter()
            .filter(|c| !matches!(c, Category::None | Category::Credential))
    };
    let not_granted: Vec<String> = personal()
        .filter(|c| !principal.grants.sees(*c))
        .map(|c| c.label().to_lowercase())
        .collect();
    if !not_granted.is_empty() {
        return Err(AppError::ExportNeedsEveryCategory {
            missing: not_granted.join(", "),
        });
    }
    if personal().all(|c| principal.sight().sees(c)) {
        Ok(())
    } else {
        Err(AppError::ReasonRequired)
    }
}

impl App {
    /// Builds the export of `contacts` that answers `request`, and records
    /// it on the request as a step `by` whoever made it; staff and the
    /// portal's "download my data" both come here. Returns it with the
    /// number of rows held back for review.
    pub(crate) async fn export_for_request(
        &self,
        scope: &Scope,
        by: StepActor,
        request: &SubjectRequest,
        contacts: &[ContactId],
        review: Review,
    ) -> Result<(SubjectExport, usize), AppError> {
        let tenant = scope.tenant;
        let request_id = request.id;
        let kind = request.export_kind()?;
        let purposes = self.store.privacy().purposes(tenant).await?;
        let provided: Vec<Category> = purposes
            .iter()
            .filter(|p| matches!(p.lawful_basis, LawfulBasis::Consent | LawfulBasis::Contract))
            .flat_map(|p| p.categories.iter().filter_map(|c| Category::parse(c)))
            .collect();
        let portable = portable_categories(&provided);
        let mut tables = self
            .store
            .privacy()
            .subject_rows(tenant, contacts, kind, &portable)
            .await?;
        let held = match review {
            Review::Staff => 0,
            Review::HoldForStaff => {
                let shared = self
                    .store
                    .privacy()
                    .shared_subject_rows(tenant, contacts)
                    .await?;
                hold_for_review(&mut tables, &shared)
            }
        };
        tables.iter_mut().for_each(times_as_text);
        let access = if kind == ExportKind::Access {
            self.store
                .privacy()
                .subject_access_summary(tenant, contacts)
                .await?
        } else {
            Vec::new()
        };
        // Employers by name on the summary page (the data files keep ids).
        let mut employers = Vec::new();
        for rows in tables.iter().filter(|t| t.table == "contacts") {
            if let Some(index) = rows
                .columns
                .iter()
                .position(|c| c.column == "organisation_id")
            {
                for id in rows.rows.iter().filter_map(|r| r[index].as_i64()) {
                    if let Ok(org) = self
                        .store
                        .records::<Organisation>()
                        .get(tenant, OrganisationId(id))
                        .await
                    {
                        employers.push((id, org.name));
                    }
                }
            }
        }
        let mut retention = self.store.retention().retention_rules(tenant).await?;
        retention.retain(|r| r.enabled);
        let created = Timestamp::now();
        let organisation = self.store.tenant(tenant).await?.name;
        let mut zip = ZipWriter::new(created);
        let pack = |error| AppError::Export(error);
        zip.add(
            "summary.html",
            summary_html(&Summary {
                controller: &organisation,
                kind,
                request,
                created,
                tables: &tables,
                purposes: &purposes,
                retention: &retention,
                access: &access,
                employers: &employers,
            })
            .as_bytes(),
        )
        .map_err(pack)?;
        for rows in &tables {
            zip.add(
                &format!("data/{}.json", rows.table),
                &pretty(&table_json(kind, rows)),
            )
            .map_err(pack)?;
            zip.add(
                &format!("data/{}.csv", rows.table),
                table_csv(rows).as_bytes(),
            )
            .map_err(pack)?;
        }
        // The files themselves, which the JSON and CSV list, under files/.
        for rows in tables.iter().filter(|t| t.table == "ticket_attachments") {
            let Some(index) = rows
                .columns
                .iter()
                .position(|c| c.column == "attachment_id")
            else {
                continue;
            };
            for id in rows.rows.iter().filter_map(|r| r[index].as_i64()) {
                let (attachment, content) = self
                    .store
                    .helpdesk()
                    .ticket_attachment(tenant, TicketAttachmentId(id))
                    .await?;
                zip.add(&format!("files/{id}-{}", attachment.file_name), &content)
                    .map_err(pack)?;
            }
        }
        zip.add(
            "processing.json",
            &pretty(&processing_json(&purposes, &retention)),
        )
        .map_err(pack)?;
        if kind == ExportKind::Access {
            let log: Vec<Value> = access
                .iter()
                .map(|a| {
                    json!({
                        "who": a.actor_name,
                        "actor_kind": a.actor_kind,
                        "action": a.action,
                        "times": a.count,
                        "first": a.first.to_rfc3339(),
                        "last": a.last.to_rfc3339(),
                    })
                })
                .collect();
            let log = json!({"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "access": log});
            zip.add("access-log.json", &pretty(&log)).map_err(pack)?;
        }
        if held > 0 {
            zip.add(
                "held-for-review.txt",
                format!(
                    "{held} of the records about you also concern other people, or are notes our staff keep for themselves. \
                     They are not in this file: our data protection officer reviews them and answers your request (number {}) by {}.\n",
                    request.id,
                    request.due_on.to_iso()
                )
                .as_bytes(),
            )
            .map_err(pack)?;
        }
        let bytes = zip.finish().map_err(pack)?;
        let records: usize = tables.iter().map(|t| t.rows.len()).sum();
        let note = if held > 0 {
            format!(
                "{} export of {records} records made; {held} held back for review",
                kind.as_str()
            )
        } else {
            format!("{} export of {records} records made", kind.as_str())
        };
        let step = Step {
            by,
            from: request.state,
            to: request.state,
            name: "exported",
            note: Some(&note),
        };
        self.store
            .privacy()
            .record_export(scope, request_id, &step, &tables)
            .await?;
        Ok((
            SubjectExport {
                file_name: format!("{}-{}-{}.zip", kind.as_str(), request_id, created.0 / 1000),
                bytes,
            },
            held,
        ))
    }
}

impl Privacy<'_> {
    /// The export that answers an access or portability request, for its
    /// confirmed contact records.
    pub async fn subject_export(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<SubjectExport, AppError> {
        principal.authorize(Area::Privacy, Action::Export)?;
        require_every_category(principal)?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, request_id)
            .await?;
        let contacts = self.subject_records(principal, request_id).await?;
        let (export, _) = self
            .export_for_request(
                &principal.scope(),
                StepActor::Staff(principal.user_id),
                &request,
                &contacts,
                Review::Staff,
            )
            .await?;
        Ok(export)
    }
}
