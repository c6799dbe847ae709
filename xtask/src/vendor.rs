//! `cargo xtask vendor-surrealdb [VERSION] [--check | --save]`: the patched
//! SurrealDB crates in `third_party/`, generated from the published crates and
//! the patch files in `patches/` (patches/README.md).
//!
//! A crate's tree is: the `.crate` archive from the registry (fetched with a
//! throw-away manifest and `cargo fetch` when the cache lacks it), unpacked,
//! with `patches/<crate>-<version>.patch` applied by `git apply` and
//! `patches/<crate>-<version>.md` copied in as `README.rodnik.md`.
//!
//! `third_party/` is not in git: every xtask command that builds calls
//! [`ensure`], which generates what is missing and refuses to build over a
//! tree that differs from what its patches make (somebody edited it: `--save`
//! turns the edits into the patch files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The SurrealDB crates Rodnik patches, each versioned as SurrealDB itself.
const SURREALDB_CRATES: [&str; 2] = ["surrealdb-datastore", "surrealdb-kvs-surrealkv"];
/// The storage engine, versioned on its own: the version is the one the
/// pristine `surrealdb-kvs-surrealkv` of the chosen SurrealDB requires.
const ENGINE: &str = "surrealkv";
/// Files cargo adds when it unpacks a crate; not part of the tree.
const IGNORED: [&str; 1] = [".cargo-ok"];

pub fn command(root: &Path, args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    let save = args.iter().any(|a| a == "--save");
    let pinned = pinned_version(root)?;
    let version = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_else(|| pinned.clone());
    if check {
        let problems = differences(root, &version)?;
        if problems.is_empty() {
            eprintln!("xtask: third_party/ is exactly the published crates plus patches/ (SurrealDB {version})");
            return Ok(());
        }
        return Err(format!(
            "third_party/ is not what patches/ make:\n{}\n{}",
            problems.join("\n"),
            HOW
        ));
    }
    if save {
        return save_patches(root, &pinned);
    }
    generate(root, &version)?;
    if version != pinned {
        repin(root, &pinned, &version)?;
        eprintln!(
            "xtask: SurrealDB {pinned} -> {version}: patches re-made for the new crates, pins in the Cargo.toml files updated. Build and run `cargo xtask test`."
        );
    }
    Ok(())
}

const HOW: &str = "Run `cargo xtask vendor-surrealdb` to make it again from patches/ (edits in third_party/ are lost), or `cargo xtask vendor-surrealdb --save` to turn the edits into patches/*.patch.";

/// Before a build: generate missing trees; stop on a tree that differs.
pub fn ensure(root: &Path) -> Result<(), String> {
    let version = pinned_version(root)?;
    let missing = crates(root, &version)?.iter().any(|c| {
        !root
            .join("third_party")
            .join(&c.name)
            .join("Cargo.toml")
            .exists()
    });
    if missing {
        eprintln!("xtask: generating third_party/ from the published SurrealDB {version} crates and patches/");
        return generate(root, &version);
    }
    let problems = differences(root, &version)?;
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "third_party/ differs from what patches/ make:\n{}\n{}",
        problems.join("\n"),
        HOW
    ))
}

struct Crate {
    name: String,
    version: String,
    /// The patch and its README in patches/ (the newest for the crate if
    /// none is for this version: an upgrade).
    patch: PathBuf,
    readme: PathBuf,
}

/// The version in the workspace's `surrealdb = { version = "=X" ... }`.
fn pinned_version(root: &Path) -> Result<String, String> {
    let toml = read(&root.join("Cargo.toml"))?;
    toml.lines()
        .find(|l| l.trim_start().starts_with("surrealdb ="))
        .and_then(|l| l.split("\"=").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| "Cargo.toml: no exact `surrealdb = { version = \"=X.Y.Z\" ... }` pin".into())
}

/// (crate, version) of every patched crate for SurrealDB `version`.
fn versions(root: &Path, version: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = SURREALDB_CRATES
        .iter()
        .map(|n| (n.to_string(), version.to_string()))
        .collect();
    let kvs = pristine(root, "surrealdb-kvs-surrealkv", version)?;
    out.push((ENGINE.to_string(), engine_version(&kvs)?));
    Ok(out)
}

fn crates(root: &Path, version: &str) -> Result<Vec<Crate>, String> {
    versions(root, version)?
        .iter()
        .map(|(name, v)| patch_for(root, name, v))
        .collect()
}

/// The patch for `name` at `version`, or the newest one for `name`.
fn patch_for(root: &Path, name: &str, version: &str) -> Result<Crate, String> {
    let dir = root.join("patches");
    let exact = dir.join(format!("{name}-{version}.patch"));
    let patch = if exact.exists() {
        exact
    } else {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|f| f.to_str())
                    .and_then(|f| f.strip_prefix(&format!("{name}-")))
                    .and_then(|f| f.strip_suffix(".patch"))
                    .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
            })
            .collect();
        found.sort();
        found
            .pop()
            .ok_or_else(|| format!("patches/ has no {name}-*.patch"))?
    };
    let readme = patch.with_extension("md");
    if !readme.exists() {
        return Err(format!(
            "{} has no README beside it ({})",
            patch.display(),
            readme.display()
        ));
    }
    Ok(Crate {
        name: name.to_string(),
        version: version.to_string(),
        patch,
        readme,
    })
}

