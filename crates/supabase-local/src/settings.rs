//! Configuration: read once from `supabase/config.toml` (the same file the real Supabase CLI
//! uses) plus command-line overrides, into typed settings.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The JWT secret of the Supabase CLI's local stack; used when config.toml sets none.
pub const DEFAULT_JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";

/// Everything the stand-in needs to know, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen (loopback by default).
    pub listen: SocketAddr,
    /// The URL clients use to reach us: the `iss` of tokens, SUPABASE_URL for functions.
    pub public_url: String,
    pub database: DatabaseSettings,
    /// Git-ignored folder for stored objects and other local state.
    pub data_dir: PathBuf,
    /// supabase/functions: one folder per Edge Function.
    pub functions_dir: PathBuf,
    /// More folders of functions served after `functions_dir` (e.g. test-only functions
    /// that are never deployed). Each may hold a `config.toml` with `[functions.<name>]`.
    pub extra_functions_dirs: Vec<PathBuf>,
    pub jwt_secret: String,
    /// The audience a token's `aud` must name when it has one (PostgREST's `jwt-aud`);
    /// `None`, as on Supabase: not checked.
    pub jwt_aud: Option<String>,
    /// Reject requests without a known API key (hosted behaviour).
    pub require_apikey: bool,
    pub api: ApiSettings,
    pub auth: AuthSettings,
    pub storage: StorageSettings,
    pub functions: FunctionsSettings,
}

/// How to reach PostgreSQL. Each service connects as its own role, as on hosted Supabase
/// (PostgREST as `authenticator`, GoTrue as `supabase_auth_admin`, ...), with one password.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub host: String,
    pub port: u16,
    pub name: String,
    pub password: String,
    /// Connections per service pool.
    pub pool_size: usize,
    /// How long a request waits for a pooled connection before 504 PGRST003.
    pub pool_timeout: Duration,
}

impl DatabaseSettings {
    /// A libpq-style URL for `user`, e.g. for SUPABASE_DB_URL.
    pub fn url(&self, user: &str) -> String {
        format!(
            "postgresql://{user}:{}@{}:{}/{}",
            self.password, self.host, self.port, self.name
        )
    }
}

/// PostgREST settings (`[api]`).
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Exposed schemas; the first is the default profile.
    pub schemas: Vec<String>,
    pub extra_search_path: Vec<String>,
    pub max_rows: u64,
    /// Largest accepted request body for /rest/v1.
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

/// GoTrue settings (`[auth]`).
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub site_url: String,
    pub additional_redirect_urls: Vec<String>,
    /// Access-token lifetime.
    pub jwt_expiry: Duration,
    pub enable_signup: bool,
    /// Sign-up needs e-mail confirmation before a session is issued (hosted default: true).
    pub enable_confirmations: bool,
    pub minimum_password_length: usize,
    /// Character classes a password must contain (`password_requirements`: "",
    /// `letters_digits`, `lower_upper_letters_digits`, `lower_upper_letters_digits_symbols`).
    pub password_requirements: String,
    pub enable_refresh_token_rotation: bool,
    pub refresh_token_reuse_interval: Duration,
    /// Requests per 5 minutes per IP; None disables the limit.
    pub rate_limit_sign_in_sign_ups: Option<u32>,
    pub rate_limit_token_refresh: Option<u32>,
    /// `[auth.sessions] timebox`: sessions end this long after sign-in (None: never).
    pub sessions_timebox: Option<Duration>,
    /// `[auth.sessions] inactivity_timeout`: sessions end after this long without a refresh.
    pub sessions_inactivity_timeout: Option<Duration>,
    /// How long a confirmation link stays valid (`[auth.email] otp_expiry`, default 1 h).
    pub email_otp_expiry: Duration,
    /// Largest accepted request body for /auth/v1.
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

/// Storage settings (`[storage]`).
#[derive(Debug, Clone)]
pub struct StorageSettings {
    /// Global object size limit in bytes.
    pub file_size_limit: u64,
    /// How long an upload or download may take before the gateway answers 504.
    pub request_timeout: Duration,
}

/// Edge Functions settings (`[functions.<name>]` and runtime limits).
#[derive(Debug, Clone)]
pub struct FunctionsSettings {
    /// verify_jwt per function; functions not listed verify (the default).
    pub verify_jwt: BTreeMap<String, bool>,
    /// Path to the `deno` binary.
    pub deno: PathBuf,
    /// Wall-clock limit per request.
    pub wall_clock_limit: Duration,
    pub max_body_bytes: usize,
}

impl FunctionsSettings {
    pub fn verify_jwt(&self, function: &str) -> bool {
        self.verify_jwt.get(function).copied().unwrap_or(true)
    }
}

/// Values given on the command line or by the caller, which win over config.toml.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub port: Option<u16>,
    pub db_port: Option<u16>,
    pub db_host: Option<String>,
    pub db_password: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub functions_dir: Option<PathBuf>,
    pub extra_functions_dirs: Vec<PathBuf>,
    pub deno: Option<PathBuf>,
    pub enable_confirmations: Option<bool>,
    pub rate_limits: Option<bool>,
    pub jwt_aud: Option<String>,
}

