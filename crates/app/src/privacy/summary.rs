//! The export's summary page: what Art. 15(1) asks to be told, in words a
//! person reads: the data, why it is processed and on which lawful basis,
//! its categories, recipients and retention, where it came from, and who
//! in the tenant accessed it. Plain HTML with no script or outside link.

use super::export_text::{cell_text, table_label};
use custodian_core::catalog::Category;
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
        out.push_str("<table><tr>");
        for column in &rows.columns {
            let _ = write!(out, "<th>{}</th>", escape(column.description));
        }
        out.push_str("</tr>\n");
        for row in rows.rows.iter().take(ROWS_ON_PAGE) {
            out.push_str("<tr>");
            for (column, value) in rows.columns.iter().zip(row) {
                let text = match (column.column, value.as_i64()) {
                    ("organisation_id", Some(id)) => employers
                        .iter()
                        .find(|(known, _)| *known == id)
                        .map_or_else(|| cell_text(value), |(_, name)| name.clone()),
                    _ => cell_text(value),
                };
                let _ = write!(out, "<td>{}</td>", escape(&text).replace('\n', "<br>"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
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
    out.push_str("<h2>Why we process it, and on which lawful basis</h2>\n<table><tr><th>Purpose</th><th>Lawful basis (Art. 6(1) GDPR)</th><th>Categories of data</th><th>Kept for</th><th>Recipients</th></tr>\n");
    for purpose in purposes {
        let categories: Vec<&str> = purpose
            .categories
            .iter()
            .map(|c| category_label(c))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><strong>{}</strong>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&purpose.name),
            purpose
                .description
                .as_deref()
                .map(|d| format!("<br>{}", escape(d)))
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
    out.push_str("</table>\n");
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
    out.push_str("</ul>\n<h2>Who in our organisation accessed it</h2>\n<table><tr><th>Who</th><th>What</th><th>How often</th><th>First</th><th>Last</th></tr>\n");
    for entry in access {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} UTC</td><td>{} UTC</td></tr>",
            escape(&who(entry)),
            escape(&entry.action),
            entry.count,
            entry.first.display(),
            entry.last.display()
        );
    }
    out.push_str("</table>\n");
}

pub(crate) fn summary_html(summary: &Summary<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = match summary.kind {
        ExportKind::Access => "Your personal data",
        ExportKind::Portability => "Your data, to take elsewhere",
    };
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse;margin:1rem 0;display:block;overflow-x:auto}}td,th{{border:1px solid #999;padding:.3rem;text-align:left;vertical-align:top}}</style>\
         </head><body>\n<h1>{title}</h1>\n<p>Held by <strong>{}</strong> (the controller), in answer to your request of {} (number {}). Made {} UTC.</p>\n",
        escape(summary.controller),
        summary.request.received_on.to_iso(),
        summary.request.id,
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
