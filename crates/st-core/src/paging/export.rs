//! Export feeds: `from` / `continueFrom`, checkpoints and follow mode.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, FusedStream, Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::{ExportPage, ExportRequest};
use crate::Error;

/// How long [`Export::follow`] is usually given: ServiceTitan asks consumers to wait 5–10
/// minutes after `hasMore: false` before asking again.
pub const DEFAULT_FOLLOW_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// Where an export feed resumes: the value to send as `from`.
///
/// Persist the checkpoint that comes with a page after processing that page; give it back to
/// [`Export::from_checkpoint`] after a restart and the feed continues with the next page, with
/// no record lost and none repeated.
///
/// It serializes as `{"continueFrom":"<token>"}` (`{"continueFrom":null}` for the start of
/// the feed); tokens are opaque strings chosen by ServiceTitan.
///
/// ```
/// use st_core::paging::Checkpoint;
///
/// let checkpoint = Checkpoint::at("eyJ0b2tlbiI6NDJ9");
/// let json = serde_json::to_string(&checkpoint).unwrap();
/// assert_eq!(json, r#"{"continueFrom":"eyJ0b2tlbiI6NDJ9"}"#);
/// assert_eq!(serde_json::from_str::<Checkpoint>(&json).unwrap(), checkpoint);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    // Unknown fields are ignored on purpose, so a checkpoint written by a later version that
    // adds fields can still be read.
    continue_from: Option<String>,
}

impl Checkpoint {
    /// The start of the feed (no `from`): every record, from the beginning.
    pub fn start() -> Self {
        Self::default()
    }

    /// Resume at `from`: a `continueFrom` token from an earlier response, or a date string
    /// (see [`Export::from_date`]).
    pub fn at(from: impl Into<String>) -> Self {
        Self {
            continue_from: Some(from.into()),
        }
    }

    /// The value sent as `from` when resuming here; `None` at the start of the feed.
    pub fn continue_from(&self) -> Option<&str> {
        self.continue_from.as_deref()
    }

    /// Whether this is the start of the feed.
    pub fn is_start(&self) -> bool {
        self.continue_from.is_none()
    }
}

/// An export feed, configured and ready to stream (what a generated `.export()` returns).
///
/// Choose a start (default: [`from_start`](Export::from_start)), optionally
/// [`include_recent_changes`](Export::include_recent_changes) and [`follow`](Export::follow),
/// then stream with [`pages`](Export::pages) (each page with its [`Checkpoint`]) or
/// [`items`](Export::items) (records, with [`ExportItems::checkpoint`]). Nothing is sent
/// until the stream is polled.
///
/// Choose the start with these methods, not with the builder's own `.from(…)`:
/// [`from_date`](Export::from_date) and [`from_checkpoint`](Export::from_checkpoint) replace
/// it, but [`from_start`](Export::from_start) cannot remove it (a generated builder has no way
/// to unset a parameter), so the feed would silently start there.
#[derive(Debug, Clone)]
#[must_use = "an export does nothing until `.pages()` or `.items()` is polled"]
pub struct Export<R> {
    request: R,
    start: Checkpoint,
    include_recent_changes: Option<bool>,
    follow: Option<Duration>,
}

impl<R: ExportRequest> Export<R> {
    /// Wraps a configured export request. Starts from the beginning, does not follow, and
    /// leaves `includeRecentChanges` as the request has it.
    pub fn new(request: R) -> Self {
        Self {
            request,
            start: Checkpoint::start(),
            include_recent_changes: None,
            follow: None,
        }
    }

    /// Start from the beginning of the feed: every record (the default).
    pub fn from_start(mut self) -> Self {
        self.start = Checkpoint::start();
        self
    }

    /// Start with the records changed since `date`, a date string ServiceTitan accepts
    /// as `from`: `"2020-01-01"`, or an RFC 3339 timestamp such as
    /// `chrono::Utc::now().to_rfc3339()`.
    ///
    /// Records changed since then are delivered even if they were already exported, so this
    /// is a starting point for a first load, not a way to resume; use checkpoints for that.
    pub fn from_date(mut self, date: impl Into<String>) -> Self {
        self.start = Checkpoint::at(date);
        self
    }

    /// Resume after the page whose checkpoint this is.
    pub fn from_checkpoint(mut self, checkpoint: &Checkpoint) -> Self {
        self.start = checkpoint.clone();
        self
    }

    /// Set `includeRecentChanges` on every request.
    ///
    /// With `true`, records changed very recently reach the feed sooner, at the cost of
    /// duplicates: the same record may appear again in a later page (ServiceTitan: "the same
    /// results appearing multiple times on consecutive requests"), for instance when it
    /// changes again. Consumers must upsert by id and accept seeing a record they already
    /// hold. Checkpoints work the same way either way.
    pub fn include_recent_changes(mut self, include: bool) -> Self {
        self.include_recent_changes = Some(include);
        self
    }

