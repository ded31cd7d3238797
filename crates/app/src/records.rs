//! The CRM records' use cases: validate, authorize, store. One macro writes
//! the five operations for each record type so that every type follows the
//! same rules.

use crate::reach::Linked;
use crate::sealing::{Purpose, ServerKey};
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::activities::{Activity, ActivityInput};
use custodian_core::agreements::{Agreement, AgreementInput};
use custodian_core::assets::{Asset, AssetInput};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::catalog::{self, Category};
use custodian_core::contacts::{Contact, ContactInput};
use custodian_core::helpdesk::{CannedReply, CannedReplyInput};
use custodian_core::organisations::{Organisation, OrganisationInput};
use custodian_core::page::Page;
use custodian_core::search::SearchHit;
use custodian_core::{
    ActivityId, AgreementId, AssetId, CannedReplyId, ContactId, OrganisationId, Refusal,
};
use custodian_store::{Cursor, ListQuery, Reach, SortOrder};
use serde::Deserialize;

/// List parameters as a page or API client sends them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// A sort field; `-field` sorts descending.
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    /// Name prefix.
    pub q: Option<String>,
    pub organisation_id: Option<i64>,
    pub contact_id: Option<i64>,
    /// Activity kind.
    pub kind: Option<String>,
    /// Agreement or ticket status.
    pub status: Option<String>,
    /// Ticket priority.
    pub priority: Option<String>,
    /// Ticket assignee (a staff user's id; 0 for nobody).
    pub assignee_id: Option<i64>,
    /// `true`: also count the records the filters match (up to 10,000).
    pub count: Option<bool>,
}

pub const DEFAULT_PAGE_SIZE: i64 = 25;
pub const MAX_PAGE_SIZE: i64 = 200;
/// The most records a list's CSV download holds.
pub const EXPORT_ROWS: usize = 10_000;

/// A list's records for a download, and whether more matched than it holds.
pub struct Exported<T> {
    pub records: Vec<T>,
    pub truncated: bool,
}

/// A filter a list may offer; each record type names the ones it supports,
/// and a list asked for any other is refused rather than silently unfiltered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    NamePrefix,
    Organisation,
    Contact,
    Kind,
    Status,
    Priority,
    Assignee,
}

impl Filter {
    /// The query parameter.
    pub fn parameter(self) -> &'static str {
        match self {
            Filter::NamePrefix => "q",
            Filter::Organisation => "organisation_id",
            Filter::Contact => "contact_id",
            Filter::Kind => "kind",
            Filter::Status => "status",
            Filter::Priority => "priority",
            Filter::Assignee => "assignee_id",
        }
    }
}

/// The filters of each list, with what they mean there.
pub type Filters = &'static [(Filter, &'static str)];
pub const ORGANISATION_FILTERS: Filters = &[(Filter::NamePrefix, "Name starts with")];
pub const CONTACT_FILTERS: Filters = &[
    (Filter::NamePrefix, "Last name starts with"),
    (
        Filter::Organisation,
        "Only the contacts of this organisation",
    ),
];
pub const ACTIVITY_FILTERS: Filters = &[
    (Filter::Organisation, "Only this organisation's timeline"),
    (Filter::Contact, "Only this contact's timeline"),
    (
        Filter::Kind,
        "Only one kind: call, meeting, email, task or note",
    ),
];
pub const ASSET_FILTERS: Filters = &[
    (Filter::NamePrefix, "Serial number starts with"),
    (Filter::Organisation, "Only the assets of this organisation"),
    (Filter::Contact, "Only the assets of this contact"),
];
pub const CANNED_REPLY_FILTERS: Filters = &[(Filter::NamePrefix, "Words of the title")];
pub const AGREEMENT_FILTERS: Filters = &[
    (
        Filter::Organisation,
        "Only the agreements of this organisation",
    ),
    (
        Filter::Status,
        "Only one status: draft, active, expired or terminated",
    ),
];

