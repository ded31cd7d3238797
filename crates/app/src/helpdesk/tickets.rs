//! Raising, reading, changing and listing tickets, with the same rules as
//! every CRM record: permission, record scope, need-to-know, restriction.

use crate::reach::Linked;
use crate::records::{Filter, Filters, ListParams};
use crate::Helpdesk;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{Ticket, TicketFields, TicketInput};
use custodian_core::page::Page;
use custodian_core::{catalog, TicketId};

pub const TICKET_FILTERS: Filters = &[
    (
        Filter::NamePrefix,
        "A ticket number (1042 or #1042), or words of the subject",
    ),
    (
        Filter::Status,
        "Only one status: new, open, pending, resolved, closed, or active (new, open and pending)",
    ),
    (
        Filter::Priority,
        "Only one priority: low, normal, high or urgent",
    ),
    (
        Filter::Assignee,
        "Only the tickets of this staff user; 0 for those nobody is assigned",
    ),
    (Filter::Organisation, "Only this organisation's tickets"),
    (Filter::Contact, "Only the tickets this contact raised"),
];

impl Linked for TicketFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        let organisation = self
            .organisation_id
            .map(|o| (RecordType::Organisation, o.0, "organisation_id"));
        let contact = self
            .contact_id
            .map(|c| (RecordType::Contact, c.0, "contact_id"));
        organisation.into_iter().chain(contact).collect()
    }
}

impl Helpdesk<'_> {
    /// Raises a ticket; the caller recorded it.
    pub async fn create_ticket(
        self,
        principal: &Principal,
        input: &TicketInput,
    ) -> Result<Ticket, AppError> {
        principal.authorize(Area::Support, Action::Create)?;
        let fields = input.validate()?;
        self.require_links_in_reach(principal, &fields, None)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, None, fields.links())
            .await?;
        let mut ticket = self
            .store
            .helpdesk()
            .create_ticket(&principal.scope(), Some(principal.user_id), &fields)
            .await?;
        principal.mask(&mut ticket);
        Ok(ticket)
    }

    pub async fn ticket(self, principal: &Principal, id: TicketId) -> Result<Ticket, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        self.require_reach(principal, RecordType::Ticket, id.0)
            .await?;
        let mut ticket = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, id)
            .await?;
        principal.mask(&mut ticket);
        self.record_reads(principal, AuditAction::Read, RecordType::Ticket, [id.0])
            .await?;
        Ok(ticket)
    }

    /// Replaces the ticket's fields; with `expected_version`, only if nobody
    /// changed it since.
    pub async fn update_ticket(
        self,
        principal: &Principal,
        id: TicketId,
        expected_version: Option<i64>,
        input: &TicketInput,
    ) -> Result<Ticket, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        principal.may_replace(RecordType::Ticket.table())?;
        let fields = input.validate()?;
        self.require_reach(principal, RecordType::Ticket, id.0)
            .await?;
        let current = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, id)
            .await?;
        let kept = current.to_input().validate().ok();
        self.require_links_in_reach(principal, &fields, kept.as_ref())
            .await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(id.0), fields.links())
            .await?;
        let mut ticket = self
            .store
            .records::<Ticket>()
            .update(&principal.scope(), id, expected_version, &fields)
            .await?;
        principal.mask(&mut ticket);
        Ok(ticket)
    }

    /// Takes the ticket: the caller becomes its assignee, and nothing else
    /// changes (fields the caller may not see are kept as stored).
    pub async fn assign_ticket_to_me(
        self,
        principal: &Principal,
        id: TicketId,
    ) -> Result<Ticket, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        self.require_reach(principal, RecordType::Ticket, id.0)
            .await?;
        let current = self
            .store
            .records::<Ticket>()
            .get(principal.tenant, id)
            .await?;
        let mut fields = current.to_input().validate()?;
        fields.assignee_id = Some(principal.user_id);
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(id.0), fields.links())
            .await?;
        let mut ticket = self
            .store
            .records::<Ticket>()
            .update(&principal.scope(), id, Some(current.version), &fields)
            .await?;
        principal.mask(&mut ticket);
        Ok(ticket)
    }

    pub async fn delete_ticket(self, principal: &Principal, id: TicketId) -> Result<(), AppError> {
        principal.authorize(Area::Support, Action::Delete)?;
        self.require_reach(principal, RecordType::Ticket, id.0)
            .await?;
        self.refuse_restricted_change(principal, RecordType::Ticket, Some(id.0), Vec::new())
            .await?;
        Ok(self
            .store
            .records::<Ticket>()
            .delete(&principal.scope(), id)
            .await?)
    }

    /// The queues: tickets by status, priority, assignee, organisation or
    /// contact, newest first, or found by number or subject.
    pub async fn tickets(
        self,
        principal: &Principal,
        params: &ListParams,
    ) -> Result<Page<Ticket>, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        let words = params
            .q
            .as_deref()
            .map(|q| q.trim().trim_start_matches('#'))
            .filter(|q| !q.is_empty() && q.parse::<i64>().is_err());
        if words.is_some()
            && !principal
                .sight()
                .sees(catalog::category_of("tickets", "subject"))
        {
            return Err(AppError::FilterOnHiddenField {
                hidden: "the subject",
            });
        }
        let query = params
            .to_query(TICKET_FILTERS, &self.key)?
            .within(principal.reach(RecordType::Ticket));
        let mut page = self
            .store
            .helpdesk()
            .list_tickets(principal.tenant, &query)
            .await?;
        page.items.iter_mut().for_each(|t| principal.mask(t));
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::Ticket,
            page.items.iter().map(|t| t.id.0),
        )
        .await?;
        Ok(self.sealed(page))
    }
}
