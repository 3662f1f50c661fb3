//! Agencies, memberships, members, invitations, plans and usage, as the database returns them.

use super::format;
use super::role::Role;
use serde::Deserialize;

/// An agency (the columns the app reads).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Agency {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) plan_id: String,
}

/// The signed-in user's membership of an agency (`agency_members` with the agency embedded).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Membership {
    pub(crate) role: Role,
    #[serde(rename = "agencies")]
    pub(crate) agency: Agency,
}

/// The membership to work in: the remembered agency when the user still belongs to it, else
/// the first.
pub(crate) fn choose<'a>(
    memberships: &'a [Membership],
    remembered: Option<&str>,
) -> Option<&'a Membership> {
    remembered
        .and_then(|id| {
            memberships
                .iter()
                .find(|membership| membership.agency.id == id)
        })
        .or_else(|| memberships.first())
}

/// One row of `list_agency_members`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Member {
    pub(crate) user_id: String,
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) full_name: Option<String>,
    pub(crate) role: Role,
    pub(crate) joined_at: String,
}

impl Member {
    pub(crate) fn display_name(&self) -> &str {
        self.full_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.email)
    }
}

/// How many owners a member list has (the last owner can be neither demoted nor removed).
pub(crate) fn owner_count(members: &[Member]) -> usize {
    members
        .iter()
        .filter(|member| member.role == Role::Owner)
        .count()
}

/// An invitation as admins see it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Invitation {
    pub(crate) id: String,
    pub(crate) role: Role,
    pub(crate) invitation_type: String,
    #[serde(default)]
    pub(crate) email: Option<String>,
    pub(crate) expires_at: String,
    #[serde(default)]
    pub(crate) accepted_at: Option<String>,
    pub(crate) created_at: String,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InvitationState {
    Pending,
    Accepted,
    Expired,
}

impl Invitation {
    pub(crate) fn state(&self, now: i64) -> InvitationState {
        let expired = format::parse_timestamp(&self.expires_at).is_none_or(|at| at <= now);
        match (self.invitation_type.as_str(), &self.accepted_at, expired) {
            (_, _, true) => InvitationState::Expired,
            ("one_time", Some(_), false) => InvitationState::Accepted,
            _ => InvitationState::Pending,
        }
    }

    pub(crate) fn kind_label(&self) -> &'static str {
        if self.invitation_type == "24_hour" {
            "Anyone with the link, for 24 hours"
        } else {
            "One person"
        }
    }
}

/// What create_invitation returns (the token is shown this once).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct CreatedInvitation {
    pub(crate) token: String,
    pub(crate) expires_at: String,
}

/// The link an invitee opens.
pub(crate) fn invitation_link(origin: &str, token: &str) -> String {
    format!("{}/invite/{token}", origin.trim_end_matches('/'))
}

/// What lookup_invitation tells an invitee.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct InvitationLookup {
    pub(crate) active: bool,
    #[serde(default)]
    pub(crate) agency_name: Option<String>,
    #[serde(default)]
    pub(crate) role: Option<Role>,
    #[serde(default)]
    pub(crate) email_bound: bool,
}

/// What accept_invitation returns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct AcceptedInvitation {
    pub(crate) agency_id: String,
}

/// A plan (`plans`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Plan {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) max_clients: Option<i64>,
    #[serde(default)]
    pub(crate) max_analyses_per_month: Option<i64>,
    pub(crate) max_seats: i64,
    pub(crate) white_label: bool,
    pub(crate) price_cents_per_month: i64,
    pub(crate) currency: String,
}

impl Plan {
    pub(crate) fn price(&self) -> String {
        format!(
            "{} / month",
            format::money(self.price_cents_per_month, &self.currency)
        )
    }
}

/// One row of `agency_usage`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct AgencyUsage {
    pub(crate) plan_name: String,
    pub(crate) subscription_status: String,
    pub(crate) clients_count: i64,
    #[serde(default)]
    pub(crate) max_clients: Option<i64>,
    pub(crate) analyses_this_month: i64,
    #[serde(default)]
    pub(crate) max_analyses_per_month: Option<i64>,
    pub(crate) seats_used: i64,
    pub(crate) max_seats: i64,
}

/// Usage of one limited thing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Limit {
    pub(crate) label: &'static str,
    pub(crate) used: i64,
    /// None: unlimited.
    pub(crate) max: Option<i64>,
    /// What to do when it is reached.
    pub(crate) advice: &'static str,
}

impl Limit {
    pub(crate) fn is_reached(&self) -> bool {
        self.max.is_some_and(|max| self.used >= max)
    }

    /// "3 of 5", "12 (unlimited)".
    pub(crate) fn summary(&self) -> String {
        match self.max {
            Some(max) => format!("{} of {}", format::grouped(self.used), format::grouped(max)),
            None => format!("{} (unlimited)", format::grouped(self.used)),
        }
    }
}