    /// Never end: when a page says `hasMore: false`, sleep for `interval` and ask again from
    /// the last token, forever (drop the stream to stop).
    ///
    /// Pass [`DEFAULT_FOLLOW_INTERVAL`] (five minutes) unless you have a reason not to;
    /// ServiceTitan asks for 5–10 minutes between polls of a feed that has caught up. Each
    /// wake-up yields one page, which is empty when nothing changed. The wait uses
    /// `tokio::time::sleep`, so the stream must be polled inside a Tokio runtime. Errors still
    /// end the stream: restart from the last checkpoint.
    pub fn follow(mut self, interval: Duration) -> Self {
        self.follow = Some(interval);
        self
    }

    /// Streams the pages of the feed, each with the [`Checkpoint`] to persist once that page has
    /// been processed.
    ///
    /// Lazy: each request goes out when the stream is polled after the previous page. Without
    /// [`follow`](Export::follow) the stream ends after the first page with `hasMore: false`
    /// (that page is yielded). With it, it never ends on its own. An error is yielded and ends
    /// the stream.
    ///
    /// A page that cannot move the feed forward (`hasMore: true` with no `continueFrom`, or
    /// with the same token that was sent) is yielded with a `tracing` warning and then treated
    /// as `hasMore: false`: the stream ends, or in follow mode waits before asking again from
    /// the same position. Asking again at once would repeat the same request forever.
    ///
    /// The stream is `Send` and `Unpin`, and `'static` when the request is.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use st_core::paging::{Checkpoint, DEFAULT_FOLLOW_INTERVAL, Export, ExportPage, ExportRequest};
    /// # #[derive(Clone)]
    /// # struct ExportJobs;
    /// # impl ExportRequest for ExportJobs {
    /// #     type Item = u64;
    /// #     fn with_from(self, _: Option<String>) -> Self { self }
    /// #     fn with_include_recent_changes(self, _: bool) -> Self { self }
    /// #     async fn fetch_page(self) -> Result<ExportPage<u64>, st_core::Error> { unimplemented!() }
    /// # }
    /// # async fn store(_: &[u64], _: &Checkpoint) {}
    /// # async fn run(saved: Checkpoint) -> Result<(), st_core::Error> {
    /// let request = ExportJobs; // e.g. `client.export_jobs()`
    ///
    /// let mut feed = Export::new(request)
    ///     .from_checkpoint(&saved)
    ///     .follow(DEFAULT_FOLLOW_INTERVAL)
    ///     .pages();
    /// while let Some((page, checkpoint)) = feed.try_next().await? {
    ///     // Upsert the records and save the checkpoint together.
    ///     store(&page.data, &checkpoint).await;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages(
        self,
    ) -> impl Stream<Item = Result<(ExportPage<R::Item>, Checkpoint), Error>> + Send + Unpin {
        let request = match self.include_recent_changes {
            Some(include) => self.request.with_include_recent_changes(include),
            None => self.request,
        };
        let feed = Feed {
            request,
            position: self.start,
            follow: self.follow,
            next: Next::Fetch,
        };
        // Boxed future: see `pages_from` in list.rs (makes the stream `Unpin`).
        stream::unfold(feed, |mut feed| {
            Box::pin(async move {
                match feed.next {
                    Next::Done => return None,
                    Next::Fetch => {}
                    Next::WaitThenFetch(interval) => tokio::time::sleep(interval).await,
                }
                let sent = feed.position.continue_from.clone();
                match feed.request.clone().with_from(sent).fetch_page().await {
                    Ok(page) => {
                        feed.advance(&page);
                        let checkpoint = feed.position.clone();
                        Some((Ok((page, checkpoint)), feed))
                    }
                    Err(error) => {
                        feed.next = Next::Done;
                        Some((Err(error), feed))
                    }
                }
            })
        })
        // `Unfold` panics if polled after it ended; fusing makes extra polls return `None`.
        .fuse()
    }

    /// Streams the records of the feed, one by one; the stream also tells which
    /// [`Checkpoint`] covers what it has yielded ([`ExportItems::checkpoint`]).
    ///
    /// Same requests, end conditions and follow behaviour as [`pages`](Export::pages).
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use st_core::paging::{Checkpoint, Export, ExportPage, ExportRequest};
    /// # #[derive(Clone)]
    /// # struct ExportJobs { from: Option<String> }
    /// # impl ExportRequest for ExportJobs {
    /// #     type Item = u32;
    /// #     fn with_from(mut self, from: Option<String>) -> Self { self.from = from; self }
    /// #     fn with_include_recent_changes(self, _: bool) -> Self { self }
    /// #     async fn fetch_page(self) -> Result<ExportPage<u32>, st_core::Error> {
    /// #         let at: u32 = self.from.as_deref().map_or(0, |t| t.parse().unwrap());
    /// #         let data: Vec<u32> = (at..10).take(4).collect();
    /// #         let next = at + data.len() as u32;
    /// #         Ok(ExportPage { has_more: next < 10, continue_from: Some(next.to_string()), data })
    /// #     }
    /// # }
    /// # fn upsert(_: u32) {}
    /// # futures::executor::block_on(async {
    /// let request = ExportJobs { from: None }; // e.g. `client.export_jobs()`
    ///
    /// let mut jobs = Export::new(request).from_start().items();
    /// let mut saved = Checkpoint::start();
    /// while let Some(job) = jobs.try_next().await? {
    ///     upsert(job);
    ///     if jobs.checkpoint() != &saved {
    ///         saved = jobs.checkpoint().clone(); // persist it here
    ///     }
    /// }
    /// assert_eq!(saved, Checkpoint::at("10"));
    /// # Ok::<(), st_core::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn items<'a>(self) -> ExportItems<'a, R::Item>
    where
        R: 'a,
    {
        let checkpoint = self.start.clone();
        ExportItems {
            pages: Box::pin(self.pages()),
            records: Vec::new().into_iter(),
            pending: None,
            checkpoint,
            ended: false,
        }
    }
}

