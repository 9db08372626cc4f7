//! Behaviour of `st_core::paging` against in-memory requests that implement the paging traits.
//! (Loopback HTTP tests against generated crates live at the workspace level.)

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::executor::block_on;
use futures::stream::{Stream, StreamExt, TryStreamExt};
use st_core::paging::{
    self, Checkpoint, DEFAULT_FOLLOW_INTERVAL, Export, ExportPage, ExportRequest, Page,
    PagedRequest,
};

/// The one place that builds an error; adapt it when `st_core::Error` changes shape.
fn server_error() -> st_core::Error {
    st_core::Error::Other("simulated server failure".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------------------------

/// A list "server" holding `rows`; answers pages of the size the request asks for.
#[derive(Default)]
struct ListServer {
    rows: Vec<u32>,
    /// Page numbers that fail instead of answering.
    failing: Vec<i32>,
    /// Page numbers that answer `hasMore: true` with no data.
    empty_but_more: Vec<i32>,
    /// Every request seen: (page, pageSize).
    requests: Mutex<Vec<(i32, i32)>>,
}

impl ListServer {
    fn with_rows(n: u32) -> Arc<Self> {
        Arc::new(Self {
            rows: (1..=n).collect(),
            ..Self::default()
        })
    }

    fn requested_pages(&self) -> Vec<i32> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(page, _)| *page)
            .collect()
    }
}

#[derive(Clone)]
struct ListRows {
    server: Arc<ListServer>,
    page: i32,
    page_size: i32,
}

impl ListRows {
    fn new(server: &Arc<ListServer>, page_size: i32) -> Self {
        Self {
            server: server.clone(),
            page: 1,
            page_size,
        }
    }
}

impl PagedRequest for ListRows {
    type Item = u32;

    fn with_page(mut self, page: i32) -> Self {
        self.page = page;
        self
    }

    async fn fetch_page(self) -> Result<Page<u32>, st_core::Error> {
        let server = &self.server;
        server
            .requests
            .lock()
            .unwrap()
            .push((self.page, self.page_size));
        if server.failing.contains(&self.page) {
            return Err(server_error());
        }
        let size = usize::try_from(self.page_size).unwrap();
        let skip = usize::try_from(self.page - 1).unwrap() * size;
        let end = (skip + size).min(server.rows.len());
        let empty = server.empty_but_more.contains(&self.page);
        let data = if empty || skip >= end {
            Vec::new()
        } else {
            server.rows[skip..end].to_vec()
        };
        Ok(Page {
            page: self.page.into(),
            page_size: self.page_size.into(),
            has_more: empty || end < server.rows.len(),
            total_count: None,
            data,
        })
    }
}

/// An export "server": records in change order, `page_size` per answer, tokens `c<offset>`.
/// Records can be appended while a feed runs (changes happening in the meantime).
struct ExportServer {
    records: Vec<u32>,
    page_size: usize,
    /// Answers to give instead of the computed ones, in order (`Err` = failure).
    scripted: VecDeque<Result<ExportPage<u32>, ()>>,
    /// Every request seen: (from, includeRecentChanges).
    requests: Vec<(Option<String>, Option<bool>)>,
}

type SharedExportServer = Arc<Mutex<ExportServer>>;

fn export_server(records: u32, page_size: usize) -> SharedExportServer {
    Arc::new(Mutex::new(ExportServer {
        records: (1..=records).collect(),
        page_size,
        scripted: VecDeque::new(),
        requests: Vec::new(),
    }))
}

fn scripted_export_server(answers: Vec<Result<ExportPage<u32>, ()>>) -> SharedExportServer {
    let server = export_server(0, 1);
    server.lock().unwrap().scripted = answers.into();
    server
}

fn sent_froms(server: &SharedExportServer) -> Vec<Option<String>> {
    server
        .lock()
        .unwrap()
        .requests
        .iter()
        .map(|(from, _)| from.clone())
        .collect()
}

