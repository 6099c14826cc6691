//! The one place that writes files: a set of outputs, whole or not at all, inside one
//! folder.
//!
//! A set is written in three steps, so that nothing a user had is lost:
//!
//! 1. [`OutputDir::prepare`], before any long work: create the folder, take an exclusive
//!    lock on it (a second run refuses at once, naming the folder), read the set already
//!    there and check everything that could stop the new one from replacing it (a
//!    symlink or folder where a file will go, a `manifest.json` another tool wrote, files
//!    of ours that no manifest of ours vouches for, a set of another kind). A private
//!    staging folder with an unpredictable name is made inside the folder, which also
//!    proves it writable.
//! 2. [`OutputDir::stage`]: each file is written into the staging folder with an
//!    exclusive create and flushed to disk. A full disk or a kill here leaves the old set
//!    untouched; a staging folder left by a kill is removed by the next run.
//! 3. [`OutputDir::commit`]: the old manifest is withdrawn, each staged file is renamed
//!    over its destination (a rename replaces a symlink planted there, never follows it),
//!    files of the old set that the new one does not have are removed, and the new
//!    manifest, listing each file's size and SHA-256, is renamed in last. A manifest
//!    therefore always describes a complete set.
//!
//! Only a manifest this tool wrote (its `tool` and `schema`) can cause a deletion, and
//! only of plain files directly inside the folder.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file that lists a complete set.
pub const MANIFEST: &str = "manifest.json";
/// The lock file a run holds while it owns the folder. It stays (removing a lock file
/// races with a run about to take it); it is empty.
pub const LOCK: &str = ".ifss-sim.lock";
/// The staging folders' name prefix.
const STAGING_PREFIX: &str = ".ifss-sim-staging-";
/// A manifest larger than this is not one of ours.
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// The manifest layouts this tool has written (1: `files` as names; 2: with sizes and
/// SHA-256 digests and the set's kind).
const KNOWN_SCHEMAS: [u32; 2] = [1, super::manifest::SCHEMA];

/// Why a set could not be written. [`WriteError::is_refusal`] tells a refusal (the
/// folder given is not one this run may replace) from a failure of the machine.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder could not be created or written.
    // the cause is the error's source, which `{:#}` and error chains print after it
    #[error("cannot write to output folder {path}")]
    Folder {
        /// Folder.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}")]
    File {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A file name would leave the output folder.
    #[error(
        "refusing to write {name:?}: output file names must be plain names inside the output folder"
    )]
    Name {
        /// The rejected name.
        name: String,
    },
    /// Another run holds the folder.
    #[error(
        "output folder {path} is being written by another ifss-sim run; wait for it to finish, or choose another folder with --out"
    )]
    Busy {
        /// Folder.
        path: PathBuf,
    },
    /// A symlink, folder or other non-file stands where a file of the set goes.
    #[error(
        "refusing to write {path}: it is {what}, not a plain file (outputs never follow or replace links or folders); move it away or choose another folder with --out"
    )]
    NotAFile {
        /// The entry.
        path: PathBuf,
        /// "a symlink", "a folder", "not a regular file".
        what: &'static str,
    },
    /// The folder's `manifest.json` was not written by this tool.
    #[error(
        "refusing to use output folder {path}: its {MANIFEST} was not written by ifss-sim ({why}), so it is left alone and nothing it lists is deleted; choose another folder with --out"
    )]
    Foreign {
        /// Folder.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// The folder holds files a new set would overwrite that no manifest of ours lists.
    #[error(
        "refusing to overwrite {names} in output folder {path}: no ifss-sim manifest there lists {them} (another program's, or a set whose writing was interrupted); move {them} away or choose another folder with --out",
        names = names.join(", "),
        them = if names.len() == 1 { "it" } else { "them" }
    )]
    Unvouched {
        /// Folder.
        path: PathBuf,
        /// The files.
        names: Vec<String>,
    },
    /// The folder holds a set of another kind, which this one would destroy.
    #[error(
        "refusing to write {wanted} outputs into {path}: it holds the outputs of {found}, which they would replace; choose another folder with --out"
    )]
    OtherSet {
        /// Folder.
        path: PathBuf,
        /// The kind found, in words.
        found: &'static str,
        /// The kind being written, in words.
        wanted: &'static str,
    },
}

impl WriteError {
    /// Whether the error is a refusal to use the folder given, rather than a failure.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, WriteError::Folder { .. } | WriteError::File { .. })
    }
}