/// State carried between the requests of [`Export::pages`].
struct Feed<R> {
    request: R,
    /// Where the next request starts; after a page, that page's checkpoint.
    position: Checkpoint,
    follow: Option<Duration>,
    next: Next,
}

enum Next {
    Fetch,
    WaitThenFetch(Duration),
    Done,
}

impl<R> Feed<R> {
    /// Moves the position past `page` and decides what the next poll does.
    fn advance<T>(&mut self, page: &ExportPage<T>) {
        let mut caught_up = !page.has_more;
        match &page.continue_from {
            Some(token) if page.has_more && self.position.continue_from() == Some(token) => {
                tracing::warn!(
                    records = page.data.len(),
                    "export returned hasMore=true with an unchanged continueFrom; \
                     treating the feed as caught up"
                );
                caught_up = true;
            }
            Some(token) => self.position = Checkpoint::at(token.clone()),
            None if page.has_more => {
                tracing::warn!(
                    records = page.data.len(),
                    "export returned hasMore=true without continueFrom; \
                     treating the feed as caught up"
                );
                caught_up = true;
            }
            // The spec marks `continueFrom` as required. Without it the position cannot move:
            // the next request repeats this one (at-least-once, never a lost record).
            None => tracing::warn!(
                records = page.data.len(),
                "export returned no continueFrom; the next request starts from the same position"
            ),
        }
        self.next = match (caught_up, self.follow) {
            (false, _) => Next::Fetch,
            (true, Some(interval)) => Next::WaitThenFetch(interval),
            (true, None) => Next::Done,
        };
    }
}

// Boxed because the type of `Export::pages`'s stream cannot be named; one allocation per feed.
type BoxedPages<'a, T> =
    Pin<Box<dyn Stream<Item = Result<(ExportPage<T>, Checkpoint), Error>> + Send + 'a>>;

/// The records of an export feed, one by one ([`Export::items`]).
///
/// A [`Stream`] of `Result<Item, Error>` that also tracks a [`Checkpoint`]:
/// [`checkpoint`](ExportItems::checkpoint) is the position after the last page **all** of
/// whose records have been yielded. Call it after processing a record and persist it; resuming
/// from it never loses a record. If you stop in the middle of a page, the records of that page
/// you already received are delivered again on resume (they are upserts, so that is harmless);
/// use [`Export::pages`] for exact page-by-page checkpoints.
///
/// `Send` and `Unpin`; `'a` is the lifetime of the request (usually the borrow of the client),
/// `'static` when the request owns its client.
#[must_use = "streams do nothing unless polled"]
pub struct ExportItems<'a, T> {
    pages: BoxedPages<'a, T>,
    /// Records of the current page not yet yielded.
    records: std::vec::IntoIter<T>,
    /// Checkpoint of the current page, taken over once its last record is yielded.
    pending: Option<Checkpoint>,
    checkpoint: Checkpoint,
    ended: bool,
}

impl<T> ExportItems<'_, T> {
    /// The position after every fully delivered page: persist it, resume with
    /// [`Export::from_checkpoint`].
    ///
    /// Before the first page is finished, this is where the feed started.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }
}

// No field is structurally pinned: records are moved out and `pages` is already boxed.
impl<T> Unpin for ExportItems<'_, T> {}

impl<T> Stream for ExportItems<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(record) = this.records.next() {
                if this.records.len() == 0 {
                    this.commit();
                }
                return Poll::Ready(Some(Ok(record)));
            }
            // An empty page is delivered as soon as it arrives.
            this.commit();
            if this.ended {
                return Poll::Ready(None);
            }
            match std::task::ready!(this.pages.as_mut().poll_next(cx)) {
                Some(Ok((page, checkpoint))) => {
                    this.records = page.data.into_iter();
                    this.pending = Some(checkpoint);
                }
                Some(Err(error)) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.ended = true;
                    return Poll::Ready(None);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.records.len();
        if self.ended {
            (buffered, Some(buffered))
        } else {
            (buffered, None)
        }
    }
}

impl<T> ExportItems<'_, T> {
    fn commit(&mut self) {
        if let Some(checkpoint) = self.pending.take() {
            self.checkpoint = checkpoint;
        }
    }
}

impl<T> FusedStream for ExportItems<'_, T> {
    fn is_terminated(&self) -> bool {
        self.ended && self.records.len() == 0
    }
}

impl<T> fmt::Debug for ExportItems<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportItems")
            .field("checkpoint", &self.checkpoint)
            .field("buffered", &self.records.len())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}