fn request_count(server: &SharedExportServer) -> usize {
    server.lock().unwrap().requests.len()
}

#[derive(Clone)]
struct ExportRecords {
    server: SharedExportServer,
    from: Option<String>,
    include_recent_changes: Option<bool>,
}

impl ExportRecords {
    fn new(server: &SharedExportServer) -> Self {
        Self {
            server: server.clone(),
            from: Some("set on the builder, must be replaced".to_owned()),
            include_recent_changes: None,
        }
    }
}

impl ExportRequest for ExportRecords {
    type Item = u32;

    fn with_from(mut self, from: Option<String>) -> Self {
        self.from = from;
        self
    }

    fn with_include_recent_changes(mut self, include: bool) -> Self {
        self.include_recent_changes = Some(include);
        self
    }

    async fn fetch_page(self) -> Result<ExportPage<u32>, st_core::Error> {
        let mut server = self.server.lock().unwrap();
        server
            .requests
            .push((self.from.clone(), self.include_recent_changes));
        if let Some(answer) = server.scripted.pop_front() {
            return answer.map_err(|()| server_error());
        }
        let offset: usize = match self.from.as_deref() {
            None => 0,
            Some(token) => token
                .strip_prefix('c')
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
        };
        let end = (offset + server.page_size).min(server.records.len());
        Ok(ExportPage {
            has_more: end < server.records.len(),
            continue_from: Some(format!("c{end}")),
            data: server.records[offset..end].to_vec(),
        })
    }
}

fn export_page(data: Vec<u32>, has_more: bool, continue_from: Option<&str>) -> ExportPage<u32> {
    ExportPage {
        has_more,
        continue_from: continue_from.map(str::to_owned),
        data,
    }
}

/// Records `tracing` events (level and fields) so tests can assert on warnings.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<String>>>);

impl CapturedLogs {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// Runs `f` with this capture as the thread's subscriber.
    fn during<T>(&self, f: impl FnOnce() -> T) -> T {
        tracing::subscriber::with_default(self.clone(), f)
    }
}

struct FieldText(String);

