//! Where the project is and how to identify ourselves to it.

/// A Supabase project: its URL and its public (anon or publishable) key. The browser never holds
/// a service key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// e.g. `https://abcd.supabase.co` or `http://127.0.0.1:54321`, without a trailing slash.
    pub url: String,
    /// The anon JWT key or an `sb_publishable_…` key.
    pub anon_key: String,
}

/// What we send as `X-Client-Info`, like supabase-js does.
pub const CLIENT_INFO: &str = concat!("scalestream-web/", env!("CARGO_PKG_VERSION"));

impl ClientConfig {
    pub fn new(url: &str, anon_key: &str) -> ClientConfig {
        ClientConfig {
            url: url.trim_end_matches('/').to_owned(),
            anon_key: anon_key.to_owned(),
        }
    }

    pub fn rest_url(&self) -> String {
        format!("{}/rest/v1", self.url)
    }

    pub fn auth_url(&self) -> String {
        format!("{}/auth/v1", self.url)
    }

    pub fn storage_url(&self) -> String {
        format!("{}/storage/v1", self.url)
    }

    pub fn functions_url(&self) -> String {
        format!("{}/functions/v1", self.url)
    }

    /// `ws(s)://…/realtime/v1/websocket?apikey=…&vsn=2.0.0`, as realtime-js builds it.
    pub fn realtime_url(&self) -> String {
        let ws = if let Some(rest) = self.url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = self.url.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            self.url.clone()
        };
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("apikey", &self.anon_key)
            .append_pair("vsn", "2.0.0")
            .finish();
        format!("{ws}/realtime/v1/websocket?{query}")
    }

    /// The localStorage key supabase-js uses for the session: `sb-<first host label>-auth-token`,
    /// so a session is shared with supabase-js tools on the same origin.
    pub fn storage_key(&self) -> String {
        let without_scheme = self
            .url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(&self.url);
        let host = without_scheme.split(['/', ':']).next().unwrap_or_default();
        let label = host.split('.').next().unwrap_or_default();
        format!("sb-{label}-auth-token")
    }

    /// The Web Lock name that serialises refreshes across tabs (auth-js: `lock:<storageKey>`).
    pub fn lock_name(&self) -> String {
        format!("lock:{}", self.storage_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_key_uses_the_first_host_label() {
        assert_eq!(
            ClientConfig::new("https://abcd.supabase.co", "k").storage_key(),
            "sb-abcd-auth-token"
        );
        assert_eq!(
            ClientConfig::new("http://127.0.0.1:54321/", "k").storage_key(),
            "sb-127-auth-token"
        );
        assert_eq!(
            ClientConfig::new("http://localhost:54321", "k").lock_name(),
            "lock:sb-localhost-auth-token"
        );
    }

    #[test]
    fn realtime_url_switches_scheme_and_carries_the_key() {
        let config = ClientConfig::new("https://abcd.supabase.co", "a+b");
        assert_eq!(
            config.realtime_url(),
            "wss://abcd.supabase.co/realtime/v1/websocket?apikey=a%2Bb&vsn=2.0.0"
        );
    }
}
