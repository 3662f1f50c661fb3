//! Passwords: the strength policy GoTrue applies on sign-up and password change, and bcrypt
//! hashing compatible with GoTrue (Go `x/crypto/bcrypt`, cost 10, `$2a$`) and with pgcrypto's
//! `crypt(pw, gen_salt('bf'))` hashes in the seed.
//!
//! Lengths are counted in bytes, as GoTrue (Go `len`) counts them. A password over 72 bytes is
//! refused with an error, never truncated (bcrypt would silently ignore the rest).
//!
//! Local addition: GoTrue checks leaked passwords only against HaveIBeenPwned when that is
//! switched on (off by default, Pro plan on hosted). The stand-in has no network, so it always
//! refuses a small built-in list of the most common breached passwords with the same
//! `weak_password` error and reason `pwned` ([`COMMON_BREACHED`]).

use super::error::AuthError;
use std::sync::LazyLock;

/// bcrypt reads at most 72 bytes of a password.
pub const MAX_PASSWORD_BYTES: usize = 72;
/// GoTrue's `DefaultCost`.
pub const BCRYPT_COST: u32 = 10;

/// The password rules in force (from config.toml `[auth]`).
#[derive(Debug, Clone)]
pub struct PasswordPolicy {
    /// Minimum length in bytes (`minimum_password_length`; GoTrue floors it at 6).
    pub minimum_length: usize,
    /// Character sets of which the password must contain at least one each
    /// (`password_requirements`); empty for no composition rule.
    pub required_characters: Vec<&'static str>,
}

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~";

impl PasswordPolicy {
    /// The policy for config.toml's `minimum_password_length` and `password_requirements`
    /// (`""`, `letters_digits`, `lower_upper_letters_digits`,
    /// `lower_upper_letters_digits_symbols`, as the Supabase CLI names them).
    pub fn new(minimum_length: usize, requirements: &str) -> Result<PasswordPolicy, String> {
        let required_characters = match requirements {
            "" => vec![],
            "letters_digits" => vec![LETTERS, DIGITS],
            "lower_upper_letters_digits" => vec![LOWER, UPPER, DIGITS],
            "lower_upper_letters_digits_symbols" => vec![LOWER, UPPER, DIGITS, SYMBOLS],
            other => return Err(format!("unknown auth.password_requirements `{other}`")),
        };
        Ok(PasswordPolicy {
            minimum_length: minimum_length.max(6),
            required_characters,
        })
    }

    /// GoTrue's `checkPasswordStrength`: over 72 bytes is a 400 `validation_failed`; too short,
    /// missing character classes or a known-breached password is a 422 `weak_password` with
    /// every reason that applies.
    pub fn check(&self, password: &str) -> Result<(), AuthError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(AuthError::validation(format!(
                "Password cannot be longer than {MAX_PASSWORD_BYTES} characters"
            )));
        }
        let weakness = self.weakness(password);
        match weakness {
            None => Ok(()),
            Some((message, reasons)) => Err(AuthError::WeakPassword { message, reasons }),
        }
    }

    /// The weak-password message and reasons, if the password breaks a rule.
    pub fn weakness(&self, password: &str) -> Option<(String, Vec<&'static str>)> {
        let mut messages = Vec::new();
        let mut reasons = Vec::new();
        if password.len() < self.minimum_length {
            reasons.push("length");
            messages.push(format!(
                "Password should be at least {} characters.",
                self.minimum_length
            ));
        }
        if self
            .required_characters
            .iter()
            .any(|set| !password.chars().any(|c| set.contains(c)))
        {
            reasons.push("characters");
            messages.push(format!(
                "Password should contain at least one character of each: {}.",
                self.required_characters.join(", ")
            ));
        }
        if is_commonly_breached(password) {
            reasons.push("pwned");
            messages.push(
                "Password is known to be weak and easy to guess, please choose a different one."
                    .to_owned(),
            );
        }
        (!reasons.is_empty()).then(|| (messages.join(" "), reasons))
    }
}

