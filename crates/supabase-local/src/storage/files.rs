//! Stored bytes, under `<data_dir>/storage`. A file is named by its object *version* (a UUID
//! the stand-in generates), never by the object name, so no name can reach outside the data
//! folder or collide with another object's path.
//!
//! Writes are atomic: bytes go to `tmp/<uuid>.part`, are fsynced, then renamed to
//! `objects/<xx>/<version>` (and the folder fsynced) before the database row that points at
//! them commits. A crash leaves at most a temporary file (removed at start-up) or an
//! unreferenced version (swept at start-up), never a row whose bytes are missing or half
//! written.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use md5::{Digest, Md5};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// Why an incoming body could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("the object exceeded the maximum allowed size")]
    TooLarge,
    #[error("reading the request body failed: {0}")]
    Body(String),
    #[error("writing the object failed: {0}")]
    Io(#[from] io::Error),
}

/// A fully written, fsynced temporary file, not yet visible as any object version.
#[derive(Debug)]
pub struct StagedFile {
    path: PathBuf,
    pub size: u64,
    /// Hex MD5 of the bytes (the eTag, as S3 and hosted Storage compute it).
    pub md5: String,
}

/// The object file store.
#[derive(Debug, Clone)]
pub struct ObjectFiles {
    root: PathBuf,
}

impl ObjectFiles {
    /// Open (and create) the store under `data_dir`, removing temporary files a crash left.
    pub fn open(data_dir: &Path) -> io::Result<ObjectFiles> {
        let root = data_dir.join("storage");
        std::fs::create_dir_all(root.join("objects"))?;
        let temporary = root.join("tmp");
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary)?;
        }
        std::fs::create_dir_all(&temporary)?;
        Ok(ObjectFiles { root })
    }

    /// Where a version's bytes live.
    pub fn path_of(&self, version: Uuid) -> PathBuf {
        let name = version.simple().to_string();
        self.root.join("objects").join(&name[..2]).join(name)
    }

    /// Write `body` to a temporary file, refusing more than `limit` bytes.
    pub async fn receive<S, E>(&self, mut body: S, limit: u64) -> Result<StagedFile, ReceiveError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = self
            .root
            .join("tmp")
            .join(format!("{}.part", Uuid::new_v4().simple()));
        let written = async {
            let mut file = tokio::fs::File::create(&path).await?;
            let mut hasher = Md5::new();
            let mut size: u64 = 0;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|error| ReceiveError::Body(error.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(ReceiveError::TooLarge);
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            file.flush().await?;
            file.sync_all().await?;
            let md5 = hasher
                .finalize()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            Ok(StagedFile {
                path: path.clone(),
                size,
                md5,
            })
        }
        .await;
        if written.is_err() {
            tokio::fs::remove_file(&path).await.ok();
        }
        written
    }

    /// Make a staged file the bytes of `version` (atomic rename, then the folder is synced).
    pub async fn publish(&self, staged: StagedFile, version: Uuid) -> io::Result<()> {
        let target = self.path_of(version);
        let folder = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        let result = async {
            tokio::fs::create_dir_all(&folder).await?;
            tokio::fs::rename(&staged.path, &target).await?;
            sync_directory(folder).await
        }
        .await;
        if result.is_err() {
            tokio::fs::remove_file(&staged.path).await.ok();
        }
        result
    }

    /// Drop a staged file that will not be published.
    pub async fn discard(&self, staged: StagedFile) {
        tokio::fs::remove_file(&staged.path).await.ok();
    }

    /// Remove a version's bytes (missing files are fine).
    pub async fn remove(&self, version: Uuid) {
        let path = self.path_of(version);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "storage: could not remove a file")
            }
        }
    }

    /// Open a version's bytes for reading.
    pub async fn read(&self, version: Uuid) -> io::Result<(tokio::fs::File, u64)> {
        let file = tokio::fs::File::open(self.path_of(version)).await?;
        let size = file.metadata().await?.len();
        Ok((file, size))
    }

    /// Every stored version older than `min_age` (for the orphan sweep).
    pub fn stored_versions(&self, min_age: Duration) -> io::Result<Vec<Uuid>> {
        let mut versions = Vec::new();
        let now = SystemTime::now();
        for shard in std::fs::read_dir(self.root.join("objects"))? {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())? {
                let entry = entry?;
                let old_enough = entry
                    .metadata()
                    .and_then(|metadata| metadata.modified())
                    .ok()
                    .and_then(|modified| now.duration_since(modified).ok())
                    .is_some_and(|age| age >= min_age);
                if let (true, Some(version)) = (
                    old_enough,
                    entry
                        .file_name()
                        .to_str()
                        .and_then(|n| Uuid::parse_str(n).ok()),
                ) {
                    versions.push(version);
                }
            }
        }
        Ok(versions)
    }
}

async fn sync_directory(folder: PathBuf) -> io::Result<()> {
    tokio::task::spawn_blocking(move || std::fs::File::open(&folder)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, io::Error>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|part| Ok(Bytes::from_static(part)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn stages_publishes_reads_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let files = ObjectFiles::open(dir.path()).unwrap();
        let staged = files
            .receive(chunks(&[b"hello ", b"world"]), 100)
            .await
            .unwrap();
        assert_eq!(staged.size, 11);
        assert_eq!(staged.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
        let version = Uuid::new_v4();
        files.publish(staged, version).await.unwrap();
        let (_, size) = files.read(version).await.unwrap();
        assert_eq!(size, 11);
        assert_eq!(
            std::fs::read(files.path_of(version)).unwrap(),
            b"hello world"
        );
        assert!(files.path_of(version).starts_with(dir.path()));
        assert_eq!(
            files.stored_versions(Duration::ZERO).unwrap(),
            vec![version]
        );
        files.remove(version).await;
        assert!(files.read(version).await.is_err());
        assert!(
            std::fs::read_dir(dir.path().join("storage/tmp"))
                .unwrap()
                .next()
                .is_none()
        );
    }

    #[tokio::test]
    async fn refuses_oversized_bodies_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = ObjectFiles::open(dir.path()).unwrap();
        let result = files.receive(chunks(&[b"12345", b"6"]), 5).await;
        assert!(matches!(result, Err(ReceiveError::TooLarge)));
        assert!(
            std::fs::read_dir(dir.path().join("storage/tmp"))
                .unwrap()
                .next()
                .is_none()
        );
    }

    #[tokio::test]
    async fn removes_temporary_files_left_by_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        ObjectFiles::open(dir.path()).unwrap();
        let half = dir.path().join("storage/tmp/abc.part");
        std::fs::write(&half, b"half a file").unwrap();
        ObjectFiles::open(dir.path()).unwrap();
        assert!(!half.exists());
    }
}
