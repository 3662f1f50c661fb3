//! Which functions exist: `<dir>/<name>/index.ts` in `supabase/functions` and in any extra
//! folders, with `verify_jwt` from supabase/config.toml (or, for an extra folder, from its own
//! `config.toml` in the same `[functions.<name>]` shape). Folders starting with `_` (such as
//! `_shared`) are not functions, as on hosted.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Files looked at when checking whether a function's source changed.
const MAX_SOURCE_FILES: usize = 2000;

/// Entry points looked for, in order.
const ENTRY_POINTS: &[&str] = &[
    "index.ts",
    "index.js",
    "index.mjs",
    "index.tsx",
    "index.jsx",
];

/// A function that can be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpec {
    pub name: String,
    /// The function's folder.
    pub dir: PathBuf,
    /// Its entry point file.
    pub entry: PathBuf,
    pub verify_jwt: bool,
}

#[derive(Debug, Clone)]
struct Folder {
    path: PathBuf,
    verify_jwt: BTreeMap<String, bool>,
}

/// The folders functions are looked up in.
#[derive(Debug, Clone)]
pub struct Catalog {
    folders: Vec<Folder>,
}

#[derive(Deserialize, Default)]
struct FolderConfig {
    #[serde(default)]
    functions: BTreeMap<String, FolderFunction>,
}

#[derive(Deserialize, Default)]
struct FolderFunction {
    verify_jwt: Option<bool>,
}

/// A function name as hosted accepts it in URLs: letters, digits, `-` and `_`, not starting
/// with `_` (shared code) — never a path.
pub fn is_function_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl FunctionSpec {
    /// The newest modification time of the function's files and of the shared `_shared`
    /// folder beside it: when it changes, the running process is outdated (the Supabase CLI
    /// reloads functions on change too).
    pub fn source_stamp(&self) -> Option<SystemTime> {
        let mut budget = MAX_SOURCE_FILES;
        let shared = self.dir.parent().map(|parent| parent.join("_shared"));
        [Some(self.dir.clone()), shared]
            .into_iter()
            .flatten()
            .filter_map(|dir| newest_modification(&dir, &mut budget))
            .max()
    }
}

/// The newest modification time below `dir` (node_modules skipped), looking at no more than
/// `budget` entries.
fn newest_modification(dir: &Path, budget: &mut usize) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let modified = if file_type.is_dir() {
            if entry.file_name() == "node_modules" {
                continue;
            }
            newest_modification(&entry.path(), budget)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(modified);
    }
    newest
}

impl Catalog {
    /// `main` is supabase/functions with its verify_jwt settings from supabase/config.toml;
    /// `extra` folders bring their own `config.toml` (optional).
    pub fn new(
        main: &Path,
        main_verify_jwt: &BTreeMap<String, bool>,
        extra: &[PathBuf],
    ) -> Catalog {
        let mut folders = vec![Folder {
            path: main.to_path_buf(),
            verify_jwt: main_verify_jwt.clone(),
        }];
        for path in extra {
            let config: FolderConfig = std::fs::read_to_string(path.join("config.toml"))
                .ok()
                .and_then(|text| match toml::from_str(&text) {
                    Ok(config) => Some(config),
                    Err(error) => {
                        tracing::warn!(%error, folder = %path.display(), "functions: ignoring an unreadable config.toml");
                        None
                    }
                })
                .unwrap_or_default();
            folders.push(Folder {
                path: path.clone(),
                verify_jwt: config
                    .functions
                    .into_iter()
                    .filter_map(|(name, function)| function.verify_jwt.map(|verify| (name, verify)))
                    .collect(),
            });
        }
        Catalog { folders }
    }

    /// Look a function up by its URL name (checked on every call, so new functions appear
    /// without a restart).
    pub fn find(&self, name: &str) -> Option<FunctionSpec> {
        if !is_function_name(name) {
            return None;
        }
        self.folders.iter().find_map(|folder| {
            let dir = folder.path.join(name);
            let entry = ENTRY_POINTS
                .iter()
                .map(|file| dir.join(file))
                .find(|path| path.is_file())?;
            Some(FunctionSpec {
                name: name.to_owned(),
                verify_jwt: folder.verify_jwt.get(name).copied().unwrap_or(true),
                dir,
                entry,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_functions_in_order_with_their_verify_jwt() {
        let main = tempfile::tempdir().unwrap();
        let extra = tempfile::tempdir().unwrap();
        for (root, name) in [
            (main.path(), "analyze"),
            (extra.path(), "echo"),
            (extra.path(), "analyze"),
            (main.path(), "_shared"),
        ] {
            std::fs::create_dir_all(root.join(name)).unwrap();
            std::fs::write(
                root.join(name).join("index.ts"),
                "Deno.serve(() => new Response())",
            )
            .unwrap();
        }
        std::fs::create_dir_all(extra.path().join("no-entry")).unwrap();
        std::fs::write(
            extra.path().join("config.toml"),
            "[functions.echo]\nverify_jwt = false\n",
        )
        .unwrap();
        let catalog = Catalog::new(main.path(), &BTreeMap::new(), &[extra.path().to_path_buf()]);

        let analyze = catalog.find("analyze").unwrap();
        assert_eq!(analyze.dir, main.path().join("analyze"));
        assert!(analyze.verify_jwt);
        let echo = catalog.find("echo").unwrap();
        assert_eq!(echo.entry, extra.path().join("echo/index.ts"));
        assert!(!echo.verify_jwt);
        for missing in ["_shared", "no-entry", "nope", "", "../echo", "echo/x", ".."] {
            assert_eq!(catalog.find(missing), None, "{missing}");
        }
    }

    #[test]
    fn notices_source_changes_in_the_function_and_shared_code() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("report/lib")).unwrap();
        std::fs::create_dir_all(root.path().join("_shared")).unwrap();
        std::fs::write(root.path().join("report/index.ts"), "").unwrap();
        let catalog = Catalog::new(root.path(), &BTreeMap::new(), &[]);
        let function = catalog.find("report").unwrap();
        let touch = |path: &str, seconds: u64| {
            let file = std::fs::File::options()
                .create(true)
                .append(true)
                .open(root.path().join(path))
                .unwrap();
            file.set_modified(SystemTime::now() + std::time::Duration::from_secs(seconds))
                .unwrap();
        };
        let before = function.source_stamp().unwrap();
        touch("report/lib/util.ts", 10);
        let after_lib = function.source_stamp().unwrap();
        assert!(after_lib > before);
        touch("_shared/cors.ts", 20);
        assert!(function.source_stamp().unwrap() > after_lib);
    }

    #[test]
    fn takes_verify_jwt_from_supabase_config_for_the_main_folder() {
        let main = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(main.path().join("webhook")).unwrap();
        std::fs::write(main.path().join("webhook/index.ts"), "").unwrap();
        let settings = BTreeMap::from([("webhook".to_owned(), false)]);
        let catalog = Catalog::new(main.path(), &settings, &[]);
        assert!(!catalog.find("webhook").unwrap().verify_jwt);
    }
}
