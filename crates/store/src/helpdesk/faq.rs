//! FAQ articles, and the tenant's known people a text names (for the
//! anonymisation step): contacts found by their first or last name through
//! their indexes, and the staff.

use crate::page::{
    count_rows, finish_page, keyset, Arg, Cursor, CursorKey, ListQuery, SortKey, Sql,
};
use crate::rows::placeholders;
use crate::statement::Bindable;
use crate::stored::{FieldValues, StoredRecord};
use crate::Helpdesk;
use crate::{Scope, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{FaqArticle, FaqFields};
use custodian_core::page::Page;
use custodian_core::time::Timestamp;
use custodian_core::{FaqArticleId, Refusal, TenantId, TicketId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const SELECT: &str =
    "SELECT f.article_id, f.title, f.body, f.category, f.published_at, f.source_ticket_id,
    f.created_at, f.updated_at, f.version FROM faq_articles f";

const SORT_KEYS: &[SortKey] = &[
    SortKey {
        name: "created",
        column: "f.created_at",
        text: false,
    },
    SortKey {
        name: "title",
        column: "f.title",
        text: true,
    },
];

fn from_row(row: &AnyRow) -> Result<FaqArticle, StoreError> {
    Ok(FaqArticle {
        id: FaqArticleId(row.try_get("article_id")?),
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        category: row.try_get("category")?,
        published_at: row
            .try_get::<Option<i64>, _>("published_at")?
            .map(Timestamp),
        source_ticket_id: row
            .try_get::<Option<i64>, _>("source_ticket_id")?
            .map(TicketId),
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        masked_fields: Vec::new(),
        reason_required_fields: Vec::new(),
        version: row.try_get("version")?,
    })
}

async fn load(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: FaqArticleId,
) -> Result<FaqArticle, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE f.tenant_id = $1 AND f.article_id = $2"
    ))
    .bind_all((tenant.0, id.0))
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::Refused(Refusal::NotFound))?;
    from_row(&row)
}

fn fields_of(article: &FaqArticle) -> FaqFields {
    FaqFields {
        title: article.title.clone(),
        body: article.body.clone(),
        category: article.category.clone(),
        published: article.published_at.is_some(),
        source_ticket_id: article.source_ticket_id,
        keep: Vec::new(),
    }
}

impl StoredRecord for FaqArticle {
    type Id = FaqArticleId;
    type Fields = FaqFields;
    const TABLE: &'static str = "faq_articles";
    const ID_COLUMN: &'static str = "article_id";
    const RECORD_TYPE: RecordType = RecordType::FaqArticle;

    async fn load(conn: &mut AnyConnection, tenant: TenantId, id: i64) -> Result<Self, StoreError> {
        load(conn, tenant, FaqArticleId(id)).await
    }

    async fn write(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        before: &Self,
        fields: &FaqFields,
        now: Timestamp,
    ) -> Result<FieldValues, StoreError> {
        let published_at = match (fields.published, before.published_at) {
            (true, Some(at)) => Some(at.0),
            (true, None) => Some(now.0),
            (false, _) => None,
        };
        // The source stays what it was unless a new one is named.
        let source = fields.source_ticket_id.or(before.source_ticket_id);
        sqlx::query(
            "UPDATE faq_articles SET title = $1, body = $2, category = $3, published_at = $4, source_ticket_id = $5
             WHERE tenant_id = $6 AND article_id = $7",
        )
        .bind_all((&fields.title, &fields.body, &fields.category, published_at, source.map(|t| t.0), tenant.0, id))
        .execute(&mut *conn)
        .await?;
        let mut after = fields.clone();
        after.source_ticket_id = source;
        Ok(after.field_values())
    }

    fn values_before(&self, _fields: &FaqFields) -> FieldValues {
        fields_of(self).field_values()
    }
}