impl tracing::field::Visit for FieldText {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for CapturedLogs {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = FieldText(event.metadata().level().to_string());
        event.record(&mut text);
        self.0.lock().unwrap().push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

// ---------------------------------------------------------------------------------------------
// Paged lists
// ---------------------------------------------------------------------------------------------

#[test]
fn streams_every_item_of_three_pages_once_in_order() {
    let server = ListServer::with_rows(7);
    let items: Vec<u32> = block_on(paging::items(ListRows::new(&server, 3)).try_collect()).unwrap();

    assert_eq!(items, (1..=7).collect::<Vec<_>>());
    assert_eq!(server.requested_pages(), [1, 2, 3]);
}

#[test]
fn pages_stream_yields_each_page_as_answered() {
    let server = ListServer::with_rows(7);
    let pages: Vec<Page<u32>> =
        block_on(paging::pages(ListRows::new(&server, 3)).try_collect()).unwrap();

    let summary: Vec<(i64, bool, Vec<u32>)> = pages
        .into_iter()
        .map(|p| (p.page, p.has_more, p.data))
        .collect();
    assert_eq!(
        summary,
        [
            (1, true, vec![1, 2, 3]),
            (2, true, vec![4, 5, 6]),
            (3, false, vec![7]),
        ]
    );
}

#[test]
fn requests_each_page_only_when_polled() {
    let server = ListServer::with_rows(6);
    let mut pages = paging::pages(ListRows::new(&server, 3));
    assert!(
        server.requested_pages().is_empty(),
        "nothing sent before the first poll"
    );

    block_on(pages.next()).unwrap().unwrap();
    assert_eq!(server.requested_pages(), [1]);
    block_on(pages.next()).unwrap().unwrap();
    assert_eq!(server.requested_pages(), [1, 2]);
    assert!(block_on(pages.next()).is_none());
    assert!(
        block_on(pages.next()).is_none(),
        "polling after the end stays at the end"
    );
    assert_eq!(server.requested_pages(), [1, 2]);
}

#[test]
fn items_stream_fetches_next_page_only_after_the_last_item() {
    let server = ListServer::with_rows(6);
    let mut items = paging::items(ListRows::new(&server, 3));
    assert!(server.requested_pages().is_empty());

    for expected in 1..=3 {
        assert_eq!(block_on(items.next()).unwrap().unwrap(), expected);
        assert_eq!(server.requested_pages(), [1]);
    }
    assert_eq!(block_on(items.next()).unwrap().unwrap(), 4);
    assert_eq!(server.requested_pages(), [1, 2]);
}

#[test]
fn keeps_the_page_size_set_on_the_request() {
    let server = ListServer::with_rows(1200);
    let count = block_on(
        paging::items(ListRows::new(&server, 500)).try_fold(0, |n, _| async move { Ok(n + 1) }),
    )
    .unwrap();

    assert_eq!(count, 1200);
    assert_eq!(
        *server.requests.lock().unwrap(),
        [(1, 500), (2, 500), (3, 500)]
    );
}

#[test]
fn starts_at_the_requested_page() {
    let server = ListServer::with_rows(7);
    let items: Vec<u32> =
        block_on(paging::items_from(ListRows::new(&server, 3), 2).try_collect()).unwrap();

    assert_eq!(items, [4, 5, 6, 7]);
    assert_eq!(server.requested_pages(), [2, 3]);

    let server = ListServer::with_rows(2);
    block_on(paging::pages_from(ListRows::new(&server, 3), 0).try_collect::<Vec<_>>()).unwrap();
    assert_eq!(
        server.requested_pages(),
        [1],
        "page numbers below 1 mean page 1"
    );
}

#[test]
fn stops_and_warns_on_an_empty_page_that_claims_more() {
    let server = Arc::new(ListServer {
        rows: (1..=9).collect(),
        empty_but_more: vec![2],
        ..ListServer::default()
    });
    let logs = CapturedLogs::default();

    let items: Vec<u32> = logs
        .during(|| block_on(paging::items(ListRows::new(&server, 3)).try_collect()))
        .unwrap();

    assert_eq!(items, [1, 2, 3]);
    assert_eq!(
        server.requested_pages(),
        [1, 2],
        "no request after the empty page"
    );
    let warnings: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|line| line.starts_with("WARN"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("page=2"), "{warnings:?}");
    assert!(warnings[0].contains("empty page"), "{warnings:?}");
}

#[test]
fn an_error_is_yielded_then_the_list_stream_ends() {
    let server = Arc::new(ListServer {
        rows: (1..=9).collect(),
        failing: vec![2],
        ..ListServer::default()
    });
    let mut pages = paging::pages(ListRows::new(&server, 3));

    assert!(block_on(pages.next()).unwrap().is_ok());
    assert!(block_on(pages.next()).unwrap().is_err());
    assert!(block_on(pages.next()).is_none());
    assert_eq!(server.requested_pages(), [1, 2]);

    let server = Arc::new(ListServer {
        rows: (1..=9).collect(),
        failing: vec![2],
        ..ListServer::default()
    });
    let results: Vec<Result<u32, st_core::Error>> =
        block_on(paging::items(ListRows::new(&server, 3)).collect());
    let oks: Vec<u32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(oks, [1, 2, 3]);
    assert_eq!(results.len(), 4, "three items, one error, then the end");
    assert!(results[3].is_err());
    assert_eq!(server.requested_pages(), [1, 2]);
}

// ---------------------------------------------------------------------------------------------
// Export feeds
// ---------------------------------------------------------------------------------------------

#[test]
fn export_resumed_from_the_checkpoint_of_page_two_yields_pages_three_and_four() {
    // 8 records, 2 per page: 4 pages, the last says hasMore=false.
    let server = export_server(8, 2);

    // First run: process two pages, persist the checkpoint, then "crash".
    let saved_json = {
        let mut feed = Export::new(ExportRecords::new(&server))
            .from_start()
            .pages();
        let mut processed = Vec::new();
        let mut saved = None;
        for _ in 0..2 {
            let (page, checkpoint) = block_on(feed.next()).unwrap().unwrap();
            processed.extend(page.data);
            saved = Some(serde_json::to_string(&checkpoint).unwrap());
        }
        assert_eq!(processed, [1, 2, 3, 4]);
        saved.unwrap()
    };
    assert_eq!(
        request_count(&server),
        2,
        "page 3 was never requested before the crash"
    );

    // Second run, from the persisted checkpoint.
    let checkpoint: Checkpoint = serde_json::from_str(&saved_json).unwrap();
    let rest: Vec<(ExportPage<u32>, Checkpoint)> = block_on(
        Export::new(ExportRecords::new(&server))
            .from_checkpoint(&checkpoint)
            .pages()
            .try_collect(),
    )
    .unwrap();

    let data: Vec<Vec<u32>> = rest.iter().map(|(page, _)| page.data.clone()).collect();
    assert_eq!(data, [vec![5, 6], vec![7, 8]]);
    assert!(
        !rest[1].0.has_more,
        "the stream ends after the caught-up page"
    );
    assert_eq!(rest[1].1, Checkpoint::at("c8"));
    assert_eq!(
        sent_froms(&server),
        [
            None,
            Some("c2".into()),
            Some("c4".into()),
            Some("c6".into())
        ]
    );
}

#[test]
fn export_pages_are_requested_only_when_polled() {
    let server = export_server(6, 2);
    let mut feed = Export::new(ExportRecords::new(&server)).pages();
    assert_eq!(request_count(&server), 0);

    block_on(feed.next()).unwrap().unwrap();
    assert_eq!(request_count(&server), 1);
    block_on(feed.next()).unwrap().unwrap();
    assert_eq!(request_count(&server), 2);
}

#[test]
fn export_starts_from_a_date_and_applies_recent_changes_only_when_asked() {
    let server = export_server(2, 5);
    block_on(
        Export::new(ExportRecords::new(&server))
            .from_date("2020-01-01")
            .include_recent_changes(true)
            .pages()
            .try_collect::<Vec<_>>(),
    )
    .unwrap();
    block_on(
        Export::new(ExportRecords::new(&server))
            .pages()
            .try_collect::<Vec<_>>(),
    )
    .unwrap();

    assert_eq!(
        server.lock().unwrap().requests,
        [
            (Some("2020-01-01".to_owned()), Some(true)),
            (None, None), // from the start by default; builder's own setting left alone
        ]
    );
}

#[test]
fn export_items_checkpoint_covers_only_fully_delivered_pages() {
    let server = export_server(5, 2);
    let mut items = Export::new(ExportRecords::new(&server)).items();
    assert_eq!(items.checkpoint(), &Checkpoint::start());

    let mut seen = Vec::new();
    let mut checkpoints = Vec::new();
    while let Some(item) = block_on(items.try_next()).unwrap() {
        seen.push(item);
        checkpoints.push(items.checkpoint().continue_from().map(str::to_owned));
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
    let expected: [Option<String>; 5] = [
        None,
        Some("c2".into()),
        Some("c2".into()),
        Some("c4".into()),
        Some("c5".into()),
    ];
    assert_eq!(checkpoints, expected);
    assert!(block_on(items.next()).is_none());
}

#[test]
fn export_items_resumed_mid_page_redeliver_that_page_and_lose_nothing() {
    let server = export_server(6, 2);
    let mut first_run = Vec::new();
    let saved = {
        let mut items = Export::new(ExportRecords::new(&server)).items();
        for _ in 0..3 {
            first_run.push(block_on(items.try_next()).unwrap().unwrap());
        }
        items.checkpoint().clone()
    };
    assert_eq!(first_run, [1, 2, 3]);
    assert_eq!(saved, Checkpoint::at("c2"));

    let second_run: Vec<u32> = block_on(
        Export::new(ExportRecords::new(&server))
            .from_checkpoint(&saved)
            .items()
            .try_collect(),
    )
    .unwrap();
    assert_eq!(
        second_run,
        [3, 4, 5, 6],
        "record 3 again (upsert), nothing lost"
    );
}

#[test]
fn an_error_is_yielded_then_the_export_stream_ends() {
    let server = scripted_export_server(vec![
        Ok(export_page(vec![1], true, Some("t1"))),
        Err(()),
        Ok(export_page(vec![2], false, Some("t2"))),
    ]);
    let mut pages = Export::new(ExportRecords::new(&server)).pages();
    assert!(block_on(pages.next()).unwrap().is_ok());
    assert!(block_on(pages.next()).unwrap().is_err());
    assert!(block_on(pages.next()).is_none());
    assert_eq!(request_count(&server), 2);

    let server = scripted_export_server(vec![Ok(export_page(vec![1], true, Some("t1"))), Err(())]);
    let mut items = Export::new(ExportRecords::new(&server)).items();
    assert_eq!(block_on(items.next()).unwrap().unwrap(), 1);
    assert!(block_on(items.next()).unwrap().is_err());
    assert!(block_on(items.next()).is_none());
    assert_eq!(items.checkpoint(), &Checkpoint::at("t1"));
}

#[test]
fn export_that_claims_more_without_a_token_stops_with_a_warning() {
    let server = scripted_export_server(vec![
        Ok(export_page(vec![1], true, Some("t1"))),
        Ok(export_page(vec![2], true, None)),
    ]);
    let logs = CapturedLogs::default();

    let pages: Vec<(ExportPage<u32>, Checkpoint)> = logs
        .during(|| {
            block_on(
                Export::new(ExportRecords::new(&server))
                    .pages()
                    .try_collect(),
            )
        })
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(
        pages[1].1,
        Checkpoint::at("t1"),
        "position unchanged: record 2 comes again"
    );
    assert_eq!(request_count(&server), 2);
    let warnings = logs.lines();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("WARN"), "{warnings:?}");
    assert!(warnings[0].contains("without continueFrom"), "{warnings:?}");
}

#[test]
fn export_that_claims_more_with_the_same_token_stops_with_a_warning() {
    let server = scripted_export_server(vec![
        Ok(export_page(vec![1], true, Some("t1"))),
        Ok(export_page(vec![], true, Some("t1"))),
    ]);
    let logs = CapturedLogs::default();

    let pages: Vec<(ExportPage<u32>, Checkpoint)> = logs
        .during(|| {
            block_on(
                Export::new(ExportRecords::new(&server))
                    .pages()
                    .try_collect(),
            )
        })
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(request_count(&server), 2);
    assert!(
        logs.lines()[0].contains("unchanged continueFrom"),
        "{:?}",
        logs.lines()
    );
}

#[tokio::test(start_paused = true)]
async fn follow_mode_waits_then_asks_again_from_the_last_token() {
    let server = export_server(4, 2);
    let interval = Duration::from_secs(300);
    let mut feed = Export::new(ExportRecords::new(&server))
        .from_start()
        .follow(interval)
        .pages();

    // Catch up: two pages, the second says hasMore=false.
    let (_, _) = feed.try_next().await.unwrap().unwrap();
    let (caught_up, checkpoint) = feed.try_next().await.unwrap().unwrap();
    assert!(!caught_up.has_more);
    assert_eq!(checkpoint, Checkpoint::at("c4"));

    // Changes happen while the feed waits.
    server.lock().unwrap().records.extend([5, 6, 7]);

    let started = tokio::time::Instant::now();
    let early = tokio::time::timeout(interval - Duration::from_secs(1), feed.next()).await;
    assert!(early.is_err(), "no page before the interval elapsed");
    assert_eq!(
        request_count(&server),
        2,
        "no request before the interval elapsed"
    );

    let (page, checkpoint) = feed.try_next().await.unwrap().unwrap();
    assert!(started.elapsed() >= interval);
    assert_eq!(page.data, [5, 6]);
    assert!(
        page.has_more,
        "more right away: no wait before the next page"
    );
    assert_eq!(checkpoint, Checkpoint::at("c6"));

    let before = tokio::time::Instant::now();
    let (page, _) = feed.try_next().await.unwrap().unwrap();
    assert_eq!(before.elapsed(), Duration::ZERO);
    assert_eq!(page.data, [7]);

    // Nothing new: after another interval an empty page, and the feed keeps going.
    let (page, checkpoint) = feed.try_next().await.unwrap().unwrap();
    assert!(page.data.is_empty() && !page.has_more);
    assert_eq!(checkpoint, Checkpoint::at("c7"));
    assert_eq!(
        sent_froms(&server),
        [
            None,
            Some("c2".into()),
            Some("c4".into()),
            Some("c6".into()),
            Some("c7".into())
        ]
    );
    assert!(started.elapsed() >= 2 * interval);
}

#[tokio::test(start_paused = true)]
async fn follow_mode_waits_out_a_page_that_cannot_advance() {
    let server = scripted_export_server(vec![
        Ok(export_page(vec![1], true, Some("t1"))),
        Ok(export_page(vec![], true, None)),
        Ok(export_page(vec![2], false, Some("t2"))),
    ]);
    let mut feed = Export::new(ExportRecords::new(&server))
        .follow(DEFAULT_FOLLOW_INTERVAL)
        .pages();
    feed.try_next().await.unwrap().unwrap();
    feed.try_next().await.unwrap().unwrap();

    let started = tokio::time::Instant::now();
    let (page, checkpoint) = feed.try_next().await.unwrap().unwrap();
    assert_eq!(started.elapsed(), DEFAULT_FOLLOW_INTERVAL);
    assert_eq!(page.data, [2]);
    assert_eq!(checkpoint, Checkpoint::at("t2"));
    assert_eq!(
        sent_froms(&server)[2],
        Some("t1".into()),
        "asked again from the same position"
    );
}

#[test]
fn default_follow_interval_is_five_minutes() {
    assert_eq!(DEFAULT_FOLLOW_INTERVAL, Duration::from_secs(300));
}

#[test]
fn checkpoint_round_trips_through_json() {
    for checkpoint in [Checkpoint::start(), Checkpoint::at("abc")] {
        let json = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(
            serde_json::from_str::<Checkpoint>(&json).unwrap(),
            checkpoint
        );
    }
    assert_eq!(
        serde_json::to_string(&Checkpoint::start()).unwrap(),
        r#"{"continueFrom":null}"#
    );
    let later: Checkpoint =
        serde_json::from_str(r#"{"continueFrom":"abc","takenAt":"2026-01-01T00:00:00Z"}"#).unwrap();
    assert_eq!(
        later.continue_from(),
        Some("abc"),
        "unknown fields are ignored"
    );
    assert!(Checkpoint::start().is_start());
}

// ---------------------------------------------------------------------------------------------
// Send, 'static and borrowed requests
// ---------------------------------------------------------------------------------------------

fn assert_send_unpin<T: Send + Unpin>(_: &T) {}

#[test]
fn streams_are_send_and_unpin() {
    let list = ListServer::with_rows(1);
    let export = export_server(1, 1);
    assert_send_unpin(&paging::pages(ListRows::new(&list, 1)));
    assert_send_unpin(&paging::items(ListRows::new(&list, 1)));
    assert_send_unpin(&paging::pages_from(ListRows::new(&list, 1), 2));
    assert_send_unpin(&paging::items_from(ListRows::new(&list, 1), 2));
    assert_send_unpin(&Export::new(ExportRecords::new(&export)).pages());
    assert_send_unpin(&Export::new(ExportRecords::new(&export)).items());
}

#[tokio::test]
async fn streams_of_static_requests_run_in_spawned_tasks() {
    let list = ListServer::with_rows(5);
    let export = export_server(5, 2);

    let items = tokio::spawn(paging::items(ListRows::new(&list, 2)).try_collect::<Vec<_>>());
    let pages = tokio::spawn(paging::pages(ListRows::new(&list, 2)).try_collect::<Vec<_>>());
    let records = tokio::spawn(
        Export::new(ExportRecords::new(&export))
            .items()
            .try_collect::<Vec<_>>(),
    );
    let export_pages = tokio::spawn(
        Export::new(ExportRecords::new(&export))
            .pages()
            .try_collect::<Vec<_>>(),
    );

    assert_eq!(items.await.unwrap().unwrap(), [1, 2, 3, 4, 5]);
    assert_eq!(pages.await.unwrap().unwrap().len(), 3);
    assert_eq!(records.await.unwrap().unwrap(), [1, 2, 3, 4, 5]);
    assert_eq!(export_pages.await.unwrap().unwrap().len(), 3);
}

/// A request that borrows its client, like progenitor's `builder::CustomersGetList<'a>`.
#[derive(Clone)]
struct BorrowedRows<'a> {
    rows: &'a [u32],
    page: i32,
    from: Option<String>,
}

impl PagedRequest for BorrowedRows<'_> {
    type Item = u32;

