//! The browser app: building it with trunk (offline, pinned tools) and serving the built files
//! locally with the runtime configuration (`/config.json`: which Supabase to talk to).

use crate::cmd::Cmd;
use crate::paths;
use crate::setup::cargo_bin_dir;
use anyhow::{Context, Result};
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

/// A static file server for the built app, on 127.0.0.1: files from `dist`, `/config.json`
/// from memory, and every other extension-less path answered with index.html (client-side
/// routes). Runs on background threads until the process ends.
pub(crate) fn serve(dist: &Path, port: u16, config: String) -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    let port = listener.local_addr()?.port();
    let dist = Arc::new(dist.to_path_buf());
    let config = Arc::new(config);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dist = dist.clone();
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &dist, &config);
            });
        }
    });
    Ok(port)
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

fn answer(mut stream: TcpStream, dist: &Path, config: &str) -> std::io::Result<()> {
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
            config.as_bytes(),
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
    let mut file = dist.to_path_buf();
    for segment in &relative {
        file.push(segment);
    }
    if relative.is_empty() || (!file.is_file() && file.extension().is_none()) {
        file = dist.join("index.html");
    }
    match std::fs::read(&file) {
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
