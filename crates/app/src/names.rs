//! Names for records that a page mentions by id (the audit trail, legal
//! holds), shown only to those who may see them: an organisation's or a
//! contact's name to people who read them and reach the record (and, for
//! a contact, see names), a ticket's number to the helpdesk, a request's
//! number to the privacy desk, a staff user's name. The names shown are recorded as read, like any list.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::catalog;
use std::collections::HashMap;

/// A record's name by its type and id; a record missing here is shown by
/// its type and number.
pub type RecordNames = HashMap<(RecordType, i64), String>;

impl App {
    pub async fn record_names(
        &self,
        principal: &Principal,
        records: &[(RecordType, i64)],
    ) -> Result<RecordNames, AppError> {
        let mut names = RecordNames::new();
        let of_type = |wanted: RecordType| -> Vec<i64> {
            let mut ids: Vec<i64> = records
                .iter()
                .filter(|(record_type, _)| *record_type == wanted)
                .map(|(_, id)| *id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let reads_records = principal
            .authorize(Area::OrganisationsAndContacts, Action::Read)
            .is_ok();
        let sees_names = principal
            .sight()
            .sees(catalog::category_of("contacts", "last_name"));
        let mut wanted = Vec::new();
        if reads_records {
            wanted.push(RecordType::Organisation);
            if sees_names {
                wanted.push(RecordType::Contact);
            }
        }
        if principal.authorize(Area::Support, Action::Read).is_ok() {
            wanted.push(RecordType::Ticket);
        }
        if principal.authorize(Area::Privacy, Action::Read).is_ok() {
            wanted.push(RecordType::SubjectRequest);
        }
        for record_type in wanted {
            let ids = of_type(record_type);
            if ids.is_empty() {
                continue;
            }
            let named = self
                .store
                .record_names(
                    principal.tenant,
                    record_type,
                    &ids,
                    principal.reach(record_type),
                )
                .await?;
            match record_type {
                RecordType::Contact => {
                    self.record_read_fields(
                        principal,
                        AuditAction::List,
                        record_type,
                        named.iter().map(|(id, _)| *id),
                        "first_name,last_name",
                    )
                    .await?
                }
                RecordType::Organisation => {
                    self.record_reads(
                        principal,
                        AuditAction::List,
                        record_type,
                        named.iter().map(|(id, _)| *id),
                    )
                    .await?
                }
                _ => {}
            }
            names.extend(
                named
                    .into_iter()
                    .map(|(id, name)| ((record_type, id), name)),
            );
        }
        let users = of_type(RecordType::User);
        if !users.is_empty() {
            let staff = self.store.user_choices(principal.tenant).await?;
            let shown: Vec<_> = staff
                .into_iter()
                .filter(|(id, _)| users.contains(&id.0))
                .collect();
            self.record_read_fields(
                principal,
                AuditAction::List,
                RecordType::User,
                shown.iter().map(|(id, _)| id.0),
                "display_name",
            )
            .await?;
            names.extend(
                shown
                    .into_iter()
                    .map(|(id, name)| ((RecordType::User, id.0), name)),
            );
        }
        Ok(names)
    }
}
