//! FAQ articles: the anonymisation step that turns a resolved ticket into a
//! draft (with what looks personal found and suggested for redaction), the
//! articles' life as every record's, and publishing, which refuses a text
//! that still holds personal data the editor did not keep on purpose.

use crate::records::{Filter, Filters, ListParams};
use crate::Helpdesk;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::Ticket;
use custodian_core::helpdesk::{
    find_personal_data, redact_findings, FaqArticle, FaqDraft, FaqFields, FaqInput, Finding,
    KnownNames, MessageVisibility, TicketStatus,
};
use custodian_core::page::Page;
use custodian_core::validation::ValidationErrors;
use custodian_core::{catalog, FaqArticleId, TenantId, TicketId};

pub const FAQ_FILTERS: Filters = &[
    (Filter::NamePrefix, "Words of the question or the answer"),
    (Filter::Status, "Only published or only draft articles"),
];

impl App {
    /// The tenant's people a text may name: its contacts with a first or
    /// last name among the text's words, and its staff.
    async fn names_in(&self, tenant: TenantId, texts: &[&str]) -> Result<KnownNames, AppError> {
        let mut words: Vec<String> = Vec::new();
        for text in texts {
            for word in text.split(|c: char| !c.is_alphabetic()) {
                if word.chars().count() >= 3 && !words.iter().any(|w| w == word) {
                    words.push(word.to_string());
                }
            }
        }
        let mut names = KnownNames::default();
        for name in self.store.helpdesk().known_names(tenant, &words).await? {
            names.add(&name);
        }
        Ok(names)
    }

