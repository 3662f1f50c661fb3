//! Every PostgREST request the pages make, in one place: what they read and write is visible
//! here and tested natively (URLs, filters, embeds).

use super::role::Role;
use serde_json::{Value, json};
use supabase_client::Query;
use supabase_client::postgrest::Count;

/// The signed-in user's agencies with their role, oldest first.
pub(crate) fn memberships(user_id: &str) -> Query {
    Query::from("agency_members")
        .select("role, agencies(id, name, slug, plan_id)")
        .eq("user_id", user_id)
        .order("created_at", true)
}

pub(crate) fn create_agency(name: &str, slug: &str) -> Query {
    Query::rpc("create_agency", json!({ "name": name, "slug": slug }))
}

pub(crate) fn rename_agency(agency_id: &str, name: &str) -> Query {
    Query::from("agencies")
        .update(json!({ "name": name }))
        .eq("id", agency_id)
        .select("id, name, slug, plan_id")
}

/// The dashboard's client list, most recently active first.
pub(crate) fn client_summaries(agency_id: &str) -> Query {
    Query::from("client_summaries")
        .select(
            "id, name, industry, status, current_show_rate, target_show_rate, last_activity_at, \
             transcripts_count, bookings_showed, bookings_no_show, measured_show_rate",
        )
        .eq("agency_id", agency_id)
        .order("last_activity_at", false)
}

/// One client's dashboard row (counts and the measured show rate).
pub(crate) fn client_summary(client_id: &str) -> Query {
    Query::from("client_summaries").eq("id", client_id).single()
}

/// How many pieces of content are live (the count comes back in Content-Range).
pub(crate) fn live_content_count(agency_id: &str) -> Query {
    Query::from("content_versions")
        .select("id")
        .eq("agency_id", agency_id)
        .eq("status", "live")
        .limit(1)
        .count(Count::Exact)
}

pub(crate) fn client(client_id: &str) -> Query {
    Query::from("clients").eq("id", client_id).single()
}

/// Insert a client (`row` from `client::new_client_row`) and return its id.
pub(crate) fn insert_client(row: Value) -> Query {
    Query::from("clients").insert(row).select("id").single()
}

/// Update a client's profile; returns the row, so a refused update (no row) is noticed.
pub(crate) fn update_client(client_id: &str, profile: Value) -> Query {
    Query::from("clients")
        .update(profile)
        .eq("id", client_id)
        .select("id")
}

pub(crate) fn agency_usage(agency_id: &str) -> Query {
    Query::from("agency_usage")
        .eq("agency_id", agency_id)
        .single()
}

pub(crate) fn plans() -> Query {
    Query::from("plans")
        .select(
            "id, name, max_clients, max_analyses_per_month, max_seats, white_label, \
             price_cents_per_month, currency",
        )
        .order("price_cents_per_month", true)
}

pub(crate) fn members(agency_id: &str) -> Query {
    Query::rpc("list_agency_members", json!({ "agency_id": agency_id }))
}

pub(crate) fn change_role(agency_id: &str, user_id: &str, role: Role) -> Query {
    Query::from("agency_members")
        .update(json!({ "role": role.as_str() }))
        .eq("agency_id", agency_id)
        .eq("user_id", user_id)
        .select("user_id, role")
}

pub(crate) fn remove_member(agency_id: &str, user_id: &str) -> Query {
    Query::from("agency_members")
        .delete()
        .eq("agency_id", agency_id)
        .eq("user_id", user_id)
        .select("user_id")
}

/// The agency's invitations, newest first (admins and owners only, by RLS).
pub(crate) fn invitations(agency_id: &str) -> Query {
    Query::from("invitations")
        .select("id, role, invitation_type, email, expires_at, accepted_at, created_at")
        .eq("agency_id", agency_id)
        .order("created_at", false)
        .limit(50)
}

pub(crate) fn create_invitation(
    agency_id: &str,
    role: Role,
    invitation_type: &str,
    email: Option<&str>,
) -> Query {
    Query::rpc(
        "create_invitation",
        json!({
            "agency_id": agency_id,
            "role": role.as_str(),
            "invitation_type": invitation_type,
            "email": email,
        }),
    )
}

pub(crate) fn revoke_invitation(invitation_id: &str) -> Query {
    Query::from("invitations")
        .delete()
        .eq("id", invitation_id)
        .select("id")
}

pub(crate) fn lookup_invitation(token: &str) -> Query {
    Query::rpc("lookup_invitation", json!({ "token": token }))
}

pub(crate) fn accept_invitation(token: &str) -> Query {
    Query::rpc("accept_invitation", json!({ "token": token }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use supabase_client::{ClientConfig, Method};

    fn build(query: Query) -> supabase_client::HttpRequest {
        query.build(&ClientConfig::new("http://api", "anon"), Some("jwt"))
    }

    #[test]
    fn reads_are_scoped_to_the_agency() {
        let request = build(client_summaries("a1"));
        assert_eq!(request.method, Method::Get);
        assert!(
            request
                .url
                .starts_with("http://api/rest/v1/client_summaries?select=id%2Cname%2C")
        );
        assert!(
            request
                .url
                .ends_with("&agency_id=eq.a1&order=last_activity_at.desc")
        );
        let request = build(memberships("u1"));
        assert_eq!(
            request.url,
            "http://api/rest/v1/agency_members?select=role%2Cagencies%28id%2Cname%2Cslug%2Cplan_id%29\
             &user_id=eq.u1&order=created_at.asc"
        );
        let request = build(live_content_count("a1"));
        assert_eq!(request.header_value("Prefer"), Some("count=exact"));
        assert!(
            request
                .url
                .ends_with("&agency_id=eq.a1&status=eq.live&limit=1")
        );
        let request = build(agency_usage("a1"));
        assert_eq!(
            request.header_value("Accept"),
            Some("application/vnd.pgrst.object+json")
        );
    }

    #[test]
    fn writes_return_rows_so_refusals_are_noticed() {
        let request = build(update_client("c1", json!({"name": "N"})));
        assert_eq!(request.method, Method::Patch);
        assert_eq!(
            request.header_value("Prefer"),
            Some("return=representation")
        );
        assert!(request.url.ends_with("?select=id&id=eq.c1"));
        let request = build(remove_member("a1", "u2"));
        assert_eq!(request.method, Method::Delete);
        assert_eq!(
            request.header_value("Prefer"),
            Some("return=representation")
        );
        assert!(
            request
                .url
                .ends_with("?select=user_id&agency_id=eq.a1&user_id=eq.u2")
        );
        let request = build(change_role("a1", "u2", Role::Admin));
        assert_eq!(
            request.body,
            Some(supabase_client::Body::Json(
                r#"{"role":"admin"}"#.to_owned()
            ))
        );
    }

    #[test]
    fn rpcs_name_their_arguments() {
        let request = build(create_invitation("a1", Role::Member, "one_time", None));
        assert_eq!(request.method, Method::Post);
        assert!(request.url.ends_with("/rest/v1/rpc/create_invitation"));
        let Some(supabase_client::Body::Json(body)) = request.body else {
            panic!("no body");
        };
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body,
            json!({"agency_id": "a1", "role": "member", "invitation_type": "one_time", "email": null})
        );
        assert!(
            build(accept_invitation("t"))
                .url
                .ends_with("/rpc/accept_invitation")
        );
        assert!(
            build(create_agency("N", "n-1"))
                .url
                .ends_with("/rpc/create_agency")
        );
    }
}
