//! The FAQ in the portal: published articles only, searchable; the ticket
//! an article came from is never shown.

use super::PortalPrincipal;
use crate::records::ListParams;
use crate::AppError;
use crate::Portal;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::FaqArticle;
use custodian_core::page::Page;
use custodian_core::{FaqArticleId, Refusal};

fn for_the_portal(mut article: FaqArticle) -> FaqArticle {
    article.source_ticket_id = None;
    article
}

impl Portal<'_> {
    pub async fn portal_faq(
        self,
        principal: &PortalPrincipal,
        params: &ListParams,
    ) -> Result<Page<FaqArticle>, AppError> {
        let params = ListParams {
            status: Some("published".into()),
            sort: Some("title".into()),
            ..params.clone()
        };
        let query = params.to_query(crate::helpdesk::FAQ_FILTERS, &self.key)?;
        let mut page = self
            .store
            .helpdesk()
            .list_faq_articles(principal.tenant, &query)
            .await?;
        page.items = page.items.into_iter().map(for_the_portal).collect();
        self.portal_reads(
            principal,
            AuditAction::List,
            RecordType::FaqArticle,
            page.items.iter().map(|a| a.id.0).collect(),
        )
        .await?;
        Ok(self.sealed(page))
    }

    pub async fn portal_faq_article(
        self,
        principal: &PortalPrincipal,
        id: FaqArticleId,
    ) -> Result<FaqArticle, AppError> {
        let article = self
            .store
            .records::<FaqArticle>()
            .get(principal.tenant, id)
            .await?;
        if article.published_at.is_none() {
            return Err(AppError::Refused(Refusal::NotFound));
        }
        self.portal_reads(
            principal,
            AuditAction::Read,
            RecordType::FaqArticle,
            vec![id.0],
        )
        .await?;
        Ok(for_the_portal(article))
    }
}