// --- config.toml shape (only what we read; unknown keys are ignored, as the CLI adds many) ---

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    api: ApiSection,
    #[serde(default)]
    db: DbSection,
    #[serde(default)]
    auth: AuthSection,
    #[serde(default)]
    storage: StorageSection,
    #[serde(default)]
    functions: BTreeMap<String, FunctionSection>,
}

#[derive(Debug, Default, Deserialize)]
struct ApiSection {
    port: Option<u16>,
    schemas: Option<Vec<String>>,
    extra_search_path: Option<Vec<String>>,
    max_rows: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct DbSection {
    port: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthSection {
    site_url: Option<String>,
    additional_redirect_urls: Option<Vec<String>>,
    jwt_expiry: Option<u64>,
    jwt_secret: Option<String>,
    enable_signup: Option<bool>,
    minimum_password_length: Option<usize>,
    password_requirements: Option<String>,
    enable_refresh_token_rotation: Option<bool>,
    refresh_token_reuse_interval: Option<u64>,
    #[serde(default)]
    rate_limit: RateLimitSection,
    #[serde(default)]
    email: EmailSection,
    #[serde(default)]
    sessions: SessionsSection,
}

#[derive(Debug, Default, Deserialize)]
struct SessionsSection {
    timebox: Option<String>,
    inactivity_timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RateLimitSection {
    sign_in_sign_ups: Option<u32>,
    token_refresh: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
struct EmailSection {
    enable_signup: Option<bool>,
    enable_confirmations: Option<bool>,
    /// Seconds a confirmation link stays valid (CLI `[auth.email] otp_expiry`).
    otp_expiry: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct StorageSection {
    file_size_limit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct FunctionSection {
    verify_jwt: Option<bool>,
}

impl Settings {
    /// Read `config_path` (supabase/config.toml) and apply overrides.
    pub fn load(config_path: &Path, overrides: &Overrides) -> Result<Settings> {
        let text = std::fs::read_to_string(config_path)
            .with_context(|| format!("reading {}", config_path.display()))?;
        let supabase_dir = config_path.parent().unwrap_or(Path::new("."));
        Settings::from_toml(&text, supabase_dir, overrides)
    }

    /// Parse config.toml text; `supabase_dir` locates the functions folder.
    pub fn from_toml(text: &str, supabase_dir: &Path, overrides: &Overrides) -> Result<Settings> {
        let file: ConfigFile = toml::from_str(text).context("parsing supabase/config.toml")?;
        let port = overrides.port.or(file.api.port).unwrap_or(54321);
        let listen = SocketAddr::from(([127, 0, 0, 1], port));
        let jwt_secret = file
            .auth
            .jwt_secret
            .clone()
            .unwrap_or_else(|| DEFAULT_JWT_SECRET.to_owned());
        if jwt_secret.len() < 32 {
            bail!("auth.jwt_secret must be at least 32 characters");
        }
        let file_size_limit = match &file.storage.file_size_limit {
            Some(text) => parse_size(text)?,
            None => 50 * 1024 * 1024,
        };
        let rate_limits_on = overrides.rate_limits.unwrap_or(false);
        let session_limit = |text: &Option<String>| -> Result<Option<Duration>> {
            Ok(match text {
                Some(text) => Some(parse_duration(text)?).filter(|limit| !limit.is_zero()),
                None => None,
            })
        };
        let sessions_timebox = session_limit(&file.auth.sessions.timebox)?;
        let sessions_inactivity_timeout = session_limit(&file.auth.sessions.inactivity_timeout)?;
        Ok(Settings {
            listen,
            public_url: format!("http://127.0.0.1:{port}"),
            database: DatabaseSettings {
                host: overrides
                    .db_host
                    .clone()
                    .unwrap_or_else(|| "127.0.0.1".to_owned()),
                port: overrides.db_port.or(file.db.port).unwrap_or(54322),
                name: "postgres".to_owned(),
                password: overrides
                    .db_password
                    .clone()
                    .unwrap_or_else(|| "postgres".to_owned()),
                pool_size: 10,
                pool_timeout: Duration::from_secs(10),
            },
            data_dir: overrides
                .data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from(".local/supabase-local")),
            functions_dir: overrides
                .functions_dir
                .clone()
                .unwrap_or_else(|| supabase_dir.join("functions")),
            extra_functions_dirs: overrides.extra_functions_dirs.clone(),
            jwt_secret,
            jwt_aud: overrides.jwt_aud.clone().filter(|aud| !aud.is_empty()),
            require_apikey: true,
            api: ApiSettings {
                schemas: file
                    .api
                    .schemas
                    .unwrap_or_else(|| vec!["public".into(), "graphql_public".into()]),
                extra_search_path: file
                    .api
                    .extra_search_path
                    .unwrap_or_else(|| vec!["public".into(), "extensions".into()]),
                max_rows: file.api.max_rows.unwrap_or(1000),
                max_body_bytes: 8 * 1024 * 1024,
                request_timeout: Duration::from_secs(30),
            },
            auth: AuthSettings {
                site_url: file
                    .auth
                    .site_url
                    .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned()),
                additional_redirect_urls: file.auth.additional_redirect_urls.unwrap_or_default(),
                jwt_expiry: Duration::from_secs(file.auth.jwt_expiry.unwrap_or(3600)),
                enable_signup: file.auth.enable_signup.unwrap_or(true)
                    && file.auth.email.enable_signup.unwrap_or(true),
                enable_confirmations: overrides
                    .enable_confirmations
                    .or(file.auth.email.enable_confirmations)
                    .unwrap_or(false),
                minimum_password_length: file.auth.minimum_password_length.unwrap_or(6),
                password_requirements: file.auth.password_requirements.unwrap_or_default(),
                enable_refresh_token_rotation: file
                    .auth
                    .enable_refresh_token_rotation
                    .unwrap_or(true),
                refresh_token_reuse_interval: Duration::from_secs(
                    file.auth.refresh_token_reuse_interval.unwrap_or(10),
                ),
                rate_limit_sign_in_sign_ups: file
                    .auth
                    .rate_limit
                    .sign_in_sign_ups
                    .filter(|_| rate_limits_on),
                rate_limit_token_refresh: file
                    .auth
                    .rate_limit
                    .token_refresh
                    .filter(|_| rate_limits_on),
                sessions_timebox,
                sessions_inactivity_timeout,
                email_otp_expiry: Duration::from_secs(file.auth.email.otp_expiry.unwrap_or(3600)),
                max_body_bytes: 1024 * 1024,
                request_timeout: Duration::from_secs(30),
            },
            storage: StorageSettings {
                file_size_limit,
                request_timeout: Duration::from_secs(600),
            },
            functions: FunctionsSettings {
                verify_jwt: file
                    .functions
                    .iter()
                    .filter_map(|(name, section)| {
                        section.verify_jwt.map(|verify| (name.clone(), verify))
                    })
                    .collect(),
                deno: overrides
                    .deno
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("deno")),
                wall_clock_limit: Duration::from_secs(150),
                max_body_bytes: 8 * 1024 * 1024,
            },
        })
    }
}

/// Parse sizes as the Supabase CLI writes them: "50MiB", "5MB", "1GiB", "1024".
pub fn parse_size(text: &str) -> Result<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .with_context(|| format!("invalid size `{text}`"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" => 1 << 10,
        "mb" => 1_000_000,
        "mib" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => bail!("invalid size unit `{other}` in `{text}`"),
    };
    number
        .checked_mul(multiplier)
        .with_context(|| format!("size `{text}` is too large"))
}

/// Parse a duration as Go's `time.ParseDuration` writes them in config.toml: "24h", "8h30m",
/// "45s", "1.5h", "0".
pub fn parse_duration(text: &str) -> Result<Duration> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        bail!("invalid duration `{text}`");
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .with_context(|| format!("invalid duration `{text}`: missing unit"))?;
        let (number, after) = rest.split_at(number_end);
        let number: f64 = number
            .parse()
            .with_context(|| format!("invalid duration `{text}`"))?;
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        let seconds = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            other => bail!("invalid duration unit `{other}` in `{text}`"),
        };
        total += number * seconds;
        rest = after;
    }
    Duration::try_from_secs_f64(total).with_context(|| format!("invalid duration `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cli_sizes() {
        assert_eq!(parse_size("50MiB").unwrap(), 50 * 1024 * 1024);
        assert_eq!(parse_size("5MB").unwrap(), 5_000_000);
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err());
    }

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(
            parse_duration("8h30m").unwrap(),
            Duration::from_secs(30_600)
        );
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5_400));
        assert_eq!(parse_duration("45s").unwrap(), Duration::from_secs(45));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        for bad in ["", "12", "3 days", "h", "5x"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_session_limits() {
        let text = "[auth.sessions]\ntimebox = \"12h\"\ninactivity_timeout = \"30m\"\n";
        let settings =
            Settings::from_toml(text, Path::new("supabase"), &Overrides::default()).unwrap();
        assert_eq!(
            settings.auth.sessions_timebox,
            Some(Duration::from_secs(43_200))
        );
        assert_eq!(
            settings.auth.sessions_inactivity_timeout,
            Some(Duration::from_secs(1_800))
        );
        let none = Settings::from_toml("", Path::new("supabase"), &Overrides::default()).unwrap();
        assert_eq!(none.auth.sessions_timebox, None);
    }

    #[test]
    fn reads_the_repository_config() {
        let text = include_str!("../../../supabase/config.toml");
        let settings =
            Settings::from_toml(text, Path::new("supabase"), &Overrides::default()).unwrap();
        assert_eq!(settings.listen.port(), 54321);
        assert_eq!(settings.database.port, 54322);
        assert_eq!(settings.api.max_rows, 1000);
        assert_eq!(settings.auth.minimum_password_length, 12);
        assert!(settings.functions.verify_jwt("analyze"));
    }
}
