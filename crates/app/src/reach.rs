//! Record-level scope in the use cases: a caller whose roles reach only
//! their own or their team's records finds nothing else — not by id, not in
//! a list, not as a link in what they submit — and what they create is
//! theirs.

use crate::{App, AppError, Principal};
use custodian_core::access::RecordScope;
use custodian_core::activities::ActivityFields;
use custodian_core::agreements::AgreementFields;
use custodian_core::assets::AssetFields;
use custodian_core::audit::RecordType;
use custodian_core::contacts::ContactFields;
use custodian_core::organisations::OrganisationFields;
use custodian_core::Refusal;
use custodian_core::UserId;
use custodian_store::Reach;

impl Principal {
    /// Which records of this type the caller reaches: as far as the roles
    /// that read the type's area reach.
    pub fn reach(&self, record_type: RecordType) -> Reach {
        match self.grants.reach_in(crate::area_of(record_type)) {
            RecordScope::All => Reach::All,
            RecordScope::Team => Reach::Team(self.user_id),
            RecordScope::Own => Reach::Own(self.user_id),
        }
    }
}

/// Submitted record fields that link to other records, and that may have
/// an owner.
pub trait Linked {
    /// (record type, id, field) of every link.
    fn links(&self) -> Vec<(RecordType, i64, &'static str)>;

    /// Makes `user` the owner when none was named (records without owners
    /// ignore it).
    fn default_owner(&mut self, _user: UserId) {}
}

impl Linked for OrganisationFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        Vec::new()
    }

    fn default_owner(&mut self, user: UserId) {
        self.owner_id.get_or_insert(user);
    }
}

impl Linked for ContactFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        self.organisation_id
            .map(|o| (RecordType::Organisation, o.0, "organisation_id"))
            .into_iter()
            .collect()
    }

    fn default_owner(&mut self, user: UserId) {
        self.owner_id.get_or_insert(user);
    }
}

impl Linked for ActivityFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        let contacts = self
            .contact_ids
            .iter()
            .map(|c| (RecordType::Contact, c.0, "contact_ids"));
        let organisation = self
            .organisation_id
            .map(|o| (RecordType::Organisation, o.0, "organisation_id"));
        contacts.chain(organisation).collect()
    }
}

impl Linked for AssetFields {
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

/// A canned reply links no record.
impl Linked for custodian_core::helpdesk::CannedReplyFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        Vec::new()
    }
}

impl Linked for AgreementFields {
    fn links(&self) -> Vec<(RecordType, i64, &'static str)> {
        vec![(
            RecordType::Organisation,
            self.organisation_id.0,
            "organisation_id",
        )]
    }
}

impl App {
    /// Whether the record lies within the caller's reach (e.g. still, after
    /// they gave it to someone else).
    pub async fn reaches(
        &self,
        principal: &Principal,
        record_type: RecordType,
        id: i64,
    ) -> Result<bool, AppError> {
        match self.require_reach(principal, record_type, id).await {
            Ok(()) => Ok(true),
            Err(AppError::Refused(Refusal::NotFound)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Not found unless the record lies within the caller's reach.
    pub(crate) async fn require_reach(
        &self,
        principal: &Principal,
        record_type: RecordType,
        id: i64,
    ) -> Result<(), AppError> {
        let reach = principal.reach(record_type);
        if reach == Reach::All
            || self
                .store
                .within_reach(principal.tenant, record_type, id, reach)
                .await?
        {
            Ok(())
        } else {
            Err(AppError::Refused(Refusal::NotFound))
        }
    }

    /// Refuses links to records outside the caller's reach exactly as links
    /// to records that do not exist; links the record already has (`kept`,
    /// on an update) stay, so saving a record never drops a link its editor
    /// cannot follow.
    pub(crate) async fn require_links_in_reach<L: Linked>(
        &self,
        principal: &Principal,
        fields: &L,
        kept: Option<&L>,
    ) -> Result<(), AppError> {
        let kept = kept.map(Linked::links).unwrap_or_default();
        for (record_type, id, field) in fields.links() {
            let reach = principal.reach(record_type);
            if reach != Reach::All
                && !kept.iter().any(|(t, i, _)| *t == record_type && *i == id)
                && !self
                    .store
                    .within_reach(principal.tenant, record_type, id, reach)
                    .await?
            {
                return Err(AppError::Refused(Refusal::UnknownReference { field }));
            }
        }
        Ok(())
    }
}