impl Helpdesk<'_> {
    pub async fn create_faq_article(
        self,
        scope: &Scope,
        created_by: Option<UserId>,
        fields: &FaqFields,
    ) -> Result<FaqArticle, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        if let Some(ticket) = fields.source_ticket_id {
            crate::rows::require_reference(
                &mut tx,
                "tickets",
                "ticket_id",
                scope.tenant.0,
                Some(ticket.0),
                "source_ticket_id",
            )
            .await?;
        }
        let id = FaqArticleId(self.next_id());
        let now = Timestamp::now().0;
        sqlx::query(
            "INSERT INTO faq_articles (tenant_id, article_id, title, body, category, published_at, source_ticket_id, created_by, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1)",
        )
        .bind_all((scope.tenant.0, id.0, &fields.title, &fields.body, &fields.category, fields.published.then_some(now), fields.source_ticket_id.map(|t| t.0), created_by.map(|u| u.0), now))
        .execute(&mut *tx)
        .await?;
        let names: Vec<&str> = fields.field_values().iter().map(|(n, _)| *n).collect();
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::FaqArticle,
            id.0,
            &names,
        )
        .await?;
        let article = load(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(article)
    }

    /// Articles, newest first (or by title): `kind` is `published` or
    /// `draft`, `name_prefix` words of the title or answer, and
    /// `organisation_id` is unused.
    pub async fn list_faq_articles(
        self,
        tenant: TenantId,
        query: &ListQuery,
    ) -> Result<Page<FaqArticle>, StoreError> {
        let mut query = query.clone();
        if query.sort.is_none() {
            query.order = crate::SortOrder::Descending;
        }
        let mut sql = Sql::new(SELECT);
        let t = sql.arg(Arg::Int(tenant.0));
        sql.push(&format!(" WHERE f.tenant_id = {t}"));
        match query.kind.as_deref() {
            None => {}
            Some("published") => sql.push(" AND f.published_at IS NOT NULL"),
            Some("draft") => sql.push(" AND f.published_at IS NULL"),
            Some(_) => {
                return Err(StoreError::Refused(Refusal::InvalidFilter {
                    field: "status",
                }))
            }
        }
        if let Some(typed) = query.name_prefix.as_deref() {
            sql.contains_words(typed, &["f.title", "f.body"]);
        }
        let counting = keyset(&mut sql, SORT_KEYS, "f.article_id", &query)?;
        let sort = crate::page::sort_name(SORT_KEYS, &query);
        let mut tx = self.read_one(tenant).await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        let total = count_rows(&mut tx, counting).await?;
        tx.commit().await?;
        Ok(finish_page(
            rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?,
            &query,
            total,
            |a| Cursor {
                key: if sort == "title" {
                    CursorKey::Text(a.title.clone())
                } else {
                    CursorKey::Int(a.created_at.0)
                },
                id: a.id.0,
                backwards: false,
            },
        ))
    }

    /// The names of the tenant's contacts whose first or last name is one
    /// of `words` (as written, and capitalised), and of its staff.
    pub async fn known_names(
        self,
        tenant: TenantId,
        words: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let mut forms: Vec<String> = Vec::new();
        for word in words.iter().take(500) {
            let mut chars = word.chars();
            let capitalised: String = chars
                .next()
                .map(|c| {
                    c.to_uppercase()
                        .chain(chars.flat_map(char::to_lowercase))
                        .collect()
                })
                .unwrap_or_default();
            for form in [
                word.clone(),
                capitalised,
                word.to_lowercase(),
                word.to_uppercase(),
            ] {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        let mut tx = self.begin_read(tenant).await?;
        let mut names: Vec<String> = sqlx::query_scalar(
            "SELECT display_name FROM users WHERE tenant_id = $1 AND anonymised_at IS NULL LIMIT 5000",
        )
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        for chunk in forms.chunks(400) {
            let list = placeholders(2, chunk.len());
            let sql = format!(
                "SELECT first_name, last_name FROM contacts WHERE tenant_id = $1 AND first_name IN ({list})
                 UNION SELECT first_name, last_name FROM contacts WHERE tenant_id = $1 AND last_name IN ({list})
                 LIMIT 5000"
            );
            let mut statement = sqlx::query(&sql).bind(tenant.0);
            for form in chunk {
                statement = statement.bind(form.as_str());
            }
            for row in statement.fetch_all(&mut *tx).await? {
                let first: String = row.try_get(0)?;
                let last: String = row.try_get(1)?;
                names.push(format!("{first} {last}"));
            }
        }
        tx.commit().await?;
        Ok(names)
    }
}