/// The kinds of set, each with the files it may write. Two kinds never share a folder,
/// so one never deletes the other's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `run` or `compare`: summary, tables, report and pictures.
    Run,
    /// `risks`: the register beside the simulation.
    Risks,
    /// `calibrate`: the fitted scenario and the targets table.
    Calibration,
    /// `fit-arrivals`: the scenario with fitted referral rates and the fits per area.
    Arrivals,
    /// `sweep`: the table over the grid, its pictures and page.
    Sweep,
    /// `sensitivity`: the swings, the tornadoes and their page.
    Sensitivity,
    /// `optimise`: the recommended scenario, the configurations, the front and a page.
    Optimise,
    /// `run --shard K/N`: one part of a batch, to be merged with the others.
    Shard,
}

impl SetKind {
    /// The name recorded in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            SetKind::Run => "run",
            SetKind::Risks => "risks",
            SetKind::Calibration => "calibration",
            SetKind::Arrivals => "arrivals",
            SetKind::Sweep => "sweep",
            SetKind::Sensitivity => "sensitivity",
            SetKind::Optimise => "optimise",
            SetKind::Shard => "shard",
        }
    }

    fn words(self) -> &'static str {
        match self {
            SetKind::Run => "a run or comparison",
            SetKind::Risks => "a risks command",
            SetKind::Calibration => "a calibrate command",
            SetKind::Arrivals => "a fit-arrivals command",
            SetKind::Sweep => "a sweep command",
            SetKind::Sensitivity => "a sensitivity command",
            SetKind::Optimise => "an optimise command",
            SetKind::Shard => "a shard of a run",
        }
    }

    fn parse(name: &str) -> Option<SetKind> {
        [
            SetKind::Run,
            SetKind::Risks,
            SetKind::Calibration,
            SetKind::Arrivals,
            SetKind::Sweep,
            SetKind::Sensitivity,
            SetKind::Optimise,
            SetKind::Shard,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// Whether a set of this kind may write a file of this name.
    pub fn may_write(self, name: &str) -> bool {
        match self {
            SetKind::Run => {
                matches!(
                    name,
                    "summary.json"
                        | "replications.csv"
                        | "timeseries.csv"
                        | "comparison.csv"
                        | "report.html"
                        | "risks.csv"
                        | MANIFEST
                ) || (name.ends_with(".svg") && is_plain_name(name))
            }
            SetKind::Risks => matches!(name, "risks.csv" | MANIFEST),
            SetKind::Calibration => matches!(
                name,
                "fitted.toml" | "calibration.json" | "calibration.csv" | MANIFEST
            ),
            SetKind::Arrivals => matches!(
                name,
                "fitted.toml" | "arrivals.json" | "arrivals.csv" | MANIFEST
            ),
            SetKind::Sweep => {
                matches!(name, "sweep.csv" | "sweep.json" | "sweep.html" | MANIFEST)
                    || (name.ends_with(".svg") && is_plain_name(name))
            }
            SetKind::Sensitivity => {
                matches!(
                    name,
                    "sensitivity.csv" | "sensitivity.json" | "sensitivity.html" | MANIFEST
                ) || (name.ends_with(".svg") && is_plain_name(name))
            }
            SetKind::Shard => matches!(name, "shard.json" | MANIFEST),
            SetKind::Optimise => matches!(
                name,
                "recommended.toml"
                    | "optimise.csv"
                    | "optimise.json"
                    | "optimise.html"
                    | "front.svg"
                    | MANIFEST
            ),
        }
    }
}

/// One file of a set, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileRecord {
    /// Plain file name inside the folder.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the contents, lower-case hex.
    pub sha256: String,
}

impl FileRecord {
    fn of(name: &str, bytes: &[u8]) -> FileRecord {
        let digest = Sha256::digest(bytes);
        FileRecord {
            name: name.to_string(),
            bytes: bytes.len() as u64,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// The set a folder held before this run: what its manifest (one of ours) listed.
#[derive(Debug, Clone)]
struct PreviousSet {
    kind: SetKind,
    files: Vec<String>,
}

/// A locked output folder and the set being staged in it.
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    kind: SetKind,
    previous: Option<PreviousSet>,
    staging: tempfile::TempDir,
    staged: Vec<FileRecord>,
    // held until the set is committed or the run ends; the OS releases it on exit
    _lock: fs::File,
}

/// Whether `name` is a plain file name: no separators, not `.` or `..`, not empty.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).file_name().is_some_and(|f| f == name)
}

/// What stands at `path`, without following a symlink: `None` if nothing.
fn entry_kind(path: &Path) -> std::io::Result<Option<fs::FileType>> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m.file_type())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Refuse anything but a plain file (or nothing) at `path`.
fn plain_file_or_nothing(path: &Path) -> Result<bool, WriteError> {
    let kind = entry_kind(path).map_err(|source| WriteError::File {
        path: path.to_path_buf(),
        source,
    })?;
    let what = match kind {
        None => return Ok(false),
        Some(t) if t.is_file() => return Ok(true),
        Some(t) if t.is_symlink() => "a symlink",
        Some(t) if t.is_dir() => "a folder",
        Some(_) => "not a regular file",
    };
    Err(WriteError::NotAFile {
        path: path.to_path_buf(),
        what,
    })
}

