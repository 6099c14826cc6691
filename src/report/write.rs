//! The one place that writes files: atomically, inside the output folder.
//!
//! Every file is written to a temporary name in its destination folder, flushed to
//! disk, then renamed over the old file, so an interrupted run leaves the previous
//! outputs whole. Names are checked so nothing lands outside the output folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output could not be written.
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
}

/// An output folder that exists and is writable.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Create (if needed) and check `path` before any long work starts.
    pub fn prepare(path: &Path) -> Result<OutputDir, WriteError> {
        let folder = |source| WriteError::Folder {
            path: path.to_path_buf(),
            source,
        };
        fs::create_dir_all(path).map_err(folder)?;
        // prove we can create and remove a file here
        let probe = path.join(format!(".ifss-sim-probe-{}", std::process::id()));
        fs::write(&probe, b"").map_err(folder)?;
        let _ = fs::remove_file(&probe);
        Ok(OutputDir {
            path: path.to_path_buf(),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` inside the folder, if it is a plain file name.
    fn inside(&self, name: &str) -> Result<PathBuf, WriteError> {
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\', '\0'])
            && Path::new(name).file_name().is_some_and(|f| f == name);
        if !plain {
            return Err(WriteError::Name { name: name.into() });
        }
        Ok(self.path.join(name))
    }

    /// Remove the file `name` from the folder, if it is there.
    pub fn remove(&self, name: &str) -> Result<(), WriteError> {
        let path = self.inside(name)?;
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(WriteError::File { path, source: e })
            }
            _ => Ok(()),
        }
    }

    /// Remove temporary files that an interrupted write left behind.
    pub fn remove_temporaries(&self) {
        let Ok(entries) = fs::read_dir(&self.path) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_temporary = name.starts_with('.')
                && name.rsplit_once(".tmp-").is_some_and(|(_, pid)| {
                    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                });
            if is_temporary && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Write `bytes` to `name` inside the folder, atomically. Returns the final path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        let dest = self.inside(name)?;
        let tmp = self
            .path
            .join(format!(".{name}.tmp-{}", std::process::id()));
        let file_err = |source| WriteError::File {
            path: dest.clone(),
            source,
        };
        let result = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &dest)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(file_err(e));
        }
        Ok(dest)
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
    let slug = crate::scenario::slug(text);
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
mod tests {
    use super::*;

    fn tempdir(tag: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("ifss-write-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        p
    }

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempdir("replace");
        let out = OutputDir::prepare(&dir).unwrap();
        out.write("a.json", b"first").unwrap();
        out.write("a.json", b"second").unwrap();
        assert_eq!(fs::read(dir.join("a.json")).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        let dir = tempdir("names");
        let out = OutputDir::prepare(&dir).unwrap();
        for bad in ["../x", "/etc/passwd", "a/b", "..", ".", "", "a\\b"] {
            assert!(
                matches!(out.write(bad, b"x"), Err(WriteError::Name { .. })),
                "{bad:?}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn folder_names_from_free_text_are_safe() {
        assert_eq!(safe_folder_name("../../etc"), "etc");
        assert_eq!(
            safe_folder_name("<script>alert(1)</script>"),
            "script-alert-1-script"
        );
        assert!(safe_folder_name("...").starts_with("unnamed-"));
        assert_eq!(safe_folder_name("Western Bay"), "western-bay");
        assert!(safe_folder_name(&"x".repeat(500)).len() <= 64);
        // names that lose more than case and punctuation keep apart
        let long = "western-bay-sensitivity-sweep-neath-port-talbot-referrals-uplift-of-10pct";
        let other = long.replace("10pct", "20pct");
        let (a, b) = (safe_folder_name(long), safe_folder_name(&other));
        assert_ne!(a, b);
        assert!(
            a.len() <= 64 && a.starts_with("western-bay-sensitivity-sweep"),
            "{a}"
        );
        assert_ne!(safe_folder_name("日本"), safe_folder_name("中国"));
        assert!(safe_folder_name("Ynys Môn").starts_with("ynys-m-n-"));
        for name in [long, "日本", "...", "Ynys Môn"] {
            let folder = safe_folder_name(name);
            assert!(
                folder
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{folder}"
            );
        }
    }
}
