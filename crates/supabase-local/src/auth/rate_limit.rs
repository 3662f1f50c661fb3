//! Per-IP rate limits on the auth endpoints, as GoTrue applies them (`apilimiter`): a token
//! bucket per client IP and endpoint group that refills at `limit` requests per 5 minutes and
//! holds at most 30 (GoTrue's burst), so the 31st request in a quick burst gets 429
//! `over_request_rate_limit`.
//!
//! Groups: `/token` (password sign-in and refresh share one bucket, config.toml
//! `auth.rate_limit.token_refresh`) and `/signup` (`auth.rate_limit.sign_in_sign_ups`).
//! Off unless the stand-in runs with `--rate-limits true`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests a client may make in one quick burst (GoTrue's `SetBurst(30)`).
pub const BURST: f64 = 30.0;
/// The period the configured limits are counted over.
pub const PERIOD: Duration = Duration::from_secs(5 * 60);

/// Which bucket a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Token,
    Signup,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets per (group, IP).
#[derive(Debug)]
pub struct RateLimiter {
    /// Requests per [`PERIOD`] per group; a group without an entry is unlimited.
    limits: HashMap<Group, u32>,
    buckets: Mutex<HashMap<(Group, IpAddr), Bucket>>,
}

impl RateLimiter {
    pub fn new(token: Option<u32>, signup: Option<u32>) -> RateLimiter {
        let mut limits = HashMap::new();
        if let Some(limit) = token {
            limits.insert(Group::Token, limit);
        }
        if let Some(limit) = signup {
            limits.insert(Group::Signup, limit);
        }
        RateLimiter {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one request from the bucket of `(group, ip)` at `now`; false when it is empty.
    pub fn allow(&self, group: Group, ip: IpAddr, now: Instant) -> bool {
        let Some(&limit) = self.limits.get(&group) else {
            return true;
        };
        let per_second = f64::from(limit) / PERIOD.as_secs_f64();
        let capacity = BURST;
        let Ok(mut buckets) = self.buckets.lock() else {
            // A panic elsewhere poisoned the lock: fail open rather than lock everyone out.
            return true;
        };
        if buckets.len() > 10_000 {
            // Forget clients whose buckets have long refilled (bounded memory).
            buckets.retain(|_, bucket| now.duration_since(bucket.updated) < PERIOD);
        }
        let bucket = buckets.entry((group, ip)).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn the_thirty_first_request_of_a_burst_is_refused() {
        let limiter = RateLimiter::new(Some(150), Some(30));
        let now = Instant::now();
        for attempt in 1..=30 {
            assert!(
                limiter.allow(Group::Token, CLIENT, now),
                "attempt {attempt}"
            );
        }
        assert!(!limiter.allow(Group::Token, CLIENT, now));
        // Other clients and other groups have their own buckets.
        assert!(limiter.allow(Group::Token, OTHER, now));
        assert!(limiter.allow(Group::Signup, CLIENT, now));
    }

    #[test]
    fn buckets_refill_at_the_configured_rate() {
        // 150 per 5 minutes = one every 2 s.
        let limiter = RateLimiter::new(Some(150), None);
        let start = Instant::now();
        for _ in 0..30 {
            assert!(limiter.allow(Group::Token, CLIENT, start));
        }
        // 1.9 s refill 0.95 of a request: not yet; at 2.1 s one is there, then none again.
        assert!(!limiter.allow(Group::Token, CLIENT, start + Duration::from_millis(1900)));
        assert!(limiter.allow(Group::Token, CLIENT, start + Duration::from_millis(2100)));
        assert!(!limiter.allow(Group::Token, CLIENT, start + Duration::from_millis(2200)));
        // A full period later the bucket is full again, but never above the burst.
        let later = start + PERIOD * 2;
        for _ in 0..30 {
            assert!(limiter.allow(Group::Token, CLIENT, later));
        }
        assert!(!limiter.allow(Group::Token, CLIENT, later));
    }

    #[test]
    fn unlimited_groups_always_pass() {
        let limiter = RateLimiter::new(None, None);
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.allow(Group::Signup, CLIENT, now)));
    }
}