impl ListParams {
    fn filters_given(&self) -> Vec<Filter> {
        let text = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        [
            (Filter::NamePrefix, text(&self.q)),
            (Filter::Organisation, self.organisation_id.is_some()),
            (Filter::Contact, self.contact_id.is_some()),
            (Filter::Kind, text(&self.kind)),
            (Filter::Status, text(&self.status)),
            (Filter::Priority, text(&self.priority)),
            (Filter::Assignee, self.assignee_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(filter, given)| given.then_some(filter))
        .collect()
    }

    /// The store's query; the cursor is opened with the server's key (it
    /// was sealed by `App::sealed`), so a caller never sees or forges one.
    pub fn to_query(&self, supported: Filters, key: &ServerKey) -> Result<ListQuery, AppError> {
        if let Some(unsupported) = self
            .filters_given()
            .into_iter()
            .find(|given| !supported.iter().any(|(filter, _)| filter == given))
        {
            return Err(AppError::UnsupportedFilter(unsupported.parameter()));
        }
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(token) => Some(
                key.open(Purpose::Cursor, token)
                    .and_then(|plain| String::from_utf8(plain).ok())
                    .and_then(|plain| Cursor::decode(&plain))
                    .ok_or(AppError::Refused(Refusal::InvalidCursor))?,
            ),
            None => None,
        };
        let (sort, order) = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => match s.strip_prefix('-') {
                Some(field) => (Some(field.to_string()), SortOrder::Descending),
                None => (Some(s.to_string()), SortOrder::Ascending),
            },
            None => (None, SortOrder::Ascending),
        };
        Ok(ListQuery {
            sort,
            order,
            after,
            limit: match self.limit {
                None => DEFAULT_PAGE_SIZE,
                Some(limit) if (1..=MAX_PAGE_SIZE).contains(&limit) => limit,
                Some(_) => return Err(AppError::InvalidLimit),
            },
            name_prefix: self
                .q
                .clone()
                .filter(|q| !q.trim().is_empty())
                .map(|q| q.trim().to_string()),
            organisation_id: self.organisation_id,
            contact_id: self.contact_id,
            kind: self
                .kind
                .clone()
                .or_else(|| self.status.clone())
                .filter(|k| !k.is_empty()),
            priority: self
                .priority
                .clone()
                .filter(|p| !p.trim().is_empty())
                .map(|p| p.trim().to_string()),
            assignee_id: self.assignee_id,
            count: self.count == Some(true),
            requester_or_organisation: None,
            reach: Reach::All,
        })
    }
}