impl AgencyUsage {
    pub(crate) fn limits(&self) -> [Limit; 3] {
        [
            Limit {
                label: "Clients",
                used: self.clients_count,
                max: self.max_clients,
                advice: "Upgrade the plan or delete a client before adding another.",
            },
            Limit {
                label: "Analyses this month",
                used: self.analyses_this_month,
                max: self.max_analyses_per_month,
                advice: "New analyses can start again next month, or upgrade the plan now.",
            },
            Limit {
                label: "Seats",
                used: self.seats_used,
                max: Some(self.max_seats),
                advice: "Upgrade the plan or remove a member before inviting someone new.",
            },
        ]
    }

    pub(crate) fn clients_limit(&self) -> Limit {
        let [clients, _, _] = self.limits();
        clients
    }

    /// Past due or canceled subscriptions lock new analyses (data is kept).
    pub(crate) fn billing_problem(&self) -> Option<&'static str> {
        match self.subscription_status.as_str() {
            "past_due" => {
                Some("The last payment failed, so new analyses are paused. Your data is safe.")
            }
            "canceled" => {
                Some("The subscription is canceled, so new analyses are paused. Your data is safe.")
            }
            _ => None,
        }
    }

    pub(crate) fn status_label(&self) -> &str {
        match self.subscription_status.as_str() {
            "trialing" => "Trial",
            "active" => "Active",
            "past_due" => "Payment failed",
            "canceled" => "Canceled",
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn membership(id: &str, role: &str) -> Membership {
        serde_json::from_value(json!({
            "agency_id": id, "role": role,
            "agencies": {"id": id, "name": format!("Agency {id}"), "slug": id, "plan_id": "starter"}
        }))
        .unwrap()
    }

    #[test]
    fn remembers_the_chosen_agency_while_it_is_still_ours() {
        let memberships = [membership("a1", "owner"), membership("a2", "member")];
        assert_eq!(choose(&memberships, Some("a2")).unwrap().role, Role::Member);
        assert_eq!(choose(&memberships, Some("gone")).unwrap().agency.id, "a1");
        assert_eq!(choose(&memberships, None).unwrap().agency.id, "a1");
        assert!(choose(&[], Some("a1")).is_none());
    }

    #[test]
    fn invitation_states() {
        let now = 1_764_151_200;
        let invitation = |kind: &str, accepted: Option<&str>, expires: &str| Invitation {
            id: "i".into(),
            role: Role::Member,
            invitation_type: kind.into(),
            email: None,
            expires_at: expires.into(),
            accepted_at: accepted.map(str::to_owned),
            created_at: "2025-11-26T09:00:00Z".into(),
        };
        let later = "2025-11-27T09:00:00Z";
        let earlier = "2025-11-26T09:30:00Z";
        assert_eq!(
            invitation("one_time", None, later).state(now),
            InvitationState::Pending
        );
        assert_eq!(
            invitation("one_time", Some(earlier), later).state(now),
            InvitationState::Accepted
        );
        assert_eq!(
            invitation("24_hour", Some(earlier), later).state(now),
            InvitationState::Pending
        );
        assert_eq!(
            invitation("one_time", None, earlier).state(now),
            InvitationState::Expired
        );
        assert_eq!(
            invitation_link("http://127.0.0.1:8080/", "t0k"),
            "http://127.0.0.1:8080/invite/t0k"
        );
    }

    #[test]
    fn limits_against_the_plan() {
        let usage: AgencyUsage = serde_json::from_value(json!({
            "agency_id": "a1", "plan_id": "starter", "plan_name": "Starter", "subscription_status": "past_due",
            "clients_count": 5, "max_clients": 5, "analyses_this_month": 2, "max_analyses_per_month": 10,
            "seats_used": 1, "max_seats": 1, "white_label": false
        }))
        .unwrap();
        let [clients, analyses, seats] = usage.limits();
        assert!(clients.is_reached() && seats.is_reached() && !analyses.is_reached());
        assert_eq!(analyses.summary(), "2 of 10");
        assert!(usage.billing_problem().is_some());
        let unlimited = Limit {
            label: "Clients",
            used: 1200,
            max: None,
            advice: "",
        };
        assert_eq!(unlimited.summary(), "1,200 (unlimited)");
        assert!(!unlimited.is_reached());
    }

    #[test]
    fn members_are_named_by_name_else_email() {
        let members: Vec<Member> = serde_json::from_value(json!([
            {"user_id": "u1", "email": "olivia@x.example", "full_name": "Olivia Hart", "role": "owner", "joined_at": "2025-11-26T10:00:00+00:00"},
            {"user_id": "u2", "email": "maya@x.example", "full_name": " ", "role": "member", "joined_at": "2025-11-26T10:00:00+00:00"}
        ]))
        .unwrap();
        assert_eq!(members[0].display_name(), "Olivia Hart");
        assert_eq!(members[1].display_name(), "maya@x.example");
        assert_eq!(owner_count(&members), 1);
    }
}
