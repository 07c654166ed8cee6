//! Folders of `.txt` files, one folder per class: aclImdb's `.tar.gz` (`train/pos`, `train/neg`,
//! `test/…`) and zips. A class folder is a leaf folder holding `.txt` files; a folder named `test`
//! above it puts its files in the test part; `unsup` folders and files beside folders are skipped.

use std::collections::{HashMap, HashSet};

use super::decode::{self, corrupt};
use super::labels::Rows;
use super::sniff::Compression;
use crate::error::{KilnError, Result};

/// `f(path, read)` for each regular file; `read()` returns its bytes when wanted.
type Visit<'f> = dyn FnMut(&str, &mut dyn FnMut() -> Result<Vec<u8>>) -> Result<()> + 'f;

/// The files of an archive together inflate to at most `decode::MAX_BYTES`: a zip's sizes are
/// summed from its directory before anything is inflated (a zip bomb is refused at once), and
/// each file is read only up to what is left; a tar's entries count as their headers declare.
fn walk(name: &str, compression: Compression, bytes: &[u8], f: &mut Visit) -> Result<()> {
    let mut left = decode::MAX_BYTES;
    if compression == Compression::Zip {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(name, compression, e))?;
        if zip.decompressed_size().is_some_and(|n| n > u128::from(decode::MAX_BYTES)) {
            return Err(decode::too_large(name));
        }
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).map_err(|e| corrupt(name, compression, e))?;
            if file.is_file() {
                let path = file.name().to_string();
                f(&path, &mut || {
                    let bytes = decode::read_at_most(name, compression, &mut file, left)?;
                    left -= bytes.len() as u64;
                    Ok(bytes)
                })?;
            }
        }
        return Ok(());
    }
    let mut tar = tar::Archive::new(decode::reader(compression, bytes));
    for entry in tar.entries().map_err(|e| corrupt(name, compression, e))? {
        let mut entry = entry.map_err(|e| corrupt(name, compression, e))?;
        // Skipping an entry inflates it too: every entry counts, with its 512-byte header.
        left = left.checked_sub(entry.size().saturating_add(512)).ok_or_else(|| decode::too_large(name))?;
        if entry.header().entry_type().is_file() {
            let path = entry.path().map_err(|e| corrupt(name, compression, e))?.to_string_lossy().into_owned();
            f(&path, &mut || decode::read_all(name, compression, &mut entry))?;
        }
    }
    Ok(())
}

/// The folder of a `.txt` file that could be a class file (not hidden, not `unsup`).
fn folder(path: &str) -> Option<&str> {
    let path = path.trim_start_matches("./");
    let (dir, file) = path.rsplit_once('/')?;
    let hidden = path.split('/').any(|c| c.starts_with('.') || c == "__MACOSX");
    let unsup = dir.rsplit('/').next().is_some_and(|d| d.eq_ignore_ascii_case("unsup"));
    (file.to_ascii_lowercase().ends_with(".txt") && !hidden && !unsup).then_some(dir)
}

/// `.txt` files by folder, as read from an archive.
#[derive(Debug, Default)]
pub(super) struct Folders {
    dirs: Vec<String>,
    ids: HashMap<String, usize>,
    counts: Vec<usize>,
    /// `(folder, text)` of the files read.
    texts: Vec<(usize, String)>,
    /// Files that are not `.txt` files in folders, and one of their names.
    others: (usize, String),
    euc_kr: usize,
}