/// The `surrealkv` version a pristine `surrealdb-kvs-surrealkv` requires.
fn engine_version(kvs: &Path) -> Result<String, String> {
    let toml = read(&kvs.join("Cargo.toml"))?;
    let mut lines = toml
        .lines()
        .skip_while(|l| l.trim() != "[dependencies.surrealkv]");
    lines
        .find(|l| l.trim_start().starts_with("version"))
        .and_then(|l| l.split('"').nth(1))
        .map(|v| v.trim_start_matches(['=', '^', '~']).to_string())
        .ok_or_else(|| format!("{}: no [dependencies.surrealkv] version", kvs.display()))
}

/// A scratch directory under the cargo target directory (outside the clone).
fn scratch(root: &Path, what: &str) -> Result<PathBuf, String> {
    let base = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("vendor-surrealdb")
        .join(format!("{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
    Ok(base)
}

/// The published crate unpacked (cached under the target directory).
fn pristine(root: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let base = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("vendor-surrealdb")
        .join("pristine");
    let dir = base.join(format!("{name}-{version}"));
    if dir.join("Cargo.toml").exists() {
        return Ok(dir);
    }
    let archive = match cached_archive(name, version) {
        Some(a) => a,
        None => {
            fetch(root, name, version)?;
            cached_archive(name, version).ok_or_else(|| {
                format!("cargo fetch did not bring {name}-{version}.crate into the registry cache")
            })?
        }
    };
    std::fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
    let tmp = base.join(format!(".unpack-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&tmp))?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(tmp.join(format!("{name}-{version}")), &dir)
        .map_err(|e| format!("unpacking {}: {e}", archive.display()))?;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(dir)
}

fn cargo_home() -> PathBuf {
    std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
}

fn cached_archive(name: &str, version: &str) -> Option<PathBuf> {
    let cache = cargo_home().join("registry").join("cache");
    std::fs::read_dir(cache)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join(format!("{name}-{version}.crate")))
        .find(|p| p.exists())
}

/// `cargo fetch` of a throw-away package that depends on exactly that crate
/// (it honours the user's registry configuration and mirrors).
fn fetch(root: &Path, name: &str, version: &str) -> Result<(), String> {
    let dir = scratch(root, &format!("fetch-{name}"))?;
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src").join("lib.rs"), "").map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rodnik-vendor-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\n{name} = {{ version = \"={version}\", default-features = false }}\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    eprintln!("xtask: fetching {name} {version} from the registry");
    let result = run(Command::new(super::cargo())
        .args(["fetch", "--manifest-path"])
        .arg(dir.join("Cargo.toml")));
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(|e| format!("{e}\nIs the crate registry reachable?"))
}

/// Pristine + patch + README, in a scratch directory; returns it.
fn build_tree(root: &Path, c: &Crate) -> Result<PathBuf, String> {
    let pristine = pristine(root, &c.name, &c.version)?;
    let out = scratch(root, &c.name)?.join(&c.name);
    copy_tree(&pristine, &out)?;
    let patch =
        std::fs::canonicalize(&c.patch).map_err(|e| format!("{}: {e}", c.patch.display()))?;
    // The scratch tree may lie inside this repository (the default target
    // directory): `git apply` run inside a repository takes paths from its
    // top and silently skips every file outside the current directory, so
    // the patch would apply to nothing. The ceiling keeps git from finding it.
    let ceiling = out.parent().unwrap_or(&out).to_path_buf();
    run(Command::new("git")
        .arg("-C")
        .arg(&out)
        .env("GIT_CEILING_DIRECTORIES", &ceiling)
        .args(["apply", "-p1", "--whitespace=nowarn"])
        .arg(&patch))
    .map_err(|e| {
        format!(
            "{e}\n{} does not apply to the published {} {}: bring the change over by hand in third_party/{} and run `cargo xtask vendor-surrealdb --save`.",
            c.patch.display(),
            c.name,
            c.version,
            c.name
        )
    })?;
    std::fs::copy(&c.readme, out.join("README.rodnik.md"))
        .map_err(|e| format!("{}: {e}", c.readme.display()))?;
    Ok(out)
}

/// Writes every crate's tree into third_party/, replacing what was there.
fn generate(root: &Path, version: &str) -> Result<(), String> {
    let list = crates(root, version)?;
    // All first, so that a patch that fails leaves third_party/ as it was.
    let mut built = vec![];
    for c in &list {
        built.push((c, build_tree(root, c)?));
    }
    for (c, tree) in built {
        let dest = root.join("third_party").join(&c.name);
        let same = dest.exists() && compare(&tree, &dest)?.is_empty();
        if !same {
            let _ = std::fs::remove_dir_all(&dest);
            std::fs::create_dir_all(dest.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
            copy_tree(&tree, &dest)?;
            eprintln!(
                "xtask: third_party/{} = {} {} + {}",
                c.name,
                c.name,
                c.version,
                rel(root, &c.patch)
            );
        }
        // An upgrade: the patch re-made against the new crate, under its name.
        let named = root
            .join("patches")
            .join(format!("{}-{}.patch", c.name, c.version));
        if c.patch != named {
            write_patch(root, &c.name, &c.version, &dest, &named)?;
            std::fs::rename(&c.readme, named.with_extension("md")).map_err(|e| e.to_string())?;
            std::fs::remove_file(&c.patch).map_err(|e| e.to_string())?;
        }
        if let Some(dir) = tree.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}

/// Files that differ between what the patches make and third_party/.
fn differences(root: &Path, version: &str) -> Result<Vec<String>, String> {
    let mut problems = vec![];
    for c in crates(root, version)? {
        let tree = build_tree(root, &c)?;
        let dest = root.join("third_party").join(&c.name);
        for p in compare(&tree, &dest)? {
            problems.push(format!("  third_party/{}/{p}", c.name));
        }
        if let Some(dir) = tree.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(problems)
}

/// `--save`: patches/<crate>-<version>.patch from third_party/ as it is.
fn save_patches(root: &Path, version: &str) -> Result<(), String> {
    for (name, v) in versions(root, version)? {
        let dest = root.join("third_party").join(&name);
        let named = root.join("patches").join(format!("{name}-{v}.patch"));
        write_patch(root, &name, &v, &dest, &named)?;
        // The README lives in patches/; an edit made in the tree goes there.
        let readme = dest.join("README.rodnik.md");
        if readme.exists() {
            std::fs::copy(&readme, named.with_extension("md")).map_err(|e| e.to_string())?;
        }
        eprintln!("xtask: wrote {}", rel(root, &named));
    }
    Ok(())
}

/// `git diff --no-index` of the pristine crate and `tree` (without the
/// README, which patches/ keeps beside the patch) into `out`.
fn write_patch(
    root: &Path,
    name: &str,
    version: &str,
    tree: &Path,
    out: &Path,
) -> Result<(), String> {
    let pristine = pristine(root, name, version)?;
    let work = scratch(root, &format!("diff-{name}"))?;
    copy_tree(&pristine, &work.join("a"))?;
    copy_tree(tree, &work.join("b"))?;
    let _ = std::fs::remove_file(work.join("b").join("README.rodnik.md"));
    let diff = Command::new("git")
        .current_dir(&work)
        .args([
            "diff",
            "--no-index",
            "--no-color",
            "--no-prefix",
            "--binary",
            "a",
            "b",
        ])
        .output()
        .map_err(|e| format!("git diff: {e}"))?;
    let _ = std::fs::remove_dir_all(&work);
    // 1: differences found (the normal case); 0: none.
    if !matches!(diff.status.code(), Some(0 | 1)) {
        return Err(format!(
            "git diff failed: {}",
            String::from_utf8_lossy(&diff.stderr)
        ));
    }
    std::fs::write(out, &diff.stdout).map_err(|e| format!("{}: {e}", out.display()))
}

/// Relative paths of files that differ (or exist on one side only).
fn compare(a: &Path, b: &Path) -> Result<Vec<String>, String> {
    let (fa, fb) = (files(a)?, files(b)?);
    let mut out = vec![];
    for (path, content) in &fa {
        match fb.get(path) {
            None => out.push(format!("{path} (missing)")),
            Some(other) if other != content => out.push(format!("{path} (edited)")),
            Some(_) => {}
        }
    }
    for path in fb.keys() {
        if !fa.contains_key(path) {
            out.push(format!("{path} (not made by the patch)"));
        }
    }
    Ok(out)
}

fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && d == dir => return Ok(out),
            Err(e) => return Err(format!("{}: {e}", d.display())),
        };
        for e in entries {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            if IGNORED.contains(&rel.as_str()) {
                continue;
            }
            out.insert(
                rel,
                std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?,
            );
        }
    }
    Ok(out)
}

/// Copies a tree keeping modification times (an unchanged file must not look
/// new to cargo, or SurrealDB rebuilds).
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    run(Command::new("cp").arg("-a").arg(from).arg(to))
}

/// `"=OLD"` -> `"=NEW"` on the lines naming a surrealdb crate.
fn repin(root: &Path, old: &str, new: &str) -> Result<(), String> {
    for file in [
        "Cargo.toml",
        "backend/Cargo.toml",
        "tools/surreal-server/Cargo.toml",
    ] {
        let path = root.join(file);
        let text = read(&path)?;
        let changed: Vec<String> = text
            .lines()
            .map(|l| {
                if l.contains("surrealdb") {
                    l.replace(&format!("\"={old}\""), &format!("\"={new}\""))
                } else {
                    l.to_string()
                }
            })
            .collect();
        let mut changed = changed.join("\n");
        if text.ends_with('\n') {
            changed.push('\n');
        }
        if changed != text {
            std::fs::write(&path, changed).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
