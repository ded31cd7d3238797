//! The export's summary page: what Art. 15(1) asks to be told, in words a
//! person reads: the data, why it is processed and on which lawful basis,
//! its categories, recipients and retention, where it came from, and who
//! in the tenant accessed it. Plain HTML with no script or outside link,
//! readable on a phone: each record is a card of labelled values (the
//! catalog's names for the fields), never a table wider than the screen.

use super::export_text::{cell_text, table_label};
use custodian_core::catalog::{self, Category};
use custodian_core::privacy::export::{AccessSummary, ExportKind};
use custodian_core::privacy::requests::SubjectRequest;
use custodian_core::purposes::Purpose;
use custodian_core::retention::RetentionRule;
use custodian_core::time::Timestamp;
use custodian_store::TableRows;
use std::fmt::Write;

/// Rows a table shows on the page; the data files hold them all.
const ROWS_ON_PAGE: usize = 100;

pub(crate) struct Summary<'a> {
    pub controller: &'a str,
    pub kind: ExportKind,
    pub request: &'a SubjectRequest,
    pub created: Timestamp,
    pub tables: &'a [TableRows],
    pub purposes: &'a [Purpose],
    /// The tenant's enabled retention rules, which it enforces.
    pub retention: &'a [RetentionRule],
    pub access: &'a [AccessSummary],
    /// Organisation names by id, for the employer column.
    pub employers: &'a [(i64, String)],
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn category_label(name: &str) -> &'static str {
    Category::parse(name).map_or("Other", Category::label)
}

fn who(entry: &AccessSummary) -> String {
    match (entry.actor_kind.as_str(), &entry.actor_name) {
        ("system", _) => "The system (imports, scheduled jobs)".into(),
        ("api_token", Some(name)) => format!("{name}, through a program (API)"),
        ("contact", _) => "You, in the customer portal".into(),
        (_, Some(name)) => name.clone(),
        (_, None) => "A former user".into(),
    }
}

/// What an access was, as a person says it.
fn action_words(action: &str) -> &str {
    match action {
        "create" => "recorded",
        "update" => "changed",
        "read" => "looked at",
        "list" => "saw in a list",
        "export" => "exported",
        "delete" => "deleted",
        other => other,
    }
}

fn data_section(out: &mut String, tables: &[TableRows], employers: &[(i64, String)]) {
    out.push_str("<h2>The data we hold about you</h2>\n");
    // Tables of links alone (which activities concern you) say nothing a
    // person reads; they are in the data files.
    let readable =
        |t: &&TableRows| !t.rows.is_empty() && !t.columns.iter().all(|c| c.column.ends_with("_id"));
    for rows in tables.iter().filter(readable) {
        let _ = writeln!(
            out,
            "<h3>{} ({} record{})</h3>",
            table_label(rows.table),
            rows.rows.len(),
            if rows.rows.len() == 1 { "" } else { "s" }
        );
        for row in rows.rows.iter().take(ROWS_ON_PAGE) {
            out.push_str("<dl class=\"card\">");
            for (column, value) in rows.columns.iter().zip(row) {
                let text = match (column.column, value.as_i64()) {
                    ("organisation_id", Some(id)) => employers
                        .iter()
                        .find(|(known, _)| *known == id)
                        .map_or_else(|| cell_text(value), |(_, name)| name.clone()),
                    _ => cell_text(value),
                };
                // An empty value says nothing; keys are in the data files.
                if text.trim().is_empty()
                    || (column.column.ends_with("_id") && column.column != "organisation_id")
                {
                    continue;
                }
                let _ = write!(
                    out,
                    "<dt>{}</dt><dd>{}</dd>",
                    escape(&catalog::column_label(rows.table, column.column)),
                    escape(&text).replace('\n', "<br>")
                );
            }
            out.push_str("</dl>\n");
        }
        if rows.rows.len() > ROWS_ON_PAGE {
            let _ = writeln!(
                out,
                "<p>The first {ROWS_ON_PAGE} are shown; all {} are in data/{}.csv and data/{}.json.</p>",
                rows.rows.len(),
                rows.table,
                rows.table
            );
        }
    }
}

fn purposes_section(out: &mut String, purposes: &[Purpose]) {
    out.push_str("<h2>Why we process it, and on which lawful basis</h2>\n");
    for purpose in purposes {
        let categories: Vec<&str> = purpose
            .categories
            .iter()
            .map(|c| category_label(c))
            .collect();
        let _ = writeln!(
            out,
            "<section class=\"card\"><h3>{}</h3>{}<dl><dt>Lawful basis (Art. 6(1) GDPR)</dt><dd>{}</dd><dt>Categories of data</dt><dd>{}</dd><dt>Kept for</dt><dd>{}</dd><dt>Recipients</dt><dd>{}</dd></dl></section>",
            escape(&purpose.name),
            purpose
                .description
                .as_deref()
                .map(|d| format!("<p>{}</p>", escape(d)))
                .unwrap_or_default(),
            escape(purpose.lawful_basis.label()),
            escape(&categories.join(", ")),
            escape(&purpose.retention),
            if purpose.recipients.is_empty() {
                "Nobody outside".to_string()
            } else {
                escape(&purpose.recipients.join("; "))
            }
        );
    }
}

