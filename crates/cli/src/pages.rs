//! Following pages: each page of a call handed to the merger as it arrives, its rows
//! written before the next is asked for, a progress bar on a terminal, the budget counted
//! before each request, and why it stopped.

use std::io::IsTerminal;
use std::time::Duration;

use futures_util::StreamExt;

use crate::call::{Call, CallError, OperationDef};
use crate::output;
use crate::resume::{next_page_token, Resume};
use crate::schema::Schema;

/// Where table and CSV rows go as pages arrive.
pub(crate) struct Rows<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) writer: output::RowWriter<std::io::BufWriter<std::io::Stdout>>,
}

/// Why [`follow_pages`] stopped before the last page.
pub(crate) enum Stop {
    /// The call failed.
    Call(CallError),
    /// Rows could not be made or written (other than a closed pipe).
    Output(String),
    /// stdout was closed by its reader.
    PipeClosed,
    /// The budget allows no further request; the listing continues here.
    Budget(Resume),
}

/// Runs the call and hands each page to `merger` as it arrives, stopping once it has
/// `--max-items` items. With `rows`, each page's rows are written before the next page
/// is requested, so only one page is in memory at a time; rows already written stay
/// written if a later page fails (the exit status says so). Every request is counted on
/// `meter`; when the service has a next page and the budget allows no further request,
/// it stops with where to continue (the next page is never asked for).
pub(crate) async fn follow_pages(
    op: &OperationDef,
    call: Call,
    merger: &mut output::Merger<'_>,
    mut rows: Option<&mut Rows<'_>>,
    meter: &mut cloudcost_planner::Meter,
) -> Result<(), Stop> {
    let show_progress = call.all_pages && std::io::stderr().is_terminal();
    let request = call.request.clone();
    let follows = call.all_pages;
    let mut stream = (op.run)(call).map_err(Stop::Call)?;
    let progress = show_progress.then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(format!("{}: pages 0, items 0", op.name));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut pages = 0usize;
    let mut items = 0usize;
    let result = loop {
        if merger.done() {
            break Ok(());
        }
        let page = match stream.next().await {
            None => break Ok(()),
            Some(Err(e)) => {
                meter.record();
                break Err(Stop::Call(e));
            }
            Some(Ok(page)) => page,
        };
        meter.record();
        pages += 1;
        // Read before the merger cuts the page (marker paging reads its last item).
        let next = op
            .pagination
            .as_ref()
            .and_then(|p| next_page_token(&page, p, &request));
        items += output::item_count(&page, op.pagination.as_ref());
        if let Some(bar) = &progress {
            bar.set_message(format!("{}: pages {pages}, items {items}", op.name));
        }
        let pushed = merger.push(page);
        // A next page the budget does not pay for (unless --max-items needs no more).
        let budget_stop = (follows && !merger.done() && !meter.may_send())
            .then_some(next)
            .flatten()
            .map(|token| Resume {
                token: Some(token),
                skip: 0,
            });
        let Some(page) = pushed else {
            match budget_stop {
                Some(resume) => break Err(Stop::Budget(resume)),
                None => continue,
            }
        };
        let Some(rows) = rows.as_deref_mut() else {
            match budget_stop {
                Some(resume) => break Err(Stop::Budget(resume)),
                None => continue,
            }
        };
        let table = match output::flatten(&page, rows.schema.root(), op.pagination.as_ref()) {
            Ok(t) => t,
            Err(e) => break Err(Stop::Output(e)),
        };
        drop(page);
        // The bar shares the terminal with stdout: hide it while the rows are written.
        let written = match &progress {
            Some(bar) => bar.suspend(|| rows.writer.page(&table)),
            None => rows.writer.page(&table),
        };
        match written {
            Ok(()) => {
                if let Some(resume) = budget_stop {
                    break Err(Stop::Budget(resume));
                }
            }
            Err(output::RowError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                break Err(Stop::PipeClosed)
            }
            Err(e) => break Err(Stop::Output(e.to_string())),
        }
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    result
}
