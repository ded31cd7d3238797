//! The person's own data-subject rights in the portal, through the same
//! request workflow staff use: "Download my data" is an access request
//! answered at once (their signed-in session is the identity check, their
//! own contact record the subject), and "Erase me" is an erasure request
//! for staff, who carry it out with the erasure plan. Both are owned by the
//! tenant's data protection officer (an administrator when there is none).

use super::PortalPrincipal;
use crate::privacy::{Review, SubjectExport};
use crate::Portal;
use crate::{App, AppError};
use custodian_core::access::Role;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::privacy::requests::{
    due_date, Channel, RequestFields, RequestState, RequestType, SubjectRequest,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::validation::optional_text;
use custodian_core::{UserId, ValidationErrors};
use custodian_store::{Intake, RequestChange, Step, StepActor};

/// Downloads of one's data a person may make in a day (Art. 12(5) lets a
/// controller refuse requests that are excessive by their repetition).
const DOWNLOADS_PER_DAY: usize = 5;

/// The staff user a request raised in the portal belongs to: the first
/// active data protection officer, else the first active administrator.
fn portal_request_owner(users: &[custodian_core::users::UserSummary]) -> Option<UserId> {
    [Role::DataProtectionOfficer, Role::Administrator]
        .into_iter()
        .find_map(|role| {
            users
                .iter()
                .map(|u| &u.user)
                .filter(|u| u.disabled_at.is_none() && u.roles.contains(role))
                .map(|u| u.id)
                .min_by_key(|id| id.0)
        })
}

impl App {
    /// Opens a request about the person, raised by them in the portal.
    async fn raise_portal_request(
        &self,
        principal: &PortalPrincipal,
        request_type: RequestType,
        details: Option<String>,
    ) -> Result<SubjectRequest, AppError> {
        let users = self.store.users(principal.tenant).await?;
        let owner = portal_request_owner(&users).ok_or_else(|| {
            AppError::Configuration(
                "The tenant has no active data protection officer or administrator to own requests."
                    .into(),
            )
        })?;
        let today = CalendarDate::of(Timestamp::now());
        let fields = RequestFields {
            request_type,
            channel: Channel::Portal,
            received_on: today,
            contact_id: Some(principal.contact),
            subject_name: principal.name.clone(),
            subject_email: Some(principal.email.clone()),
            details,
        };
        let stricter = self
            .store
            .privacy()
            .request_deadline_days(principal.tenant)
            .await?;
        let identity = format!(
            "Signed in to the customer portal (account {})",
            principal.account.0
        );
        Ok(self
            .store
            .privacy()
            .create_request(
                &principal.scope(),
                owner,
                &fields,
                due_date(today, stricter),
                &Intake::Portal {
                    contact: principal.contact,
                    identity_method: &identity,
                },
            )
            .await?)
    }
}

impl Portal<'_> {
    /// The requests about the person, newest first.
    pub async fn portal_requests(
        self,
        principal: &PortalPrincipal,
    ) -> Result<Vec<SubjectRequest>, AppError> {
        let requests = self
            .store
            .privacy()
            .subject_requests_about(principal.tenant, principal.contact, false)
            .await?;
        self.portal_reads(
            principal,
            AuditAction::List,
            RecordType::SubjectRequest,
            requests.iter().map(|r| r.id.0).collect(),
        )
        .await?;
        Ok(requests)
    }

    /// "Download my data": an access request about the person, answered at
    /// once with the export staff would send, less what also concerns
    /// other people or is staff's internal notes (Art. 15(4)): when
    /// something was held back, the request stays in progress for the data
    /// protection officer, who sends the rest; otherwise it is completed.
    /// Should the export fail, the request stays open for staff too.
    pub async fn portal_download_my_data(
        self,
        principal: &PortalPrincipal,
    ) -> Result<SubjectExport, AppError> {
        let today = CalendarDate::of(Timestamp::now());
        let earlier = self
            .store
            .privacy()
            .subject_requests_about(principal.tenant, principal.contact, false)
            .await?;
        let downloads_today = earlier
            .iter()
            .filter(|r| {
                r.channel == Channel::Portal
                    && r.request_type == RequestType::Access
                    && r.received_on == today
            })
            .count();
        if downloads_today >= DOWNLOADS_PER_DAY {
            return Err(AppError::TooManyAttempts {
                retry_after_seconds: 86_400,
            });
        }
        let request = self
            .raise_portal_request(principal, RequestType::Access, None)
            .await?;
        let by = StepActor::Subject(principal.contact);
        let scope = principal.scope();
        let (export, held) = self
            .export_for_request(
                &scope,
                by,
                &request,
                &[principal.contact],
                Review::HoldForStaff,
            )
            .await?;
        if held > 0 {
            return Ok(export);
        }
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, request.id)
            .await?;
        let note = "Answered at once: the person downloaded the export in the customer portal";
        let step = Step {
            by,
            from: request.state,
            to: request.check_completion()?,
            name: RequestState::Completed.as_str(),
            note: Some(note),
        };
        let change = RequestChange {
            outcome: Some(note.into()),
            ..RequestChange::default()
        };
        self.store
            .privacy()
            .step_request(&scope, request.id, &step, &change)
            .await?;
        Ok(export)
    }

    /// "Erase me": an erasure request about the person for staff to carry
    /// out, once they confirm. An open one is returned rather than doubled.
    pub async fn portal_request_erasure(
        self,
        principal: &PortalPrincipal,
        confirmed: bool,
        details: Option<&str>,
    ) -> Result<SubjectRequest, AppError> {
        let details = optional_text(details, 2_000)
            .map_err(|p| ValidationErrors::single("details", p.code, p.message))?;
        if !confirmed {
            return Err(ValidationErrors::single(
                "confirm",
                "confirmation_required",
                "Tick the box to confirm that you ask for your data to be erased.",
            )
            .into());
        }
        let open = self
            .store
            .privacy()
            .subject_requests_about(principal.tenant, principal.contact, true)
            .await?
            .into_iter()
            .find(|r| r.request_type == RequestType::Erasure && r.state.is_open());
        if let Some(open) = open {
            return Ok(open);
        }
        self.raise_portal_request(principal, RequestType::Erasure, details)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodian_core::access::Roles;
    use custodian_core::users::{User, UserSummary};
    use custodian_core::TenantId;

    fn user(id: i64, roles: &[Role], disabled: bool) -> UserSummary {
        UserSummary {
            user: User {
                tenant: TenantId(1),
                id: UserId(id),
                email: format!("u{id}@example.test"),
                display_name: format!("User {id}"),
                roles: Roles::of(roles),
                custom_roles: Vec::new(),
                disabled_at: disabled.then_some(Timestamp(1)),
            },
            live_sessions: 0,
        }
    }

    #[test]
    fn the_data_protection_officer_owns_portal_requests() {
        let users = [
            user(3, &[Role::Administrator], false),
            user(9, &[Role::DataProtectionOfficer], true),
            user(7, &[Role::DataProtectionOfficer], false),
            user(2, &[Role::Administrator], false),
        ];
        assert_eq!(portal_request_owner(&users), Some(UserId(7)));
        assert_eq!(portal_request_owner(&users[..1]), Some(UserId(3)));
        assert_eq!(
            portal_request_owner(&[users[0].clone(), users[3].clone()]),
            Some(UserId(2))
        );
        assert_eq!(portal_request_owner(&users[1..2]), None);
    }
}