    /// Refuses to publish a text in which personal data is still found,
    /// apart from what the editor kept on purpose.
    async fn refuse_personal_data(
        &self,
        tenant: TenantId,
        fields: &FaqFields,
    ) -> Result<(), AppError> {
        if !fields.published {
            return Ok(());
        }
        let names = self
            .names_in(tenant, &[&fields.title, &fields.body])
            .await?;
        let mut errors = ValidationErrors::new();
        for (field, text) in [("title", &fields.title), ("body", &fields.body)] {
            let left: Vec<Finding> = find_personal_data(text, &names)
                .into_iter()
                .filter(|f| !fields.keep.iter().any(|k| k == &f.text))
                .collect();
            if !left.is_empty() {
                let list: Vec<String> = left
                    .iter()
                    .map(|f| format!("{} “{}”", f.kind.label().to_lowercase(), f.text))
                    .collect();
                errors.add(
                    field,
                    "personal_data_found",
                    format!(
                        "This still looks personal: {}. Replace it, or keep it on purpose, before publishing.",
                        list.join(", ")
                    ),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.into())
        }
    }
}

impl Helpdesk<'_> {
    /// A resolved or closed ticket as an article's first draft: its
    /// question (subject and description) and the staff's public replies,
    /// with what looks personal found and a fully redacted version.
    pub async fn faq_draft(
        self,
        principal: &Principal,
        ticket_id: TicketId,
    ) -> Result<FaqDraft, AppError> {
        principal.authorize(Area::Support, Action::Create)?;
        // The draft shows the ticket's text unmasked: only to those who see all of it.
        principal.may_replace(RecordType::Ticket.table())?;
        principal.may_replace(RecordType::TicketMessage.table())?;
        self.require_reach(principal, RecordType::Ticket, ticket_id.0)
            .await?;
        let ticket = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, ticket_id)
            .await?;
        if !matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed) {
            return Err(ValidationErrors::single(
                "source_ticket_id",
                "ticket_not_resolved",
                "Only a resolved or closed ticket becomes an FAQ article: its answer is known.",
            )
            .into());
        }
        let messages = self
            .store
            .helpdesk()
            .ticket_messages(principal.tenant, ticket_id, false)
            .await?;
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::TicketMessage,
            messages.iter().map(|m| m.id.0),
        )
        .await?;
        let replies: Vec<String> = messages
            .into_iter()
            .filter(|m| m.visibility == MessageVisibility::Public && m.author_user_id.is_some())
            .map(|m| m.body)
            .collect();
        let mut body = ticket.description.clone();
        for reply in replies {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(&reply);
        }
        let title = ticket.subject.clone();
        let names = self.names_in(principal.tenant, &[&title, &body]).await?;
        let title_findings = find_personal_data(&title, &names);
        let body_findings = find_personal_data(&body, &names);
        self.record_reads(
            principal,
            AuditAction::Read,
            RecordType::Ticket,
            [ticket_id.0],
        )
        .await?;
        Ok(FaqDraft {
            source_ticket_id: ticket_id,
            redacted_title: redact_findings(&title, &title_findings),
            redacted_body: redact_findings(&body, &body_findings),
            title,
            body,
            title_findings,
            body_findings,
        })
    }

    pub async fn create_faq_article(
        self,
        principal: &Principal,
        input: &FaqInput,
    ) -> Result<FaqArticle, AppError> {
        principal.authorize(Area::Support, Action::Create)?;
        let fields = input.validate()?;
        if let Some(ticket) = fields.source_ticket_id {
            self.require_reach(principal, RecordType::Ticket, ticket.0)
                .await?;
        }
        self.refuse_personal_data(principal.tenant, &fields).await?;
        let mut article = self
            .store
            .helpdesk()
            .create_faq_article(&principal.scope(), Some(principal.user_id), &fields)
            .await?;
        principal.mask(&mut article);
        Ok(article)
    }

    pub async fn faq_article(
        self,
        principal: &Principal,
        id: FaqArticleId,
    ) -> Result<FaqArticle, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let mut article = self
            .store
            .records::<FaqArticle>()
            .get(principal.tenant, id)
            .await?;
        principal.mask(&mut article);
        self.record_reads(principal, AuditAction::Read, RecordType::FaqArticle, [id.0])
            .await?;
        Ok(article)
    }

    pub async fn update_faq_article(
        self,
        principal: &Principal,
        id: FaqArticleId,
        expected_version: Option<i64>,
        input: &FaqInput,
    ) -> Result<FaqArticle, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        principal.may_replace(RecordType::FaqArticle.table())?;
        let fields = input.validate()?;
        self.store
            .records::<FaqArticle>()
            .get(principal.tenant, id)
            .await?;
        if let Some(ticket) = fields.source_ticket_id {
            self.require_reach(principal, RecordType::Ticket, ticket.0)
                .await?;
        }
        self.refuse_personal_data(principal.tenant, &fields).await?;
        let mut article = self
            .store
            .records::<FaqArticle>()
            .update(&principal.scope(), id, expected_version, &fields)
            .await?;
        principal.mask(&mut article);
        Ok(article)
    }

    pub async fn delete_faq_article(
        self,
        principal: &Principal,
        id: FaqArticleId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Support, Action::Delete)?;
        Ok(self
            .store
            .records::<FaqArticle>()
            .delete(&principal.scope(), id)
            .await?)
    }

    pub async fn faq_articles(
        self,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Page<FaqArticle>, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let sight = principal.sight();
        if params.q.as_deref().is_some_and(|q| !q.trim().is_empty())
            && !(sight.sees(catalog::category_of("faq_articles", "title"))
                && sight.sees(catalog::category_of("faq_articles", "body")))
        {
            return Err(AppError::FilterOnHiddenField {
                hidden: "the title and answer",
            });
        }
        let query = params.to_query(FAQ_FILTERS, &self.key)?;
        let mut page = self
            .store
            .helpdesk()
            .list_faq_articles(principal.tenant, &query)
            .await?;
        page.items.iter_mut().for_each(|a| principal.mask(a));
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::FaqArticle,
            page.items.iter().map(|a| a.id.0),
        )
        .await?;
        Ok(self.sealed(page))
    }
}
