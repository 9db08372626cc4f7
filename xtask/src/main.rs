//! `cargo xtask`: the maintenance pipeline for the ServiceTitan SDK.
//!
//! The stages run top-down, one module each:
//! `import` → `normalize` → `fixups` → `generate` → `write` → `check`.
//! This file only parses arguments and calls them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod areas;
mod changelog;
mod check;
mod diff;
mod fixups;
mod generate;
mod import;
mod lock;
mod normalize;
mod pipeline;
mod report;
mod sample;
mod scratch;
mod write;

#[derive(Parser)]
#[command(name = "xtask", about = "ServiceTitan SDK maintenance commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Spec files: import from ServiceTitan downloads, compare two sets.
    Specs {
        #[command(subcommand)]
        command: SpecsCommand,
    },
    /// Generate the area crates from specs/ (or, with --check, verify they are up to date).
    Generate {
        /// Only this area (e.g. `crm`).
        #[arg(long)]
        area: Option<String>,
        /// Compare with the committed files instead of writing; exit non-zero on drift.
        #[arg(long)]
        check: bool,
        /// With --check, print a diff of each drifted file.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Per area: operations in the spec, generated methods, hand-written extras, stream glue, lines.
    Stats,
    /// Run the whole pipeline on any folder of specs into a standalone workspace, leaving specs/
    /// and crates/ alone (e.g. to try an older or newer ServiceTitan set).
    Scratch {
        /// Folder holding ServiceTitan OpenAPI JSON documents.
        spec_folder: PathBuf,
        /// Where to write the workspace (`<out-dir>/Cargo.toml`, `<out-dir>/crates/`).
        out_dir: PathBuf,
        /// Also run `cargo check --workspace` on the result; exit non-zero if it fails.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum SpecsCommand {
    /// Copy spec files into specs/ and rewrite specs/specs.lock.
    Import {
        /// Folders or files holding ServiceTitan OpenAPI JSON documents.
        #[arg(required = true)]
        sources: Vec<PathBuf>,
    },
    /// Report what changed between two spec sets, with the semver impact per crate.
    Diff {
        /// The old set: a folder of specs, or a specs.lock.
        old: PathBuf,
        /// The new set: a folder of specs.
        new: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// The workspace root (the parent of this crate's manifest directory).
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Specs { command } => match command {
            SpecsCommand::Import { sources } => import::run(&sources, &root.join("specs"), &root),
            SpecsCommand::Diff { old, new, json } => diff::run(&old, &new, json),
        },
        Command::Generate {
            area,
            check,
            verbose,
        } => check::generate(&root, area.as_deref(), check, verbose),
        Command::Stats => check::stats(&root),
        Command::Scratch {
            spec_folder,
            out_dir,
            check,
        } => scratch::run(&root, &spec_folder, &out_dir, check),
    }
}
