//! Identifier newtypes. Every record id is an i64 below 2^53 so that it
//! survives a round trip through JavaScript; ids are only meaningful together
//! with the tenant they belong to.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// The raw id, where any record type's id is meant (the audit
        /// trail's record ids, SQL parameters).
        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> $name {
                $name(raw)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id_type!(
    /// A tenant: one client company, the controller of its data.
    TenantId
);
id_type!(
    /// A staff user of one tenant.
    UserId
);
id_type!(OrganisationId);
id_type!(ContactId);
id_type!(ActivityId);
id_type!(AssetId);
id_type!(AgreementId);
id_type!(ApiTokenId);
id_type!(AuditEntryId);
id_type!(
    /// A role a tenant defined for itself.
    RoleId
);
id_type!(TeamId);
id_type!(
    /// A helpdesk ticket.
    TicketId
);
id_type!(
    /// A reply or internal note on a ticket.
    TicketMessageId
);
id_type!(
    /// A message in the outbox.
    MailId
);
id_type!(
    /// A contact person's customer-portal account.
    PortalAccountId
);
id_type!(
    /// An FAQ article.
    FaqArticleId
);
id_type!(
    /// A file on a ticket.
    TicketAttachmentId
);
id_type!(
    /// A processing purpose of a tenant.
    PurposeId
);
id_type!(
    /// A data-subject request (access, erasure, …) logged by a tenant.
    SubjectRequestId
);
id_type!(
    /// One version of a consent text shown to people.
    ConsentTextId
);
id_type!(
    /// One entry of the consent ledger: a consent given or withdrawn.
    ConsentEventId
);
id_type!(
    /// A tenant's retention rule.
    RetentionRuleId
);
id_type!(
    /// A legal hold that keeps records from retention.
    LegalHoldId
);
id_type!(
    /// A record waiting for (or given) a retention review decision.
    RetentionReviewId
);
id_type!(
    /// One run of the retention rules.
    RetentionRunId
);
id_type!(
    /// A staff user's signed-in session.
    SessionId
);
id_type!(
    /// A self-registration waiting for the portal's approval.
    RegistrationId
);
id_type!(
    /// A contact person's signed-in portal session.
    PortalSessionId
);
id_type!(
    /// One of a tenant's canned replies.
    CannedReplyId
);
