//! Teams of staff users: a role that reaches its team's records sees what
//! anyone in a team of its user owns. Also the list of active users that
//! owner choices offer.

use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::teams::Team;
use custodian_core::time::Timestamp;
use custodian_core::{Refusal, TeamId, TenantId, UserId};
use sqlx::{Any, Row, Transaction};

impl Store {
    pub async fn teams(&self, tenant: TenantId) -> Result<Vec<Team>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let teams = sqlx::query(
            "SELECT team_id, name FROM teams WHERE tenant_id = $1 ORDER BY name, team_id",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        let members = sqlx::query(
            "SELECT m.team_id, u.user_id, u.display_name FROM team_members m
             JOIN users u ON u.tenant_id = m.tenant_id AND u.user_id = m.user_id
             WHERE m.tenant_id = $1 ORDER BY u.display_name, u.user_id",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut result = Vec::with_capacity(teams.len());
        for row in &teams {
            let id: i64 = row.try_get("team_id")?;
            let mut team_members = Vec::new();
            for member in &members {
                if member.try_get::<i64, _>("team_id")? == id {
                    team_members.push((
                        UserId(member.try_get("user_id")?),
                        member.try_get("display_name")?,
                    ));
                }
            }
            result.push(Team {
                id: TeamId(id),
                name: row.try_get("name")?,
                members: team_members,
            });
        }
        Ok(result)
    }

    pub async fn team(&self, tenant: TenantId, id: TeamId) -> Result<Team, StoreError> {
        self.teams(tenant)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::Refused(Refusal::NotFound))
    }

    /// Creates a team (`id` None) or replaces one's name and members.
    pub async fn save_team(
        &self,
        scope: &Scope,
        id: Option<TeamId>,
        name: &str,
        members: &[UserId],
    ) -> Result<Team, StoreError> {
        let now = Timestamp::now().0;
        let mut tx = self.begin(scope.tenant).await?;
        let (id, action) = match id {
            None => {
                let id = TeamId(self.next_id());
                sqlx::query(
                    "INSERT INTO teams (tenant_id, team_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
                )
                .bind_all((scope.tenant.0, id.0, name, now))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as("name"))?;
                (id, AuditAction::Create)
            }
            Some(id) => {
                let updated = sqlx::query(
                    "UPDATE teams SET name = $1, updated_at = $2 WHERE tenant_id = $3 AND team_id = $4",
                )
                .bind_all((name, now, scope.tenant.0, id.0))
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as("name"))?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::Refused(Refusal::NotFound));
                }
                (id, AuditAction::Update)
            }
        };
        replace_members(&mut tx, scope.tenant, id, members).await?;
        self.audit(
            &mut tx,
            scope,
            action,
            RecordType::Team,
            id.0,
            &["name", "members"],
        )
        .await?;
        tx.commit().await?;
        self.team(scope.tenant, id).await
    }

    pub async fn delete_team(&self, scope: &Scope, id: TeamId) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query("DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2")
            .bind_all((scope.tenant.0, id.0))
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM teams WHERE tenant_id = $1 AND team_id = $2")
            .bind_all((scope.tenant.0, id.0))
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Delete,
            RecordType::Team,
            id.0,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tenant's active users, (id, name) by name: whom a record can be
    /// given to.
    pub async fn user_choices(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<(UserId, String)>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(
            "SELECT user_id, display_name FROM users WHERE tenant_id = $1 AND disabled_at IS NULL
             ORDER BY display_name, user_id",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| Ok((UserId(r.try_get("user_id")?), r.try_get("display_name")?)))
            .collect()
    }
}

/// Sets a team's members; every member must be a user of the tenant.
async fn replace_members(
    tx: &mut Transaction<'static, Any>,
    tenant: TenantId,
    team: TeamId,
    members: &[UserId],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2")
        .bind_all((tenant.0, team.0))
        .execute(&mut **tx)
        .await?;
    let mut seen = Vec::new();
    for member in members {
        if seen.contains(member) {
            continue;
        }
        seen.push(*member);
        crate::rows::require_reference(
            &mut *tx,
            "users",
            "user_id",
            tenant.0,
            Some(member.0),
            "member_ids",
        )
        .await?;
        sqlx::query("INSERT INTO team_members (tenant_id, team_id, user_id) VALUES ($1, $2, $3)")
            .bind_all((tenant.0, team.0, member.0))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