/// Hash a password for storage: bcrypt, cost 10, `$2a$` (what GoTrue stores). Slow on
/// purpose (~50 ms): call from a blocking thread.
pub fn hash(password: &str) -> Result<String, bcrypt::BcryptError> {
    // Longer passwords never get here (the policy refuses them). At exactly 72 bytes bcrypt
    // drops only its own terminating NUL, as Go's implementation does.
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(bcrypt::BcryptError::Truncation(password.len()));
    }
    Ok(bcrypt::hash_with_result(password, BCRYPT_COST)?.format_for_version(bcrypt::Version::TwoA))
}

/// Whether `password` matches the stored hash. A password over 72 bytes never matches (it
/// could not have been set), a missing or malformed hash never matches. Slow on purpose.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        // Spend the same time as a real check, so length does not tell anything.
        let _ = bcrypt::verify(password.as_bytes(), &DUMMY_HASH);
        return false;
    }
    match stored.filter(|hash| !hash.is_empty()) {
        Some(hash) => bcrypt::verify(password, hash).unwrap_or(false),
        None => {
            let _ = bcrypt::verify(password, &DUMMY_HASH);
            false
        }
    }
}

/// A hash nobody's password matches, checked for unknown users so that "no such user" takes
/// as long as "wrong password".
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash("not the password of anyone: unknown user").unwrap_or_else(|_| {
        // Only a broken random source could fail here; a cost-10 hash of a fixed password.
        "$2a$10$CwTycUXWue0Thq9StjUM0uJ8.uL0rgoV4WDNVEHhGikWq2ZEUHH1O".to_owned()
    })
});

/// Whether the password is on our built-in list of the most common breached passwords
/// (compared ignoring ASCII case).
pub fn is_commonly_breached(password: &str) -> bool {
    let lowered = password.to_ascii_lowercase();
    COMMON_BREACHED.binary_search(&lowered.as_str()).is_ok()
}

