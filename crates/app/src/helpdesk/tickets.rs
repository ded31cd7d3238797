//! Raising, reading, changing and listing tickets, with the same rules as
//! every CRM record: permission, record scope, need-to-know, restriction.

use crate::reach::Linked;
use crate::records::{Filter, Filters, ListParams};
use crate::Helpdesk;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::helpdesk::{
    BulkOutcome, BulkRefusal, BulkTicketInput, Ticket, TicketFields, TicketInput, TicketStatus,
};
use custodian_core::page::Page;
use custodian_core::{catalog, TicketId, UserId};

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
        self.change_ticket(principal, id, Some(Some(principal.user_id)), None)
            .await
    }

    /// Changes many tickets at once (assignee, status or both), each as
    /// [`Helpdesk::assign_ticket_to_me`] changes one: a ticket that cannot
    /// be changed is left as it is and named with the reason.
    pub async fn change_tickets(
        self,
        principal: &Principal,
        input: &BulkTicketInput,
    ) -> Result<BulkOutcome, AppError> {
        principal.authorize(Area::Support, Action::Update)?;
        let change = input.validate()?;
        let mut outcome = BulkOutcome::default();
        for id in change.ticket_ids {
            match self
                .change_ticket(principal, id, change.assignee, change.status)
                .await
            {
                Ok(_) => outcome.changed.push(id),
                Err(error) if error.public().status < 500 => {
                    let public = error.public();
                    // A ticket the caller reaches is named by its number.
                    let number = match error {
                        AppError::Refused(custodian_core::Refusal::NotFound) => None,
                        _ => self
                            .store
                            .records::<Ticket>()
                            .get(principal.tenant, id)
                            .await
                            .ok()
                            .map(|t| t.number),
                    };
                    outcome.refused.push(BulkRefusal {
                        ticket_id: id,
                        number,
                        code: public.code.to_string(),
                        message: public.message,
                    });
                }
                Err(error) => return Err(error),
            }
        }
        Ok(outcome)
    }

    /// Sets the ticket's assignee (`Some(None)`: nobody) and status where
    /// given; nothing else changes (fields the caller may not see are kept
    /// as stored).
    async fn change_ticket(
        self,
        principal: &Principal,
        id: TicketId,
        assignee: Option<Option<UserId>>,
        status: Option<TicketStatus>,
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
        if let Some(assignee) = assignee {
            fields.assignee_id = assignee;
        }
        if let Some(status) = status {
            fields.status = status;
        }
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