macro_rules! record_use_cases {
    ($area:expr, $record_type:expr, $input:ty, $record:ty, $id:ty, filters: $filters:expr,
     create: $create:ident,
     get: $get:ident,
     update: $update:ident,
     delete: $delete:ident,
     list: $list:ident => $s_list:ident,
     export: $export:ident) => {
        impl App {
            pub async fn $get(&self, principal: &Principal, id: $id) -> Result<$record, AppError> {
                principal.authorize($area, Action::Read)?;
                self.require_reach(principal, $record_type, id.0).await?;
                let mut record = self.store.records::<$record>().get(principal.tenant, id).await?;
                principal.mask(&mut record);
                self.record_reads(principal, AuditAction::Read, $record_type, [record.id.0]).await?;
                Ok(record)
            }

            /// Replaces the record; with `expected_version`, only if nobody changed it since.
            pub async fn $update(
                &self,
                principal: &Principal,
                id: $id,
                expected_version: Option<i64>,
                input: &$input,
            ) -> Result<$record, AppError> {
                principal.authorize($area, Action::Update)?;
                principal.may_replace($record_type.table())?;
                let mut fields = input.validate()?;
                self.require_reach(principal, $record_type, id.0).await?;
                let current = self.store.records::<$record>().get(principal.tenant, id).await?;
                let kept = current.to_input().validate().ok();
                self.require_links_in_reach(principal, &fields, kept.as_ref()).await?;
                self.refuse_restricted_change(principal, $record_type, Some(id.0), fields.links()).await?;
                if principal.reach($record_type) != Reach::All {
                    // Someone who reaches only their own records keeps this one.
                    fields.default_owner(principal.user_id);
                }
                let mut record = self.store.records::<$record>().update(&principal.scope(), id, expected_version, &fields).await?;
                principal.mask(&mut record);
                Ok(record)
            }

            pub async fn $delete(&self, principal: &Principal, id: $id) -> Result<(), AppError> {
                principal.authorize($area, Action::Delete)?;
                self.require_reach(principal, $record_type, id.0).await?;
                self.refuse_restricted_change(principal, $record_type, Some(id.0), Vec::new()).await?;
                Ok(self.store.records::<$record>().delete(&principal.scope(), id).await?)
            }

            pub async fn $list(&self, principal: &Principal, params: &ListParams) -> Result<Page<$record>, AppError> {
                principal.authorize($area, Action::Read)?;
                let query = params.to_query($filters, &self.key)?.within(principal.reach($record_type));
                let mut page = self.store.$s_list(principal.tenant, &query).await?;
                page.items.iter_mut().for_each(|r| principal.mask(r));
                self.record_reads(principal, AuditAction::List, $record_type, page.items.iter().map(|r| r.id.0)).await?;
                Ok(self.sealed(page))
            }

            /// The whole list as filtered and sorted (up to [`EXPORT_ROWS`]),
            /// masked as the list is, each record recorded as exported.
            pub async fn $export(&self, principal: &Principal, params: &ListParams) -> Result<Exported<$record>, AppError> {
                principal.authorize($area, Action::Export)?;
                let mut query = params.to_query($filters, &self.key)?.within(principal.reach($record_type));
                query.limit = MAX_PAGE_SIZE;
                query.count = false;
                let mut records = Vec::new();
                let truncated = loop {
                    let page = self.store.$s_list(principal.tenant, &query).await?;
                    records.extend(page.items);
                    match page.next_cursor {
                        Some(_) if records.len() >= EXPORT_ROWS => break true,
                        Some(next) => query.after = Cursor::decode(&next),
                        None => break false,
                    }
                };
                records.truncate(EXPORT_ROWS);
                records.iter_mut().for_each(|r| principal.mask(r));
                self.record_reads(principal, AuditAction::Export, $record_type, records.iter().map(|r| r.id.0)).await?;
                Ok(Exported { records, truncated })
            }
        }

        record_use_cases!(@create $area, $record_type, $input, $record, $create);
    };
    (@create $area:expr, $record_type:expr, $input:ty, $record:ty, $create:ident) => {
        impl App {
            pub async fn $create(&self, principal: &Principal, input: &$input) -> Result<$record, AppError> {
                principal.authorize($area, Action::Create)?;
                let mut fields = input.validate()?;
                self.require_links_in_reach(principal, &fields, None).await?;
                self.refuse_returning_subject(principal, &fields).await?;
                self.refuse_restricted_change(principal, $record_type, None, fields.links()).await?;
                fields.default_owner(principal.user_id);
                let mut record = self.store.records::<$record>().create(&principal.scope(), &fields).await?;
                principal.mask(&mut record);
                Ok(record)
            }
        }
    };
}

record_use_cases!(Area::OrganisationsAndContacts, RecordType::Organisation, OrganisationInput, Organisation, OrganisationId, filters: ORGANISATION_FILTERS,
    create: create_organisation,
    get: organisation,
    update: update_organisation,
    delete: delete_organisation,
    list: organisations => list_organisations,
    export: export_organisations);

record_use_cases!(Area::OrganisationsAndContacts, RecordType::Contact, ContactInput, Contact, ContactId, filters: CONTACT_FILTERS,
    create: create_contact,
    get: contact,
    update: update_contact,
    delete: delete_contact,
    list: contacts => list_contacts,
    export: export_contacts);

