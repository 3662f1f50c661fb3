//! The browser app: building it with trunk (offline, pinned tools) and serving the built files
//! locally with the runtime configuration (`/config.json`: which Supabase to talk to).

use crate::cmd::Cmd;
use crate::paths;
use crate::setup::cargo_bin_dir;
use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// PATH with the pinned tools first: wasm-opt from the npm package binaryen (Debian's 108
/// builds an app that crashes in Chromium), wasm-bindgen and trunk from `cargo install`.
pub(crate) fn tool_path() -> OsString {
    let mut dirs = vec![paths::root().join("node_modules/.bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Where the built app goes.
pub(crate) fn dist_dir() -> PathBuf {
    paths::root().join("dist")
}

/// `trunk build --release --offline` from the root Trunk.toml and index.html.
pub(crate) fn build() -> Result<PathBuf> {
    Cmd::new(cargo_bin_dir().join("trunk"))
        .args(["build", "--release", "--offline"])
        .env("PATH", tool_path())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("NO_COLOR", "true")
        .current_dir(paths::root())
        .run()
        .context("building the web app with trunk")?;
    Ok(dist_dir())
}

/// The runtime configuration the app reads at start-up from `/config.json`.
pub(crate) fn config_json(supabase_url: &str, anon_key: &str) -> String {
    serde_json::json!({ "supabase_url": supabase_url, "supabase_anon_key": anon_key }).to_string()
}

/// What the static server answers besides the files.
struct Site {
    dist: PathBuf,
    /// `/config.json`.
    config: String,
    /// The Supabase project the app talks to, for the Content-Security-Policy.
    supabase_url: String,
}

/// A static file server for the built app, on 127.0.0.1 (`port` 0: a free one): files from
/// `dist`, `/config.json` from memory, and every other extension-less path answered with
/// index.html (client-side routes). The HTML carries a strict Content-Security-Policy (see
/// [`content_security_policy`]), made from the page as served: a rebuild while the server runs
/// (trunk's start-up script names the new hashed files) is served with its own script hash.
/// Runs on background threads until the process ends.
pub(crate) fn serve(dist: &Path, port: u16, config: String) -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    let port = listener.local_addr()?.port();
    if !dist.join("index.html").is_file() {
        bail!(
            "{}/index.html is missing (build the app first)",
            dist.display()
        );
    }
    let supabase_url = serde_json::from_str::<serde_json::Value>(&config)
        .ok()
        .and_then(|value| value["supabase_url"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let site = Arc::new(Site {
        dist: dist.to_path_buf(),
        supabase_url,
        config,
    });
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &site);
            });
        }
    });
    Ok(port)
}

/// The policy for the app: scripts only from the site itself plus trunk's inline start-up
/// script (by its hash) and WebAssembly; styles only from the site's files (the app sets
/// individual style properties through the CSSOM, which CSP allows); network only to the site
/// and the Supabase project (HTTP and WebSocket). Injected markup — an inline `<script>`, an
/// `onerror=` handler, a `javascript:` URL — is refused and reported as a
/// `securitypolicyviolation` event, which the browser tests listen for. Deployments should send
/// the same header (printed by `cargo xtask bench-web`).
pub(crate) fn content_security_policy(index_html: &str, supabase_url: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    for script in inline_scripts(index_html) {
        script_src.push(format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
        ));
    }
    let mut connect_src = vec!["'self'".to_owned()];
    let origin = supabase_url.trim_end_matches('/');
    if !origin.is_empty() {
        connect_src.push(origin.to_owned());
        if let Some(rest) = origin.strip_prefix("https://") {
            connect_src.push(format!("wss://{rest}"));
        } else if let Some(rest) = origin.strip_prefix("http://") {
            connect_src.push(format!("ws://{rest}"));
        }
    }
    [
        "default-src 'self'".to_owned(),
        format!("script-src {}", script_src.join(" ")),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        format!("connect-src {}", connect_src.join(" ")),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// The contents of the inline `<script>` elements of an HTML page (those without `src`).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(&after[body_start..body_start + body_len]);
        }
        rest = &after[body_start + body_len..];
    }
    scripts
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn answer(mut stream: TcpStream, site: &Site) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; we answer GET and HEAD only and need none of them.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return write_response(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed",
            method == "HEAD",
        );
    }
    if path == "/config.json" {
        return write_response(
            &mut stream,
            200,
            "application/json",
            site.config.as_bytes(),
            method == "HEAD",
        );
    }
    // Only plain relative segments: no `..`, no absolute paths, no backslashes.
    let relative: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    if relative
        .iter()
        .any(|segment| *segment == ".." || segment.contains('\\') || segment.starts_with('.'))
    {
        return write_response(
            &mut stream,
            400,
            "text/plain",
            b"bad path",
            method == "HEAD",
        );
    }
    let mut file = site.dist.clone();
    for segment in &relative {
        file.push(segment);
    }
    if relative.is_empty() || (!file.is_file() && file.extension().is_none()) {
        file = site.dist.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) if file.extension().is_some_and(|ext| ext == "html") => {
            let csp = content_security_policy(&String::from_utf8_lossy(&bytes), &site.supabase_url);
            write_html(&mut stream, &bytes, &csp, method == "HEAD")
        }
        Ok(bytes) => write_response(
            &mut stream,
            200,
            content_type(&file),
            &bytes,
            method == "HEAD",
        ),
        Err(_) => write_response(
            &mut stream,
            404,
            "text/plain",
            b"not found",
            method == "HEAD",
        ),
    }
}

/// The page, with its security headers.
fn write_html(stream: &mut TcpStream, body: &[u8], csp: &str, head: bool) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {csp}\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_trunks_start_up_script_by_hash_only() {
        let html = r#"<html><head><script type="module" src="/a.js"></script>
            <script type="module">import init from '/web.js';await init();</script></head></html>"#;
        assert_eq!(
            inline_scripts(html),
            vec!["import init from '/web.js';await init();"]
        );
        let policy = content_security_policy(html, "http://127.0.0.1:54321");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("connect-src 'self' http://127.0.0.1:54321 ws://127.0.0.1:54321"));
        assert!(
            content_security_policy("", "https://x.supabase.co").contains("wss://x.supabase.co")
        );
    }

    /// The policy header of the page `serve` answers at `/`.
    fn served_policy(port: u16) -> String {
        use std::io::Read;
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connecting");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .expect("sending");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("reading");
        response
            .lines()
            .find_map(|line| line.strip_prefix("Content-Security-Policy: "))
            .expect("a Content-Security-Policy header")
            .to_owned()
    }

    #[test]
    fn a_rebuild_while_serving_gets_its_own_script_hash() {
        let dist = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dist).expect("a temporary dist");
        let page = |script: &str| {
            format!("<html><head><script type=\"module\">{script}</script></head></html>")
        };
        let first = page("import init from '/web-1.js';await init();");
        std::fs::write(dist.join("index.html"), &first).expect("writing index.html");
        let port = serve(&dist, 0, config_json("http://127.0.0.1:54321", "anon")).expect("serving");
        assert_eq!(
            served_policy(port),
            content_security_policy(&first, "http://127.0.0.1:54321")
        );
        let rebuilt = page("import init from '/web-2.js';await init();");
        std::fs::write(dist.join("index.html"), &rebuilt).expect("rewriting index.html");
        let policy = served_policy(port);
        assert_eq!(
            policy,
            content_security_policy(&rebuilt, "http://127.0.0.1:54321")
        );
        assert_ne!(
            policy,
            content_security_policy(&first, "http://127.0.0.1:54321")
        );
        std::fs::remove_dir_all(&dist).ok();
    }
}
