//! Running external programs with readable errors.

use anyhow::{Context, Result, bail};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

/// A command line to run, built fluently.
pub(crate) struct Cmd {
    inner: Command,
    display: String,
}

impl Cmd {
    pub(crate) fn new(program: impl AsRef<OsStr>) -> Cmd {
        let display = program.as_ref().to_string_lossy().into_owned();
        Cmd {
            inner: Command::new(program),
            display,
        }
    }

    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.display.push(' ');
        self.display.push_str(&arg.as_ref().to_string_lossy());
        self.inner.arg(arg);
        self
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub(crate) fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cmd {
        self.inner.env(key, value);
        self
    }

    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.inner.current_dir(dir);
        self
    }

    /// Run with inherited stdio; fail unless it exits with 0.
    pub(crate) fn run(mut self) -> Result<()> {
        let status = self
            .inner
            .status()
            .with_context(|| format!("could not start `{}`", self.display))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.display);
        }
        Ok(())
    }

    /// Run and report whether it exited with 0 (stdio inherited).
    pub(crate) fn succeeds(mut self) -> Result<bool> {
        let status = self
            .inner
            .status()
            .with_context(|| format!("could not start `{}`", self.display))?;
        Ok(status.success())
    }

    /// Run quietly and return stdout; fail with stderr in the message unless it exits with 0.
    pub(crate) fn read(mut self) -> Result<String> {
        let output = self
            .inner
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("could not start `{}`", self.display))?;
        if !output.status.success() {
            bail!(
                "`{}` failed ({}):\n{}{}",
                self.display,
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Run quietly; true when it exits with 0. A program that cannot start counts as failure.
    pub(crate) fn quiet_ok(mut self) -> bool {
        self.inner
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|status| status.success())
            .unwrap_or(false)
    }

    /// Run, echoing stdout and stderr to the console while also capturing both (interleaved
    /// per stream). Returns whether it succeeded and the captured text.
    pub(crate) fn tee(mut self) -> Result<(bool, String)> {
        let mut child = self
            .inner
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start `{}`", self.display))?;
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let stderr = child.stderr.take().context("no stderr pipe")?;
        let err_thread = std::thread::spawn(move || echo_lines(stderr, true));
        let mut captured = echo_lines(stdout, false);
        captured.push_str(&err_thread.join().unwrap_or_default());
        let status = child.wait().context("waiting for child")?;
        Ok((status.success(), captured))
    }
}

fn echo_lines(stream: impl Read, to_stderr: bool) -> String {
    let mut captured = String::new();
    for line in BufReader::new(stream).lines().map_while(Result::ok) {
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        captured.push_str(&line);
        captured.push('\n');
    }
    captured
}

/// Whether a program can be found on PATH.
pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// Whether the current process runs as root (uid 0).
pub(crate) fn is_root() -> bool {
    Cmd::new("id")
        .arg("-u")
        .read()
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}