/// Open (creating if needed) the folder's lock file without following a symlink.
fn open_lock(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    options.open(path)
}

/// Read the folder's manifest, if any, and decide whether it is ours.
fn read_previous(dir: &Path) -> Result<Option<PreviousSet>, WriteError> {
    let path = dir.join(MANIFEST);
    if !plain_file_or_nothing(&path)? {
        return Ok(None);
    }
    let foreign = |why: &str| WriteError::Foreign {
        path: dir.to_path_buf(),
        why: why.to_string(),
    };
    let io = |source| WriteError::File {
        path: path.clone(),
        source,
    };
    let size = fs::symlink_metadata(&path).map_err(io)?.len();
    if size > MAX_MANIFEST_BYTES {
        return Err(foreign("it is larger than any manifest ifss-sim writes"));
    }
    let bytes = fs::read(&path).map_err(io)?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| foreign("it is not JSON"))?;
    let tool = value.get("tool").and_then(|t| t.as_str()).unwrap_or("");
    if !tool.starts_with("ifss-sim ") {
        return Err(foreign("its \"tool\" is not ifss-sim"));
    }
    let schema = value.get("schema").and_then(|s| s.as_u64());
    if !schema.is_some_and(|s| KNOWN_SCHEMAS.iter().any(|&k| u64::from(k) == s)) {
        return Err(foreign("its \"schema\" is not one ifss-sim writes"));
    }
    let files: Vec<String> = value
        .get("files")
        .and_then(|f| f.as_array())
        .ok_or_else(|| foreign("it has no \"files\" list"))?
        .iter()
        .filter_map(|f| f.as_str().or_else(|| f.get("name")?.as_str()))
        // a name that leaves the folder is never ours to delete
        .filter(|name| is_plain_name(name))
        .map(str::to_string)
        .collect();
    let kind = match value.get("set").and_then(|s| s.as_str()) {
        Some(name) => SetKind::parse(name).ok_or_else(|| foreign("its \"set\" is unknown"))?,
        // schema 1 did not record the kind: a risks set held risks.csv alone
        None if files == ["risks.csv"] => SetKind::Risks,
        None => SetKind::Run,
    };
    Ok(Some(PreviousSet { kind, files }))
}

