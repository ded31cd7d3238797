//! Each record type, described once for the generic API handlers, the
//! OpenAPI document and the back office's record forms.

use custodian_app::helpdesk::{FAQ_FILTERS, TICKET_FILTERS};
use custodian_app::records::{
    Filters, ListParams, ACTIVITY_FILTERS, AGREEMENT_FILTERS, ASSET_FILTERS, CANNED_REPLY_FILTERS,
    CONTACT_FILTERS, ORGANISATION_FILTERS,
};
use custodian_app::{App, AppError, Principal};
use custodian_core::activities::{Activity, ActivityInput};
use custodian_core::agreements::{Agreement, AgreementInput};
use custodian_core::assets::{Asset, AssetInput};
use custodian_core::audit::RecordType;
use custodian_core::contacts::{Contact, ContactInput};
use custodian_core::helpdesk::{
    CannedReply, CannedReplyInput, FaqArticle, FaqInput, Ticket, TicketInput,
};
use custodian_core::need_to_know::NeedToKnow;
use custodian_core::organisations::{Organisation, OrganisationInput};
use custodian_core::page::Page;
use custodian_core::{
    ActivityId, AgreementId, AssetId, CannedReplyId, ContactId, FaqArticleId, OrganisationId,
    TicketId,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

pub trait Resource: Send + Sync + 'static {
    /// The path segment, e.g. `contacts`.
    const PATH: &'static str;
    const RECORD_TYPE: RecordType;
    /// Name of the record schema in the OpenAPI document.
    const RECORD: &'static str;
    const INPUT: &'static str;
    /// The sort fields the list offers.
    const SORTS: &'static str;
    /// The filters the list offers.
    const FILTERS: Filters;
    type Input: DeserializeOwned + Send + Sync + 'static;
    type Record: Serialize + NeedToKnow + Send + Sync + 'static;
    /// The record type's id (`ContactId`, `AssetId`, …).
    type Id: Copy + From<i64> + Into<i64> + std::fmt::Display + Send + Sync + 'static;

    fn id(record: &Self::Record) -> Self::Id;
    fn version(record: &Self::Record) -> i64;
    fn create(
        app: &App,
        p: &Principal,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send;
    fn get(
        app: &App,
        p: &Principal,
        id: Self::Id,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send;
    fn update(
        app: &App,
        p: &Principal,
        id: Self::Id,
        version: Option<i64>,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send;
    fn delete(
        app: &App,
        p: &Principal,
        id: Self::Id,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    fn list(
        app: &App,
        p: &Principal,
        params: &ListParams,
    ) -> impl Future<Output = Result<Page<Self::Record>, AppError>> + Send;
}

macro_rules! resource {
    ($name:ident, $path:literal, $sorts:literal, $filters:ident, $input:ident, $record:ident, $id:ident,
     [$($create:tt)+], [$($get:tt)+], [$($update:tt)+], [$($delete:tt)+], [$($list:tt)+]) => {
        pub struct $name;

        impl Resource for $name {
            const PATH: &'static str = $path;
            const RECORD_TYPE: RecordType = RecordType::$record;
            const RECORD: &'static str = stringify!($record);
            const INPUT: &'static str = stringify!($input);
            const SORTS: &'static str = $sorts;
            const FILTERS: Filters = $filters;
            type Input = $input;
            type Record = $record;
            type Id = $id;

            fn id(record: &$record) -> $id {
                record.id
            }
            fn version(record: &$record) -> i64 {
                record.version
            }
            async fn create(app: &App, p: &Principal, input: &$input) -> Result<$record, AppError> {
                app.$($create)+(p, input).await
            }
            async fn get(app: &App, p: &Principal, id: $id) -> Result<$record, AppError> {
                app.$($get)+(p, id).await
            }
            async fn update(
                app: &App,
                p: &Principal,
                id: $id,
                version: Option<i64>,
                input: &$input,
            ) -> Result<$record, AppError> {
                app.$($update)+(p, id, version, input).await
            }
            async fn delete(app: &App, p: &Principal, id: $id) -> Result<(), AppError> {
                app.$($delete)+(p, id).await
            }
            async fn list(
                app: &App,
                p: &Principal,
                params: &ListParams,
            ) -> Result<Page<$record>, AppError> {
                app.$($list)+(p, params).await
            }
        }
    };
}

resource!(
    Organisations,
    "organisations",
    "name, created",
    ORGANISATION_FILTERS,
    OrganisationInput,
    Organisation,
    OrganisationId,
    [create_organisation],
    [organisation],
    [update_organisation],
    [delete_organisation],
    [organisations]
);
resource!(
    Contacts,
    "contacts",
    "last_name, created",
    CONTACT_FILTERS,
    ContactInput,
    Contact,
    ContactId,
    [create_contact],
    [contact],
    [update_contact],
    [delete_contact],
    [contacts]
);
resource!(
    Activities,
    "activities",
    "occurred_at",
    ACTIVITY_FILTERS,
    ActivityInput,
    Activity,
    ActivityId,
    [create_activity],
    [activity],
    [update_activity],
    [delete_activity],
    [activities]
);
resource!(
    Assets,
    "assets",
    "serial_number, created",
    ASSET_FILTERS,
    AssetInput,
    Asset,
    AssetId,
    [create_asset],
    [asset],
    [update_asset],
    [delete_asset],
    [assets]
);
resource!(
    Agreements,
    "agreements",
    "start_date, title, created",
    AGREEMENT_FILTERS,
    AgreementInput,
    Agreement,
    AgreementId,
    [create_agreement],
    [agreement],
    [update_agreement],
    [delete_agreement],
    [agreements]
);
resource!(
    Tickets,
    "tickets",
    "created, number",
    TICKET_FILTERS,
    TicketInput,
    Ticket,
    TicketId,
    [helpdesk().create_ticket],
    [helpdesk().ticket],
    [helpdesk().update_ticket],
    [helpdesk().delete_ticket],
    [helpdesk().tickets]
);
resource!(
    CannedReplies,
    "canned-replies",
    "title, created",
    CANNED_REPLY_FILTERS,
    CannedReplyInput,
    CannedReply,
    CannedReplyId,
    [create_canned_reply],
    [canned_reply],
    [update_canned_reply],
    [delete_canned_reply],
    [canned_replies]
);
resource!(
    FaqArticles,
    "faq-articles",
    "created, title",
    FAQ_FILTERS,
    FaqInput,
    FaqArticle,
    FaqArticleId,
    [helpdesk().create_faq_article],
    [helpdesk().faq_article],
    [helpdesk().update_faq_article],
    [helpdesk().delete_faq_article],
    [helpdesk().faq_articles]
);