fn retention_section(out: &mut String, rules: &[RetentionRule]) {
    out.push_str("<h2>How long we keep it</h2>\n");
    if rules.is_empty() {
        out.push_str("<p>We keep no automatic periods: records stay until someone deletes them, or until you ask us to erase them.</p>\n");
        return;
    }
    out.push_str("<p>These rules run every day and act on their own; a legal claim can put them on hold for the records it concerns.</p>\n<ul>\n");
    for rule in rules {
        let _ = writeln!(
            out,
            "<li>{}{}</li>",
            escape(&rule.sentence()),
            if rule.description.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(&rule.description))
            }
        );
    }
    out.push_str("</ul>\n");
}

fn source_and_access_section(out: &mut String, access: &[AccessSummary]) {
    out.push_str("<h2>Where the data came from</h2>\n<ul>\n");
    let creators: Vec<&AccessSummary> = access.iter().filter(|a| a.action == "create").collect();
    if creators.is_empty() {
        out.push_str("<li>From you or your employer, entered by our staff.</li>\n");
    }
    for entry in creators {
        let _ = writeln!(
            out,
            "<li>{} record{} entered by {} (first {}, last {})</li>",
            entry.count,
            if entry.count == 1 { "" } else { "s" },
            escape(&who(entry)),
            entry.first.display(),
            entry.last.display()
        );
    }
    out.push_str("</ul>\n<h2>Who in our organisation accessed it</h2>\n<ul class=\"access\">\n");
    for entry in access {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {} {} time{}, first {} UTC, last {} UTC</li>",
            escape(&who(entry)),
            escape(action_words(&entry.action)),
            entry.count,
            if entry.count == 1 { "" } else { "s" },
            entry.first.display(),
            entry.last.display()
        );
    }
    out.push_str("</ul>\n");
}

pub(crate) fn summary_html(summary: &Summary<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = match summary.kind {
        ExportKind::Access => "Your personal data",
        ExportKind::Portability => "Your data, to take elsewhere",
    };
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font:16px/1.5 sans-serif;max-width:48rem;margin:1.5rem auto;padding:0 1rem;overflow-wrap:anywhere}}\
         .card{{border:1px solid #ccd;border-radius:8px;padding:.6rem .9rem;margin:.8rem 0}}\
         dl.card,.card dl{{display:grid;grid-template-columns:minmax(7rem,14rem) 1fr;gap:.2rem .8rem;margin:.4rem 0}}\
         dt{{color:#555}}dd{{margin:0}}.card h3{{margin:.2rem 0}}\
         @media (max-width:30rem){{dl.card,.card dl{{grid-template-columns:1fr}}dd{{margin-bottom:.4rem}}}}</style>\
         </head><body>\n<h1>{title}</h1>\n<p>Held by <strong>{}</strong> (the controller), in answer to your request of {} (number {}). Made {} UTC.</p>\n",
        escape(summary.controller),
        summary.request.received_on.to_iso(),
        summary.request.number,
        summary.created.display()
    );
    match summary.kind {
        ExportKind::Access => out.push_str("<p>This is a copy of all personal data we hold about you (Art. 15 GDPR). The folder data/ holds every record as JSON and as CSV; processing.json and access-log.json hold the two lists below.</p>\n"),
        ExportKind::Portability => out.push_str("<p>This is the data you provided to us under your consent or a contract, in machine-readable form (Art. 20 GDPR): the folder data/ holds it as JSON and as CSV, to give to another provider.</p>\n"),
    }
    data_section(&mut out, summary.tables, summary.employers);
    purposes_section(&mut out, summary.purposes);
    retention_section(&mut out, summary.retention);
    if summary.kind == ExportKind::Access {
        source_and_access_section(&mut out, summary.access);
        out.push_str("<h2>Automated decisions</h2>\n<p>We make no decisions about you by automated means alone, and no profiling.</p>\n");
    }
    out.push_str("<h2>Your rights</h2>\n<p>You may ask us to correct (Art. 16), erase (Art. 17) or restrict (Art. 18) your data, object to its processing (Art. 21), and take it to another provider (Art. 20). You may also complain to a data protection supervisory authority.</p>\n</body></html>\n");
    out
}