impl OutputDir {
    /// Create (if needed), lock and check the folder `path` for a set of `kind`, before
    /// any long work starts: every check that can refuse the folder runs here.
    pub fn prepare(path: &Path, kind: SetKind) -> Result<OutputDir, WriteError> {
        let folder = |source| WriteError::Folder {
            path: path.to_path_buf(),
            source,
        };
        fs::create_dir_all(path).map_err(folder)?;
        let lock_path = path.join(LOCK);
        let lock = open_lock(&lock_path).map_err(|source| match entry_kind(&lock_path) {
            Ok(Some(t)) if t.is_symlink() => WriteError::NotAFile {
                path: lock_path.clone(),
                what: "a symlink",
            },
            _ => folder(source),
        })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(WriteError::Busy {
                    path: path.to_path_buf(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(folder(e)),
        }
        // holding the lock, any staging folder here is one an interrupted run left
        remove_stale_staging(path);
        let previous = read_previous(path)?;
        if let Some(p) = &previous
            && p.kind != kind
        {
            return Err(WriteError::OtherSet {
                path: path.to_path_buf(),
                found: p.kind.words(),
                wanted: kind.words(),
            });
        }
        // every entry this set could write: a plain file that a manifest of ours vouches for
        let mut unvouched = Vec::new();
        for entry in fs::read_dir(path).map_err(folder)? {
            let entry = entry.map_err(folder)?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if !kind.may_write(&name) {
                continue;
            }
            plain_file_or_nothing(&entry.path())?;
            let ours =
                name == MANIFEST || previous.as_ref().is_some_and(|p| p.files.contains(&name));
            if !ours {
                unvouched.push(name);
            }
        }
        if !unvouched.is_empty() {
            unvouched.sort();
            return Err(WriteError::Unvouched {
                path: path.to_path_buf(),
                names: unvouched,
            });
        }
        let staging = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(path)
            .map_err(folder)?;
        Ok(OutputDir {
            path: path.to_path_buf(),
            kind,
            previous,
            staging,
            staged: Vec::new(),
            _lock: lock,
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kind of set being written.
    pub fn kind(&self) -> SetKind {
        self.kind
    }

    /// The files staged so far, in order.
    pub fn staged(&self) -> &[FileRecord] {
        &self.staged
    }

    /// Stage `bytes` as the set's file `name`: written to the private staging folder and
    /// flushed to disk. Nothing in the folder itself changes until [`OutputDir::commit`].
    pub fn stage(&mut self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if !is_plain_name(name)
            || !self.kind.may_write(name)
            || name == MANIFEST
            || self.staged.iter().any(|f| f.name == name)
        {
            return Err(WriteError::Name { name: name.into() });
        }
        self.stage_file(name, bytes)?;
        self.staged.push(FileRecord::of(name, bytes));
        Ok(())
    }

    fn stage_file(&self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.staging.path().join(name);
        let result = (|| {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        result.map_err(|source| WriteError::File {
            path: self.path.join(name),
            source,
        })
    }

    /// Put the staged set in place of the old one. `manifest` makes the manifest's bytes
    /// from the staged files' records; it is written last. Returns the paths written, the
    /// manifest last.
    pub fn commit(
        self,
        manifest: impl FnOnce(&[FileRecord]) -> std::io::Result<Vec<u8>>,
    ) -> Result<Vec<PathBuf>, WriteError> {
        let bytes = manifest(&self.staged).map_err(|source| WriteError::File {
            path: self.path.join(MANIFEST),
            source,
        })?;
        self.stage_file(MANIFEST, &bytes)?;
        let mut names: Vec<&str> = self.staged.iter().map(|f| f.name.as_str()).collect();
        names.push(MANIFEST);
        // nothing changes unless every destination can take its file
        for name in &names {
            plain_file_or_nothing(&self.path.join(name))?;
        }
        let file_err = |name: &str, source| WriteError::File {
            path: self.path.join(name),
            source,
        };
        // withdraw the old manifest: from here until the new one lands, none vouches
        match fs::remove_file(self.path.join(MANIFEST)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(file_err(MANIFEST, e));
            }
            _ => {}
        }
        let (files, manifest_name) = names.split_at(names.len() - 1);
        for name in files {
            fs::rename(self.staging.path().join(name), self.path.join(name))
                .map_err(|e| file_err(name, e))?;
        }
        if let Some(previous) = &self.previous {
            for name in &previous.files {
                if names.contains(&name.as_str()) || !self.kind.may_write(name) {
                    continue;
                }
                let path = self.path.join(name);
                // only a plain file of ours is removed; a link or folder is left alone
                if entry_kind(&path).is_ok_and(|t| t.is_some_and(|t| t.is_file())) {
                    fs::remove_file(&path).map_err(|e| file_err(name, e))?;
                }
            }
        }
        sync_folder(&self.path);
        let manifest_name = manifest_name[0];
        fs::rename(
            self.staging.path().join(manifest_name),
            self.path.join(manifest_name),
        )
        .map_err(|e| file_err(manifest_name, e))?;
        sync_folder(&self.path);
        Ok(names.iter().map(|n| self.path.join(n)).collect())
    }
}

/// Flush a folder's entries (the renames) to disk where the system allows it.
fn sync_folder(path: &Path) {
    if let Ok(f) = fs::File::open(path) {
        let _ = f.sync_all();
    }
}

/// Remove staging folders that an interrupted run left (the caller holds the lock).
fn remove_stale_staging(path: &Path) {
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // `file_type` does not follow a symlink, and remove_dir_all does not follow
        // links inside the folder
        if name.starts_with(STAGING_PREFIX) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The longest folder name [`safe_folder_name`] makes.
const MAX_FOLDER_NAME: usize = 64;

/// A folder name made from free text (a scenario file's name): lower-case letters, digits
/// and hyphens only, never empty, never `.` or `..`, at most 64 characters. Text that
/// loses more than case and punctuation on the way (it is cut short, or has letters
/// outside ASCII, or none at all) gets the first 8 hex digits of its fingerprint
/// appended, so two such names do not share a folder.
pub fn safe_folder_name(text: &str) -> String {
    let slug = crate::model::slug(text);
    let lossy = !text.chars().any(|c| c.is_ascii_alphanumeric())
        || slug.len() > MAX_FOLDER_NAME
        || text.chars().any(|c| c.is_alphanumeric() && !c.is_ascii());
    if !lossy {
        return slug;
    }
    let tag = &super::manifest::fnv1a64(text)[..8];
    let mut stem = slug;
    stem.truncate(MAX_FOLDER_NAME - tag.len() - 1);
    match stem.trim_end_matches('-') {
        "" => format!("unnamed-{tag}"),
        stem => format!("{stem}-{tag}"),
    }
}

#[cfg(test)]
mod tests;
