//! The dashboard's metric cards, computed from the `client_summaries` rows.

use super::client::{ClientStatus, ClientSummary};

/// Show-rate change across the clients where both the before (onboarding) and after (tracked
/// bookings) rates are known, weighted by their tracked bookings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Improvement {
    /// After − before, as a fraction (0.124 = +12.4 points).
    pub(crate) change: f64,
    pub(crate) clients: usize,
    pub(crate) bookings: i64,
}

pub(crate) fn improvement(clients: &[ClientSummary]) -> Option<Improvement> {
    let mut weighted = 0.0;
    let mut bookings = 0;
    let mut count = 0;
    for client in clients {
        let (Some(change), total) = (client.improvement(), client.bookings()) else {
            continue;
        };
        if total == 0 {
            continue;
        }
        weighted += change * total as f64;
        bookings += total;
        count += 1;
    }
    (bookings > 0).then(|| Improvement {
        change: weighted / bookings as f64,
        clients: count,
        bookings,
    })
}

/// Clients per status, in workflow order, and how many are past onboarding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ActiveClients {
    pub(crate) active: usize,
    pub(crate) total: usize,
    pub(crate) by_status: Vec<(ClientStatus, usize)>,
}

pub(crate) fn active_clients(clients: &[ClientSummary]) -> ActiveClients {
    let by_status = ClientStatus::ALL
        .iter()
        .map(|status| {
            (
                *status,
                clients
                    .iter()
                    .filter(|client| client.status == *status)
                    .count(),
            )
        })
        .filter(|(_, count)| *count > 0)
        .collect();
    ActiveClients {
        active: clients
            .iter()
            .filter(|client| client.status.is_active())
            .count(),
        total: clients.len(),
        by_status,
    }
}

/// How the content that is out there performs: show rate over all tracked bookings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContentPerformance {
    pub(crate) show_rate: f64,
    pub(crate) showed: i64,
    pub(crate) bookings: i64,
}

pub(crate) fn content_performance(clients: &[ClientSummary]) -> Option<ContentPerformance> {
    let showed: i64 = clients.iter().map(|client| client.bookings_showed).sum();
    let bookings: i64 = clients.iter().map(ClientSummary::bookings).sum();
    (bookings > 0).then(|| ContentPerformance {
        show_rate: showed as f64 / bookings as f64,
        showed,
        bookings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(
        status: &str,
        before: Option<f64>,
        after: Option<f64>,
        showed: i64,
        no_show: i64,
    ) -> ClientSummary {
        serde_json::from_value(json!({
            "id": "c", "agency_id": "a", "name": "C", "status": status,
            "current_show_rate": before, "target_show_rate": null,
            "last_activity_at": "2025-11-26T10:00:00+00:00", "transcripts_count": 0,
            "bookings_showed": showed, "bookings_no_show": no_show, "measured_show_rate": after
        }))
        .unwrap()
    }

    #[test]
    fn nothing_tracked_means_no_figures() {
        let clients = [summary("onboarding", Some(0.5), None, 0, 0)];
        assert_eq!(improvement(&clients), None);
        assert_eq!(content_performance(&clients), None);
        assert_eq!(improvement(&[]), None);
        let active = active_clients(&clients);
        assert_eq!((active.active, active.total), (0, 1));
    }

    #[test]
    fn improvement_is_weighted_by_bookings() {
        let clients = [
            summary("live", Some(0.5), Some(0.8), 8, 2), // +30 pts over 10 bookings
            summary("live", Some(0.6), Some(0.5), 15, 15), // -10 pts over 30 bookings
            summary("ready", None, Some(0.9), 9, 1),     // no baseline: not in the change
            summary("onboarding", Some(0.5), None, 0, 0),
        ];
        let change = improvement(&clients).unwrap();
        assert!((change.change - 0.0).abs() < 1e-9, "{change:?}");
        assert_eq!((change.clients, change.bookings), (2, 40));
        let performance = content_performance(&clients).unwrap();
        assert_eq!((performance.showed, performance.bookings), (32, 50));
        let active = active_clients(&clients);
        assert_eq!(active.active, 3);
        assert_eq!(
            active.by_status,
            vec![
                (ClientStatus::Onboarding, 1),
                (ClientStatus::Ready, 1),
                (ClientStatus::Live, 2)
            ]
        );
    }
}