record_use_cases!(Area::OrganisationsAndContacts, RecordType::Asset, AssetInput, Asset, AssetId, filters: ASSET_FILTERS,
    create: create_asset,
    get: asset,
    update: update_asset,
    delete: delete_asset,
    list: assets => list_assets,
    export: export_assets);

record_use_cases!(Area::Sales, RecordType::Agreement, AgreementInput, Agreement, AgreementId, filters: AGREEMENT_FILTERS,
    create: create_agreement,
    get: agreement,
    update: update_agreement,
    delete: delete_agreement,
    list: agreements => list_agreements,
    export: export_agreements);

record_use_cases!(Area::Support, RecordType::CannedReply, CannedReplyInput, CannedReply, CannedReplyId, filters: CANNED_REPLY_FILTERS,
    create: create_canned_reply,
    get: canned_reply,
    update: update_canned_reply,
    delete: delete_canned_reply,
    list: canned_replies => list_canned_replies,
    export: export_canned_replies);

impl App {
    /// Records an activity; the caller is its author.
    pub async fn create_activity(
        &self,
        principal: &Principal,
        input: &ActivityInput,
    ) -> Result<Activity, AppError> {
        principal.authorize(Area::Activities, Action::Create)?;
        let fields = input.validate()?;
        self.require_links_in_reach(principal, &fields, None)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Activity, None, fields.links())
            .await?;
        let mut activity = self
            .store
            .create_activity(&principal.scope(), Some(principal.user_id), &fields)
            .await?;
        principal.mask(&mut activity);
        Ok(activity)
    }

    pub async fn activity(
        &self,
        principal: &Principal,
        id: ActivityId,
    ) -> Result<Activity, AppError> {
        principal.authorize(Area::Activities, Action::Read)?;
        self.require_reach(principal, RecordType::Activity, id.0)
            .await?;
        let mut activity = self
            .store
            .records::<Activity>()
            .get(principal.tenant, id)
            .await?;
        principal.mask(&mut activity);
        self.record_reads(
            principal,
            AuditAction::Read,
            RecordType::Activity,
            [activity.id.0],
        )
        .await?;
        Ok(activity)
    }

    pub async fn update_activity(
        &self,
        principal: &Principal,
        id: ActivityId,
        expected_version: Option<i64>,
        input: &ActivityInput,
    ) -> Result<Activity, AppError> {
        principal.authorize(Area::Activities, Action::Update)?;
        principal.may_replace(RecordType::Activity.table())?;
        let fields = input.validate()?;
        self.require_reach(principal, RecordType::Activity, id.0)
            .await?;
        let current = self
            .store
            .records::<Activity>()
            .get(principal.tenant, id)
            .await?;
        let kept = current.to_input().validate().ok();
        self.require_links_in_reach(principal, &fields, kept.as_ref())
            .await?;
        self.refuse_restricted_change(principal, RecordType::Activity, Some(id.0), fields.links())
            .await?;
        let mut activity = self
            .store
            .records::<Activity>()
            .update(&principal.scope(), id, expected_version, &fields)
            .await?;
        principal.mask(&mut activity);
        Ok(activity)
    }

    pub async fn delete_activity(
        &self,
        principal: &Principal,
        id: ActivityId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Activities, Action::Delete)?;
        self.require_reach(principal, RecordType::Activity, id.0)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Activity, Some(id.0), Vec::new())
            .await?;
        Ok(self
            .store
            .records::<Activity>()
            .delete(&principal.scope(), id)
            .await?)
    }

    /// All activities, or a contact's or an organisation's timeline, newest first.
    pub async fn activities(
        &self,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Page<Activity>, AppError> {
        principal.authorize(Area::Activities, Action::Read)?;
        let mut page = self
            .store
            .list_activities(
                principal.tenant,
                &params
                    .to_query(ACTIVITY_FILTERS, &self.key)?
                    .within(principal.reach(RecordType::Activity)),
            )
            .await?;
        page.items.iter_mut().for_each(|a| principal.mask(a));
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::Activity,
            page.items.iter().map(|a| a.id.0),
        )
        .await?;
        Ok(self.sealed(page))
    }

    /// The search box: organisations and contacts by name, email, phone or account number.
    pub async fn search(
        &self,
        principal: &Principal,
        typed: &str,
    ) -> Result<Vec<SearchHit>, AppError> {
        self.search_of(principal, typed, None).await
    }

    /// [`App::search`] of organisations only or contacts only: what a
    /// record picker offers as the person types.
    pub async fn search_of(
        &self,
        principal: &Principal,
        typed: &str,
        only: Option<RecordType>,
    ) -> Result<Vec<SearchHit>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        let mut hits = self
            .store
            .search_of(principal.tenant, typed, only.map(RecordType::as_str), 10)
            .await?;
        if principal.reach(RecordType::Contact) != Reach::All
            || principal.reach(RecordType::Organisation) != Reach::All
        {
            let mut reached = Vec::with_capacity(hits.len());
            for hit in hits {
                let record_type = RecordType::parse(&hit.record_type).unwrap_or(RecordType::Tenant);
                if self
                    .store
                    .within_reach(
                        principal.tenant,
                        record_type,
                        hit.record_id,
                        principal.reach(record_type),
                    )
                    .await?
                {
                    reached.push(hit);
                }
            }
            hits = reached;
        }
        // A contact found only by a field the caller may not see (an email
        // or a phone) would tell that the hidden value is theirs: such a
        // hit is dropped, by matching again on what the caller sees.
        let sight = principal.sight();
        if !sight.sees(catalog::category_of("contacts", "emails"))
            || !sight.sees(catalog::category_of("contacts", "phones"))
        {
            let typed = custodian_core::search::query_tokens(typed);
            let mut visible = Vec::with_capacity(hits.len());
            for hit in hits {
                if hit.record_type == RecordType::Contact.as_str() {
                    let mut contact = self
                        .store
                        .records::<Contact>()
                        .get(principal.tenant, ContactId(hit.record_id))
                        .await?;
                    principal.mask(&mut contact);
                    let emails: Vec<&str> = contact.emails.iter().map(String::as_str).collect();
                    let phones: Vec<&str> = contact.phones.iter().map(String::as_str).collect();
                    let terms = custodian_core::search::contact_terms(
                        &contact.first_name,
                        &contact.last_name,
                        &emails,
                        &phones,
                    );
                    if !custodian_core::search::matches_every_token(&typed, &terms) {
                        continue;
                    }
                }
                visible.push(hit);
            }
            hits = visible;
        }
        // The detail line shows an email, phone or account number.
        if !principal.sight().sees(Category::Contact) {
            hits.iter_mut().for_each(|h| h.detail.clear());
        }
        for record_type in [RecordType::Contact, RecordType::Organisation] {
            let shown = hits
                .iter()
                .filter(|h| h.record_type == record_type.as_str());
            self.record_reads(
                principal,
                AuditAction::List,
                record_type,
                shown.map(|h| h.record_id),
            )
            .await?;
        }
        Ok(hits)
    }

    /// How many records a form's choice list offers (the linked one is
    /// always added). A picker finds the others as the person types, so
    /// the list is short: opening a form reads and audits few contacts.
    const CHOICES: i64 = 100;

    pub async fn organisation_choices(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(OrganisationId, String)>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        Ok(self
            .store
            .organisation_choices(
                principal.tenant,
                principal.reach(RecordType::Organisation),
                Self::CHOICES,
            )
            .await?)
    }

    pub async fn contact_choices(
        &self,
        principal: &Principal,
        organisation: Option<OrganisationId>,
    ) -> Result<Vec<(ContactId, String)>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        let choices = self
            .store
            .contact_choices(
                principal.tenant,
                organisation,
                principal.reach(RecordType::Contact),
                Self::CHOICES,
            )
            .await?;
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::Contact,
            choices.iter().map(|(id, _)| id.0),
            "first_name,last_name",
        )
        .await?;
        Ok(choices)
    }
}
