//! The page templates every record type shares: a list, a detail page with
//! related records and a timeline, and a create/edit form.

use super::views::{ActivityForm, Cell, DetailField, FormField, Header, Layout, SelectOption};
use super::views::{FieldKind, TimelineItem};
use askama::Template;

#[derive(Template)]
#[template(path = "pages/list.html")]
pub(super) struct ListPage {
    pub layout: Layout,
    pub title: &'static str,
    pub new_href: Option<String>,
    /// The list as CSV, for those who may export it.
    pub csv_href: Option<String>,
    pub filter: Option<ListFilter>,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub pager: super::listing::Pager,
}

impl ListPage {
    /// Whether the rows are filtered, to tell "nothing matches" from "nothing yet".
    pub fn filtering(&self) -> bool {
        self.filter.as_ref().is_some_and(|f| !f.value.is_empty())
    }
}

/// The one filter a list offers: a text box, or a choice when `choices` is
/// not empty.
pub(super) struct ListFilter {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub choices: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "pages/detail.html")]
pub(super) struct DetailPage {
    pub layout: Layout,
    pub title: String,
    /// Why the last action on this record did not happen, e.g. a refused delete.
    pub notice: Option<String>,
    /// A standing mark on the record, e.g. a restriction of processing.
    pub badge: Option<String>,
    pub edit_href: String,
    /// Whether the reader may change (and see all of) the record.
    pub can_edit: bool,
    pub can_delete: bool,
    pub delete_action: String,
    /// Who saw or changed this record (shown to those who may read the trail).
    pub access_href: String,
    /// Further actions on the record, as links: (address, label).
    pub actions: Vec<(String, &'static str)>,
    pub fields: Vec<DetailField>,
    pub related: Vec<Related>,
    pub activity_form: Option<ActivityForm>,
    pub timeline: Vec<TimelineItem>,
}

/// Records linked to the one shown, e.g. an organisation's contacts.
pub(super) struct Related {
    pub title: &'static str,
    pub items: Vec<Cell>,
    pub add_href: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/form.html")]
pub(super) struct FormPage {
    pub layout: Layout,
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub fields: Vec<FormField>,
    pub cancel_href: String,
    pub problem: Option<String>,
    /// The record is of a person erased before: offer to confirm they came back.
    pub returning_subject: bool,
}

deref_layout!(ListPage, DetailPage, FormPage);

// The field template matches on its variants.
#[allow(dead_code)]
type UsedByTemplates = FieldKind;