impl Folders {
    /// Read `name`; `per_folder` caps the texts read from each folder (the rest are only counted).
    pub fn read(name: &str, compression: Compression, bytes: &[u8], per_folder: usize) -> Result<Self> {
        let mut out = Self::default();
        walk(name, compression, bytes, &mut |path, read| {
            let Some(dir) = folder(path) else {
                out.others.0 += 1;
                if out.others.1.is_empty() {
                    out.others.1 = path.to_string();
                }
                return Ok(());
            };
            let id = match out.ids.get(dir) {
                Some(&id) => id,
                None => {
                    out.ids.insert(dir.to_string(), out.dirs.len());
                    out.dirs.push(dir.to_string());
                    out.counts.push(0);
                    out.dirs.len() - 1
                }
            };
            out.counts[id] += 1;
            if out.counts[id] <= per_folder {
                let text = decode::decode_owned(path, read()?)?;
                out.euc_kr += usize::from(text.encoding != "utf-8");
                out.texts.push((id, text.text.into_owned()));
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Class folders (those with no folder of files inside them) by path, as `(id, class, test)`.
    fn classes(&self) -> Vec<(usize, &str, bool)> {
        let mut parents = HashSet::new();
        for dir in &self.dirs {
            parents.extend(dir.match_indices('/').map(|(i, _)| &dir[..i]));
        }
        let mut out = Vec::new();
        for (i, dir) in self.dirs.iter().enumerate().filter(|(_, d)| !parents.contains(d.as_str())) {
            let mut parts = dir.rsplit('/');
            let class = parts.next().unwrap_or(dir);
            out.push((i, class, parts.next().is_some_and(|p| p.eq_ignore_ascii_case("test"))));
        }
        out.sort_by_key(|&(i, _, _)| &self.dirs[i]);
        out
    }

    /// Files per class folder, and what was skipped, for the page.
    pub fn notes(&self) -> Vec<String> {
        let classes = self.classes();
        let mut notes: Vec<String> =
            classes.iter().map(|&(i, _, _)| format!("{}: {} files", self.dirs[i], self.counts[i])).collect();
        let beside = self.counts.iter().sum::<usize>() - classes.iter().map(|&(i, _, _)| self.counts[i]).sum::<usize>();
        if beside > 0 {
            notes.push(format!("skipped {beside} .txt files beside the class folders"));
        }
        if self.euc_kr > 0 {
            notes.push(format!("decoded {} files as EUC-KR or UTF-16", self.euc_kr));
        }
        notes
    }

    /// Check the class folders are there: `train` ones for a `.tar.gz` (aclImdb), any for a zip.
    pub fn check(&self, name: &str, compression: Compression) -> Result<()> {
        let classes = self.classes();
        let found = match self.dirs.len() {
            0 if self.others.0 > 0 => format!("found {} other files, e.g. `{}`", self.others.0, self.others.1),
            0 => "the archive has no files".to_string(),
            _ => format!("found folders: {}", self.dirs.iter().take(8).cloned().collect::<Vec<_>>().join(", ")),
        };
        if compression == Compression::Zip {
            if classes.iter().all(|c| c.2) {
                return Err(KilnError::Data(format!(
                    "{name}: no class folders of .txt files in the .zip (one folder per class, e.g. pos/ and \
                     neg/); {found}"
                )));
            }
        } else if !classes.iter().any(|&(_, _, test)| !test) {
            return Err(KilnError::Data(format!(
                "{name}: no train/pos or train/neg folder in the {}; {found}",
                if compression == Compression::Gzip { ".tar.gz" } else { ".tar.bz2" }
            )));
        }
        Ok(())
    }

    /// The first `n` texts, taking classes in turn, as `[text, class]`.
    pub fn preview(&self, n: usize) -> Vec<Vec<String>> {
        let classes = self.classes();
        let per_class: Vec<Vec<&String>> =
            classes.iter().map(|&(i, _, _)| self.texts.iter().filter(|t| t.0 == i).map(|t| &t.1).collect()).collect();
        let mut out = Vec::new();
        for k in 0..n {
            for (texts, &(_, class, _)) in per_class.iter().zip(&classes) {
                if let Some(text) = texts.get(k).filter(|_| out.len() < n) {
                    out.push(vec![text.to_string(), class.to_string()]);
                }
            }
        }
        out
    }

    /// Every text in a class folder into `rows` (class = folder name).
    pub fn into_rows(self, rows: &mut Rows) {
        let mut place: Vec<Option<(String, bool)>> = vec![None; self.dirs.len()];
        for (i, class, test) in self.classes() {
            place[i] = Some((class.to_string(), test));
        }
        for (n, (dir, text)) in self.texts.into_iter().enumerate() {
            if let Some((class, test)) = &place[dir] {
                rows.push(n + 1, text, class, *test);
            }
        }
    }
}
