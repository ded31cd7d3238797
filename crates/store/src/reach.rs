//! Record-level scope in SQL: which records a caller reaches when their
//! roles reach only their own records or their teams'. Organisations and
//! contacts have an owner; an activity, asset or agreement is reached
//! through its organisation or contact (and an activity also by its author).

use crate::page::{Arg, Sql};
use crate::{Store, StoreError};
use custodian_core::audit::RecordType;
use custodian_core::{TenantId, UserId};

/// How far a caller reaches across the tenant's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reach {
    #[default]
    All,
    /// The records this user owns.
    Own(UserId),
    /// The records owned by this user or anyone in a team of theirs.
    Team(UserId),
}

/// The SQL conditions of one reach, with its placeholders already bound.
struct Conditions {
    tenant: String,
    user: String,
    team: bool,
}

impl Conditions {
    /// `column` holds a user the caller reaches.
    fn owned(&self, column: &str) -> String {
        let (t, u) = (&self.tenant, &self.user);
        if self.team {
            format!(
                "({column} = {u} OR {column} IN (SELECT m2.user_id FROM team_members m1
                    JOIN team_members m2 ON m2.tenant_id = m1.tenant_id AND m2.team_id = m1.team_id
                    WHERE m1.tenant_id = {t} AND m1.user_id = {u}))"
            )
        } else {
            format!("{column} = {u}")
        }
    }

    /// `column` holds an organisation the caller reaches.
    fn organisation(&self, column: &str) -> String {
        format!(
            "{column} IN (SELECT o2.organisation_id FROM organisations o2 WHERE o2.tenant_id = {} AND {})",
            self.tenant,
            self.owned("o2.owner_id")
        )
    }

    /// `column` holds a contact the caller reaches.
    fn contact(&self, column: &str) -> String {
        format!(
            "{column} IN (SELECT c2.contact_id FROM contacts c2 WHERE c2.tenant_id = {} AND ({} OR {}))",
            self.tenant,
            self.owned("c2.owner_id"),
            self.organisation("c2.organisation_id")
        )
    }

    /// The condition on a row of `record_type` named `alias`.
    fn record(&self, record_type: RecordType, alias: &str) -> String {
        match record_type {
            RecordType::Organisation => self.owned(&format!("{alias}.owner_id")),
            RecordType::Contact => format!(
                "({} OR {})",
                self.owned(&format!("{alias}.owner_id")),
                self.organisation(&format!("{alias}.organisation_id"))
            ),
            RecordType::Activity => format!(
                "({} OR {} OR {alias}.activity_id IN (SELECT ac.activity_id FROM activity_contacts ac WHERE ac.tenant_id = {} AND {}))",
                self.owned(&format!("{alias}.author_id")),
                self.organisation(&format!("{alias}.organisation_id")),
                self.tenant,
                self.contact("ac.contact_id")
            ),
            RecordType::Asset => format!(
                "({} OR {})",
                self.organisation(&format!("{alias}.organisation_id")),
                self.contact(&format!("{alias}.contact_id"))
            ),
            RecordType::Agreement => self.organisation(&format!("{alias}.organisation_id")),
            RecordType::ConsentEvent => self.contact(&format!("{alias}.contact_id")),
            RecordType::Ticket => format!(
                "({} OR {} OR {})",
                self.owned(&format!("{alias}.assignee_id")),
                self.organisation(&format!("{alias}.organisation_id")),
                self.contact(&format!("{alias}.contact_id"))
            ),
            // Records without owners are governed by permissions alone.
            RecordType::Tenant
            | RecordType::User
            | RecordType::ApiToken
            | RecordType::Role
            | RecordType::Team
            | RecordType::Purpose
            | RecordType::SubjectRequest
            | RecordType::ConsentText
            | RecordType::RetentionRule
            | RecordType::LegalHold
            | RecordType::RetentionRun
            | RecordType::RetentionReview
            | RecordType::TicketMessage
            | RecordType::Mail
            | RecordType::PortalAccount
            | RecordType::FaqArticle
            | RecordType::TicketAttachment
            | RecordType::PortalRegistration
            | RecordType::AuditEntry
            | RecordType::CannedReply => "1 = 1".into(),
        }
    }
}

impl Reach {
    /// Appends ` AND (…)` to `sql` so that only rows of `record_type`
    /// (aliased `alias`) within this reach remain. Nothing for `All`.
    pub(crate) fn restrict(
        &self,
        sql: &mut Sql,
        tenant: TenantId,
        record_type: RecordType,
        alias: &str,
    ) {
        let (user, team) = match *self {
            Reach::All => return,
            Reach::Own(user) => (user, false),
            Reach::Team(user) => (user, true),
        };
        let conditions = Conditions {
            tenant: sql.arg(Arg::Int(tenant.0)),
            user: sql.arg(Arg::Int(user.0)),
            team,
        };
        sql.push(&format!(" AND {}", conditions.record(record_type, alias)));
    }
}

impl Store {
    /// Whether the record exists in the tenant and lies within `reach`.
    pub async fn within_reach(
        &self,
        tenant: TenantId,
        record_type: RecordType,
        id: i64,
        reach: Reach,
    ) -> Result<bool, StoreError> {
        let id_column = match record_type {
            RecordType::Organisation => "organisation_id",
            RecordType::Contact => "contact_id",
            RecordType::Activity => "activity_id",
            RecordType::Asset => "asset_id",
            RecordType::Agreement => "agreement_id",
            RecordType::Ticket => "ticket_id",
            _ => return Ok(true),
        };
        let mut sql = Sql::new(&format!("SELECT 1 FROM {} x", record_type.table()));
        let t = sql.arg(Arg::Int(tenant.0));
        let i = sql.arg(Arg::Int(id));
        sql.push(&format!(" WHERE x.tenant_id = {t} AND x.{id_column} = {i}"));
        reach.restrict(&mut sql, tenant, record_type, "x");
        let mut tx = self.read_one(tenant).await?;
        let found = sql.query().fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(found.is_some())
    }
}
