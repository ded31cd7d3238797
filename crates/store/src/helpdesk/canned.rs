//! Canned replies: the tenant's reusable answers, by title.

use crate::page::{
    count_rows, finish_page, keyset, sort_name, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::statement::Bindable;
use crate::stored::{plain_new_fields, plain_record_steps, NewRecord, StoredRecord};
use crate::{Store, StoreError};
use custodian_core::audit::RecordType;
use custodian_core::helpdesk::{CannedReply, CannedReplyFields};
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::{CannedReplyId, Refusal, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const SELECT: &str =
    "SELECT r.reply_id, r.title, r.body, r.created_at, r.updated_at, r.version FROM canned_replies r";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "title",
        column: "r.title",
        text: true,
    },
    SortKey {
        name: "created",
        column: "r.created_at",
        text: false,
    },
];

fn from_row(row: &AnyRow) -> Result<CannedReply, StoreError> {
    Ok(CannedReply {
        id: CannedReplyId(row.try_get("reply_id")?),
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: CannedReplyId,
) -> Result<CannedReply, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE r.tenant_id = $1 AND r.reply_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    from_row(&row)
}

async fn write_fields(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: CannedReplyId,
    f: &CannedReplyFields,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE canned_replies SET title = $1, body = $2 WHERE tenant_id = $3 AND reply_id = $4",
    )
    .bind_all((&f.title, &f.body, tenant.0, id.0))
    .execute(conn)
    .await?;
    Ok(())
}

impl StoredRecord for CannedReply {
    type Id = CannedReplyId;
    type Fields = CannedReplyFields;
    const TABLE: &'static str = "canned_replies";
    const ID_COLUMN: &'static str = "reply_id";
    const RECORD_TYPE: RecordType = RecordType::CannedReply;

    plain_record_steps!(CannedReplyId, CannedReplyFields);
}

impl NewRecord for CannedReply {
    async fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &CannedReplyFields,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO canned_replies (tenant_id, reply_id, title, body, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $5, 1)",
        )
        .bind_all((tenant.0, id, &fields.title, &fields.body, now.0))
        .execute(conn)
        .await?;
        Ok(())
    }

    plain_new_fields!(CannedReplyId, CannedReplyFields);
}

impl Store {
    /// The tenant's canned replies, by title (or newest first), found by
    /// words of their title.
    pub async fn list_canned_replies(
        &self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<CannedReply>, StoreError> {
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE r.tenant_id = {t}"));
        if let Some(words) = &query.name_prefix {
            sql.contains_words(words, &["r.title"]);
        }
        let counting = keyset(&mut sql, SORT_KEYS, "r.reply_id", query)?;
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let sort = sort_name(SORT_KEYS, query);
        Ok(finish_page(items, query, total, |r| Cursor {
            key: if sort == "title" {
                CursorKey::Text(r.title.clone())
            } else {
                CursorKey::Int(r.created_at.0)
            },
            id: r.id.0,
            backwards: false,
        }))
    }
}
