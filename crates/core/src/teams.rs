//! Teams of staff users, as submitted: a role that reaches its team's
//! records sees what anyone in a team of its user owns.

use crate::{TeamId, UserId};
use serde::Deserialize;

/// A team as a page or an API client submits it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    pub name: String,
    /// The staff users in the team.
    #[serde(default)]
    pub member_ids: Vec<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    /// (id, name) of each member, by name.
    pub members: Vec<(UserId, String)>,
}