    fn with_page(mut self, page: i32) -> Self {
        self.page = page;
        self
    }

    async fn fetch_page(self) -> Result<Page<u32>, st_core::Error> {
        let at = usize::try_from(self.page - 1).unwrap() * 2;
        let data: Vec<u32> = self.rows.iter().skip(at).take(2).copied().collect();
        Ok(Page {
            page: self.page.into(),
            page_size: 2,
            has_more: at + 2 < self.rows.len(),
            total_count: None,
            data,
        })
    }
}

impl ExportRequest for BorrowedRows<'_> {
    type Item = u32;

    fn with_from(mut self, from: Option<String>) -> Self {
        self.from = from;
        self
    }

    fn with_include_recent_changes(self, _include: bool) -> Self {
        self
    }

    async fn fetch_page(self) -> Result<ExportPage<u32>, st_core::Error> {
        let at: usize = self.from.as_deref().map_or(0, |t| t.parse().unwrap());
        let end = (at + 2).min(self.rows.len());
        Ok(ExportPage {
            has_more: end < self.rows.len(),
            continue_from: Some(end.to_string()),
            data: self.rows[at..end].to_vec(),
        })
    }
}

// The inherent methods the generator emits on builders, written out by hand: these must compile.
impl<'a> BorrowedRows<'a> {
    fn stream(self) -> impl Stream<Item = Result<u32, st_core::Error>> + Send + Unpin + 'a {
        paging::items(self)
    }

    fn pages(self) -> impl Stream<Item = Result<Page<u32>, st_core::Error>> + Send + Unpin + 'a {
        paging::pages(self)
    }

    fn export(self) -> Export<Self> {
        Export::new(self)
    }
}

#[test]
fn generated_style_glue_works_with_borrowed_requests() {
    let rows: Vec<u32> = (1..=5).collect();
    let request = BorrowedRows {
        rows: &rows,
        page: 1,
        from: None,
    };

    let items: Vec<u32> = block_on(request.clone().stream().try_collect()).unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert_eq!(
        block_on(request.clone().pages().try_collect::<Vec<_>>())
            .unwrap()
            .len(),
        3
    );

    let records = request.export().from_start().items();
    assert_send_unpin(&records);
    assert_eq!(
        block_on(records.try_collect::<Vec<_>>()).unwrap(),
        [1, 2, 3, 4, 5]
    );
}
