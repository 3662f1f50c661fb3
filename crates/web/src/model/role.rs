//! Agency roles and what each may do. The database decides (row level security and the
//! RPCs); these rules only hide what would be refused anyway.

use serde::{Deserialize, Serialize};

/// A role in an agency, ordered by rank: member < admin < owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub(crate) const ALL: [Role; 3] = [Role::Owner, Role::Admin, Role::Member];

    /// The database's spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Role> {
        match text {
            "member" => Some(Role::Member),
            "admin" => Some(Role::Admin),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Admin => "Admin",
            Role::Owner => "Owner",
        }
    }

    /// What the role allows, in a sentence for the invitation form.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Role::Member => "Uploads transcripts, runs analyses and edits content.",
            Role::Admin => "Also adds and edits clients, invites people and approves content.",
            Role::Owner => "Also manages the plan and everyone's roles.",
        }
    }

    /// Create, edit and delete clients (RLS: admin and owner).
    pub(crate) fn can_manage_clients(self) -> bool {
        self >= Role::Admin
    }

    /// Rename the agency (RLS: admin and owner).
    pub(crate) fn can_edit_agency(self) -> bool {
        self >= Role::Admin
    }

    /// See and create invitations (RLS and create_invitation: admin and owner).
    pub(crate) fn can_invite(self) -> bool {
        self >= Role::Admin
    }

    /// The roles this role may invite: nobody invites above their own role.
    pub(crate) fn invitable_roles(self) -> Vec<Role> {
        match self {
            Role::Owner => vec![Role::Member, Role::Admin, Role::Owner],
            Role::Admin => vec![Role::Member, Role::Admin],
            Role::Member => Vec::new(),
        }
    }

    /// Change other people's roles (RLS: owner only).
    pub(crate) fn can_change_roles(self) -> bool {
        self == Role::Owner
    }

    /// Remove someone with role `target` from the agency (RLS: anyone may leave; owners remove
    /// anyone; admins remove members).
    pub(crate) fn can_remove(self, target: Role, is_self: bool) -> bool {
        is_self || self == Role::Owner || (self == Role::Admin && target == Role::Member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_permissions_follow_the_policies() {
        assert!(Role::Owner > Role::Admin && Role::Admin > Role::Member);
        assert!(!Role::Member.can_manage_clients());
        assert!(Role::Admin.can_manage_clients());
        assert_eq!(
            Role::Admin.invitable_roles(),
            vec![Role::Member, Role::Admin]
        );
        assert!(Role::Member.invitable_roles().is_empty());
        assert!(Role::Admin.can_remove(Role::Member, false));
        assert!(!Role::Admin.can_remove(Role::Admin, false));
        assert!(Role::Member.can_remove(Role::Member, true));
        assert!(Role::Owner.can_remove(Role::Owner, false));
        assert!(!Role::Admin.can_change_roles());
    }

    #[test]
    fn spelled_as_in_the_database() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::json!(role.as_str())
            );
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
