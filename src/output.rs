//! Writing outputs safely: a temporary file in the target folder, renamed
//! into place, so a failed run never leaves half a file and never spoils
//! an existing good one.

use std::io::Write;
use std::path::Path;

/// Checks a destination before any work is done.
pub fn check_destination(path: &Path, input: Option<&Path>) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    if let Some(input) = input
        && let (Ok(a), Ok(b)) = (input.canonicalize(), path.canonicalize())
        && a == b
    {
        return Err(format!(
            "refusing to write over the input file {}",
            path.display()
        ));
    }
    if path.is_dir() {
        return Err(format!("{} is a folder, not a file", path.display()));
    }
    // A folder on the way that is a file cannot be made; say so before
    // the work is done rather than after.
    if let Some(file) = path
        .ancestors()
        .skip(1)
        .find(|a| !a.as_os_str().is_empty() && a.exists())
        .filter(|a| !a.is_dir())
    {
        return Err(format!(
            "cannot write {}: {} is a file, not a folder",
            path.display(),
            file.display()
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` (or standard output for `-`) atomically.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            Ok(()) => Ok(()),
            // A closed pipe (`| head`) is the reader's choice, not an error.
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(err) => Err(format!("cannot write to standard output: {err}")),
        };
    }
    // A FIFO or a device (`-o /dev/null`) is written into: renaming over
    // it would replace it with a regular file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .map_err(|err| format!("cannot write {}: {err}", path.display()));
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create folder {}: {err}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("cannot write {}: {err}", path.display()));
    }
    Ok(())
}
