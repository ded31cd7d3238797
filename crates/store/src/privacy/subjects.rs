//! Finding the subject: the contact records staff confirm as one person's
//! for a request, and how many records hang off each of them.

use super::subject_tables::{rows_condition, subject_table};
use crate::statement::Bindable;
use crate::Privacy;
use crate::{RequestChange, Scope, Step, StepActor, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::privacy::requests::RequestState;
use custodian_core::privacy::subjects::RecordCounts;
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, Refusal, SubjectRequestId, TenantId};

impl Privacy<'_> {
    /// The contacts with these ids that exist, in the order asked.
    pub async fn contacts_by_ids(
        self,
        tenant: TenantId,
        ids: &[ContactId],
    ) -> Result<Vec<Contact>, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let mut contacts = Vec::with_capacity(ids.len());
        for id in ids {
            match crate::contacts::load(&mut tx, tenant, *id).await {
                Ok(contact) => contacts.push(contact),
                Err(StoreError::Refused(Refusal::NotFound)) => {}
                Err(other) => return Err(other),
            }
        }
        tx.commit().await?;
        Ok(contacts)
    }

    /// The contact records confirmed as the request's subject.
    pub async fn confirmed_subjects(
        self,
        tenant: TenantId,
        request: SubjectRequestId,
    ) -> Result<Vec<ContactId>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM subject_request_contacts WHERE tenant_id = $1 AND request_id = $2 ORDER BY contact_id",
        )
        .bind_all((tenant.0, request.0))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(ContactId).collect())
    }

    /// Replaces the confirmed contact records of a request; each must be a
    /// contact of the tenant.
    pub async fn confirm_subjects(
        self,
        scope: &Scope,
        request: SubjectRequestId,
        by: StepActor,
        contacts: &[ContactId],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        crate::rows::require_reference(
            &mut tx,
            "subject_requests",
            "request_id",
            scope.tenant.0,
            Some(request.0),
            "request_id",
        )
        .await
        .map_err(|_| StoreError::Refused(Refusal::NotFound))?;
        for contact in contacts {
            crate::rows::require_reference(
                &mut tx,
                "contacts",
                "contact_id",
                scope.tenant.0,
                Some(contact.0),
                "contact_ids",
            )
            .await?;
        }
        sqlx::query(
            "DELETE FROM subject_request_contacts WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind_all((scope.tenant.0, request.0))
        .execute(&mut *tx)
        .await?;
        let now = Timestamp::now().0;
        for contact in contacts {
            sqlx::query(
                "INSERT INTO subject_request_contacts (tenant_id, request_id, contact_id, confirmed_by, confirmed_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind_all((scope.tenant.0, request.0, contact.0, by.user_id(), now))
            .execute(&mut *tx)
            .await?;
        }
        let state: String = sqlx::query_scalar(
            "SELECT state FROM subject_requests WHERE tenant_id = $1 AND request_id = $2",
        )
        .bind_all((scope.tenant.0, request.0))
        .fetch_one(&mut *tx)
        .await?;
        let state = RequestState::parse(&state)
            .ok_or(StoreError::Corrupt("a request in an unknown state"))?;
        let note = format!(
            "{} contact record(s) confirmed as the subject's",
            contacts.len()
        );
        let step = Step {
            by,
            from: state,
            to: state,
            name: "records_confirmed",
            note: Some(&note),
        };
        self.apply_step(&mut tx, scope, request, &step, &RequestChange::default())
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::SubjectRequest,
            request.0,
            &["subject_contacts"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many activities, assets and requests one contact has.
    pub async fn record_counts(
        self,
        tenant: TenantId,
        contact: ContactId,
    ) -> Result<RecordCounts, StoreError> {
        let mut tx = self.begin_read(tenant).await?;
        let mut counts = [0_i64; 4];
        for (count, table) in
            counts
                .iter_mut()
                .zip(["activities", "assets", "subject_requests", "tickets"])
        {
            let Some(subject) = subject_table(table) else {
                continue;
            };
            // Links are counted where they are kept, not by joining rows.
            let sql = if table == "activities" {
                "SELECT COUNT(*) FROM activity_contacts WHERE tenant_id = $1 AND contact_id = $2"
                    .to_string()
            } else {
                format!(
                    "SELECT COUNT(*) FROM {table} WHERE {}",
                    rows_condition(subject, "$2")
                )
            };
            *count = sqlx::query_scalar(&sql)
                .bind_all((tenant.0, contact.0))
                .fetch_one(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(RecordCounts {
            activities: counts[0],
            assets: counts[1],
            requests: counts[2],
            tickets: counts[3],
        })
    }
}
