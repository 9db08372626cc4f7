//! A resumable export of every customer: the CRM customers export feed, page by page, saving a
//! checkpoint to a file after each page so that a process killed at any point resumes where it
//! stopped, with no record lost and none repeated.
//!
//! ```sh
//! cargo run --example export_resume -- --stop-after 2   # export 2 pages, then stop as if killed
//! cargo run --example export_resume                     # resume: page 3 onwards
//! cargo run --example export_resume                     # caught up: only changes since then
//! cargo run --example export_resume -- --reset          # forget the checkpoint, start over
//! ```
//!
//! Options: `--stop-after N` stops after N pages (a simulated crash), `--reset` deletes the
//! checkpoint first, `--checkpoint PATH` chooses the file (default: one per target and tenant in
//! the system's temporary directory).
//!
//! Without `ST_CLIENT_ID` set it runs against the built-in simulator (whose seeded data and
//! continuation tokens are the same in every run, so resuming works across runs); with the
//! `ST_*` variables set, against that ServiceTitan environment (scope `tn.crm.customers:r`).

use std::io;
use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use servicetitan::paging::Checkpoint;

/// What is saved after each page: the feed's checkpoint, plus this program's own progress.
///
/// Real programs should save the checkpoint in the same transaction as the records they stored;
/// this example stores nothing but counts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Progress {
    checkpoint: Checkpoint,
    pages: u64,
    records: u64,
}

struct Options {
    stop_after: Option<u64>,
    reset: bool,
    checkpoint: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = parse_args()?;
    let session = servicetitan_examples::connect().await?;
    let crm = session.st.crm();

    let path = options.checkpoint.unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "servicetitan-export-customers-{}-{}.json",
            session.target(),
            session.st.tenant()
        ))
    });
    if options.reset {
        match std::fs::remove_file(&path) {
            Ok(()) => println!("--reset: deleted {}", path.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }

    let mut progress = load(&path)?;
    let export = crm.export_customers_get_customers().export();
    let export = match &progress {
        Some(saved) => {
            println!(
                "Resuming from {} (after page {}, {} customers so far)",
                path.display(),
                saved.pages,
                saved.records
            );
            export.from_checkpoint(&saved.checkpoint)
        }
        None => {
            println!(
                "No checkpoint in {}: exporting from the start",
                path.display()
            );
            export.from_start()
        }
    };
    let progress = progress.get_or_insert_with(Progress::default);

    let mut pages = export.pages();
    let mut pages_this_run = 0u64;
    let mut records_this_run = 0u64;
    while let Some((page, checkpoint)) = pages.try_next().await? {
        // Process the page first (here: count it), then save its checkpoint.
        pages_this_run += 1;
        records_this_run += page.data.len() as u64;
        progress.pages += 1;
        progress.records += page.data.len() as u64;
        progress.checkpoint = checkpoint;
        save(&path, progress)?;

        let ids = match (page.data.first(), page.data.last()) {
            (Some(first), Some(last)) => format!("first id {}, last id {}", first.id, last.id),
            _ => "no changes".to_owned(),
        };
        println!(
            "  page {:>3}: {:>4} customers ({ids}), more: {}; checkpoint saved",
            progress.pages,
            page.data.len(),
            page.has_more
        );

        if options.stop_after == Some(pages_this_run) && page.has_more {
            println!();
            println!(
                "Stopping after {pages_this_run} page(s) as asked (--stop-after), as if the \
                 process had been killed. Run again without it to resume at page {}.",
                progress.pages + 1
            );
            return Ok(());
        }
    }

    println!();
    println!(
        "Caught up: {records_this_run} customers in {pages_this_run} page(s) this run, {} in {} \
         page(s) since the start of the checkpoint.",
        progress.records, progress.pages
    );
    println!(
        "The checkpoint stays in {}: the next run gets only the customers changed since (an \
         incremental sync; ServiceTitan asks for 5-10 minutes between polls). --reset starts over.",
        path.display()
    );
    Ok(())
}

fn load(path: &Path) -> Result<Option<Progress>, Box<dyn std::error::Error>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is not a checkpoint of this example ({e}); use --reset",
                path.display()
            )
        })?)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes the file next to its final place and renames it over: a crash mid-write leaves the
/// previous checkpoint intact.
fn save(path: &Path, progress: &Progress) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(progress).map_err(io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        stop_after: None,
        reset: false,
        checkpoint: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stop-after" => {
                let n = args.next().ok_or("--stop-after needs a number of pages")?;
                let n = n
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--stop-after needs a positive number of pages")?;
                options.stop_after = Some(n);
            }
            "--reset" => options.reset = true,
            "--checkpoint" => {
                let p = args.next().ok_or("--checkpoint needs a path")?;
                options.checkpoint = Some(PathBuf::from(p));
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (expected --stop-after N, --reset, --checkpoint PATH)"
                ));
            }
        }
    }
    Ok(options)
}