/// The most common passwords of public breach corpora (the top of the RockYou and NCSC
/// "100k most common" lists), lower-case, sorted (binary search). Short ones matter when the
/// minimum length is low; the longer ones are what users pick to pass a 12-character minimum.
pub const COMMON_BREACHED: &[&str] = &[
    "000000",
    "00000000",
    "0000000000",
    "000000000000",
    "111111",
    "11111111",
    "1111111111",
    "111111111111",
    "112233",
    "11223344",
    "121212",
    "123123",
    "123123123",
    "123123123123",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "123456789012",
    "1234567890123",
    "12345678910",
    "123456789a",
    "123456abc",
    "123abc",
    "123qwe",
    "123qweasd",
    "123qweasdzxc",
    "147258369",
    "159753",
    "1q2w3e",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "1qazxsw2",
    "222222",
    "555555",
    "654321",
    "666666",
    "696969",
    "777777",
    "7777777",
    "87654321",
    "888888",
    "987654321",
    "9876543210",
    "999999",
    "a123456",
    "aa123456",
    "aaaaaa",
    "aaaaaaaaaaaa",
    "abc123",
    "abc12345",
    "abc123456",
    "abcd1234",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abcdefghijkl",
    "access",
    "admin",
    "admin123",
    "admin1234",
    "administrator",
    "asdfasdf",
    "asdfgh",
    "asdfghjkl",
    "asdfghjkl123",
    "azerty",
    "baseball",
    "batman",
    "changeme",
    "changeme123",
    "charlie",
    "computer",
    "correcthorsebatterystaple",
    "dragon",
    "football",
    "freedom",
    "hello123",
    "helloworld",
    "iloveyou",
    "iloveyou123",
    "iloveyou1234",
    "jennifer",
    "letmein",
    "letmein123",
    "letmein12345",
    "login",
    "master",
    "michael",
    "monkey",
    "mustang",
    "passw0rd",
    "password",
    "password!",
    "password1",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "password123456",
    "password1234567",
    "password2024",
    "password2025",
    "password2026",
    "princess",
    "q1w2e3r4",
    "q1w2e3r4t5y6",
    "qazwsx",
    "qazwsxedc",
    "qazwsxedcrfv",
    "qwe123",
    "qweasdzxc",
    "qwerty",
    "qwerty123",
    "qwerty12345",
    "qwerty123456",
    "qwertyuiop",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwertyuiopasdfgh",
    "shadow",
    "starwars",
    "sunshine",
    "superman",
    "supersecret",
    "supersecret123",
    "test1234",
    "test123456",
    "trustno1",
    "welcome",
    "welcome1",
    "welcome123",
    "welcome12345",
    "whatever",
    "zaq12wsx",
    "zxcvbn",
    "zxcvbnm",
    "zxcvbnm123",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::new(12, "").unwrap()
    }

    #[test]
    fn the_breached_list_is_sorted_lowercase_and_unique() {
        for pair in COMMON_BREACHED.windows(2) {
            assert!(pair[0] < pair[1], "{} before {}", pair[0], pair[1]);
        }
        assert!(
            COMMON_BREACHED
                .iter()
                .all(|word| *word == word.to_ascii_lowercase())
        );
    }

    #[test]
    fn applies_the_length_rules_in_bytes() {
        let policy = policy();
        let short = policy.check("abcdefghijk").unwrap_err();
        assert_eq!(
            short,
            AuthError::WeakPassword {
                message: "Password should be at least 12 characters.".into(),
                reasons: vec!["length"],
            }
        );
        assert!(policy.check("correct horse").is_ok());
        assert!(policy.check(&"x".repeat(64)).is_ok());
        // Three 4-byte emoji are 12 bytes, as GoTrue counts.
        assert!(policy.check("🔒🔑🗝").is_ok());
        assert!(policy.check(&"y".repeat(72)).is_ok());
        let long = policy.check(&"y".repeat(73)).unwrap_err();
        assert_eq!(long.status(), axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(long.code(), Some("validation_failed"));
    }

    #[test]
    fn refuses_common_breached_passwords_whatever_the_case() {
        let policy = policy();
        for password in [
            "password1234",
            "Password1234",
            "QWERTY123456",
            "123456789012",
        ] {
            let error = policy.check(password).unwrap_err();
            assert!(
                matches!(&error, AuthError::WeakPassword { reasons, .. } if reasons == &vec!["pwned"]),
                "{password}: {error:?}"
            );
        }
        // Short and breached: both reasons, both messages.
        let both = policy.weakness("password").unwrap();
        assert_eq!(both.1, vec!["length", "pwned"]);
    }

    #[test]
    fn applies_composition_rules_when_configured() {
        let policy = PasswordPolicy::new(8, "lower_upper_letters_digits").unwrap();
        assert!(policy.check("Abcdefgh1").is_ok());
        let error = policy.weakness("abcdefgh1").unwrap();
        assert_eq!(error.1, vec!["characters"]);
        assert!(PasswordPolicy::new(8, "emoji_only").is_err());
        assert_eq!(PasswordPolicy::new(2, "").unwrap().minimum_length, 6);
    }

    #[test]
    fn hashes_like_gotrue_and_verifies_pgcrypto_hashes() {
        let hashed = hash("a long enough password").unwrap();
        assert!(hashed.starts_with("$2a$10$"), "{hashed}");
        assert!(verify("a long enough password", Some(&hashed)));
        assert!(!verify("a long enough passworD", Some(&hashed)));
        // crypt('demo-password-123', gen_salt('bf')) from PostgreSQL 15's pgcrypto (cost 6),
        // as the seed stores demo users.
        let pgcrypto = "$2a$06$/yMTLGsSV4cgAbToG7cd9.w6gf71urbSuJVGb298FmX2jEpOKkKZy";
        assert!(verify("demo-password-123", Some(pgcrypto)));
        assert!(!verify("demo-password-124", Some(pgcrypto)));
        assert!(!verify("anything", None));
        assert!(!verify("anything", Some("")));
        assert!(!verify("anything", Some("not a hash")));
        // Never truncated: 73 bytes never match a hash of their first 72.
        let prefix = "z".repeat(72);
        let stored = hash(&prefix).unwrap();
        assert!(verify(&prefix, Some(&stored)));
        assert!(!verify(&format!("{prefix}z"), Some(&stored)));
    }
}
