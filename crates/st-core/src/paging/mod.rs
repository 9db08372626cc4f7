//! Paged lists and export feeds.
//!
//! ServiceTitan has two ways of reading many records. Both are exposed as lazy
//! [`Stream`](futures::Stream)s: nothing is sent until the stream is polled, and the next
//! request goes out only when the previous page has been consumed.
//!
//! Generated area crates implement [`PagedRequest`] and [`ExportRequest`] on their request
//! builders and add thin methods (`.pages()`, `.stream()`, `.export()`) that call into this
//! module, so most code never names these functions directly.
//!
//! # Paged lists (`page`, `pageSize`, `includeTotal`)
//!
//! List operations (`Customers_GetList`, `Jobs_GetList`, …) take `page` (1-based),
//! `pageSize` (50 by default, at most 5000) and answer with `page`, `pageSize`, `hasMore`,
//! `data` and, only when the request set `includeTotal=true`, `totalCount`.
//!
//! - [`pages`] yields one [`Page`] per request: page 1, 2, 3, … until a page says
//!   `hasMore: false`.
//! - [`items`] flattens those pages into one stream of records.
//! - [`pages_from`] / [`items_from`] start at a later page.
//!
//! The stream sets only `page`. Everything else set on the request is sent unchanged on every
//! page, in particular the page size: call `.page_size(n)` on the builder (up to 5000) to make
//! fewer, larger requests; without it ServiceTitan uses 50. `totalCount` is computed only if
//! the builder sets `.include_total(true)`, so ask for it only when you need it.
//!
//! Two things end a list stream besides `hasMore: false`:
//!
//! - **An empty page while `hasMore` is still true.** Following it would request ever
//!   higher page numbers forever; the stream yields that page, logs a `tracing` warning with
//!   the page number, and ends (the same guard async-stripe's paginator uses).
//! - **An error.** The error is yielded and the stream ends. Transient failures (429, 503,
//!   timeouts) are retried by the transport before they get here, so an error at this level
//!   is final; start again with [`pages_from`] at the page that failed if you want to resume.
//!
//! Paging by page number over data that changes while you read may skip or repeat records
//! (a record inserted on page 1 shifts the rest by one). To copy a whole table, or to keep a
//! copy up to date, use the export feed instead.
//!
//! ## The `active` filter
//!
//! Most list operations return **only active records** unless told otherwise: their `active`
//! parameter (`True`, `Any`, `False`) defaults to `True`. Set `.active(…)` with `Any` on the
//! builder to include inactive (deleted, deactivated) records, or `False` for only those. A
//! few operations document another default (the appointments export, for one, returns all
//! records by default); each builder method's docs state its own.
//!
//! ```
//! use futures::TryStreamExt;
//! use st_core::paging::{self, Page, PagedRequest};
//! # #[derive(Clone)]
//! # struct ListCustomers { page: i32 }
//! # impl PagedRequest for ListCustomers {
//! #     type Item = String;
//! #     fn with_page(mut self, page: i32) -> Self { self.page = page; self }
//! #     async fn fetch_page(self) -> Result<Page<String>, st_core::Error> {
//! #         let data = match self.page { 1 => vec!["Ada", "Grace"], 2 => vec!["Linus"], _ => vec![] };
//! #         Ok(Page { page: self.page.into(), page_size: 2, has_more: self.page < 2, total_count: None,
//! #                   data: data.into_iter().map(String::from).collect() })
//! #     }
//! # }
//! # futures::executor::block_on(async {
//! // With a generated crate: `client.customers_get_list().page_size(500).stream()`.
//! let request = ListCustomers { page: 1 };
//!
//! let mut customers = paging::items(request);
//! while let Some(name) = customers.try_next().await? {
//!     println!("{name}");
//! }
//! # Ok::<(), st_core::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Export feeds (`from`, `continueFrom`, `includeRecentChanges`)
//!
//! Export operations (`Export_Customers`, `Export_Jobs`, …) deliver every record, then every
//! later change, as a feed. Each response carries `data`, `hasMore` and a `continueFrom` token;
//! sending that token back as `from` returns what comes after the records already delivered.
//! When `hasMore` is false the feed has caught up. ServiceTitan asks consumers to wait **5–10
//! minutes** before asking again from the last token; the next page then holds whatever
//! changed in the meantime. A record appears again each time it changes, so consumers
//! **upsert by id**. `from` can also be a date (`"2020-01-01"`) to start at a point in time.
//!
//! [`Export`] drives this. Choose where to start ([`Export::from_start`],
//! [`Export::from_date`] or [`Export::from_checkpoint`]), whether to keep going
//! ([`Export::follow`]), then read [`Export::pages`] or [`Export::items`].
//!
//! ## Checkpoints
//!
//! Every page comes with the [`Checkpoint`] to persist **after** that page has been
//! processed. A process that stops after processing page N and restarts with
//! `.from_checkpoint(&checkpoint_of_page_n)` receives page N+1 next: no record lost, none
//! repeated. A checkpoint is small and serializable (`{"continueFrom":"…"}` in JSON); store
//! it in the same transaction as the data when you can. [`Export::items`] streams records
//! one by one instead, and [`ExportItems::checkpoint`] tells which checkpoint covers the
//! records taken so far (page boundaries only: resuming mid-page repeats that page's records).
//!
//! ## Follow mode
//!
//! Without [`Export::follow`] the stream ends after the page that says `hasMore: false`.
//! With it the stream never ends on its own: once caught up it sleeps for the interval
//! ([`DEFAULT_FOLLOW_INTERVAL`], five minutes, within ServiceTitan's advice) and asks again
//! from the last token, forever. Drop the stream to stop. The sleep is `tokio::time::sleep`,
//! so follow mode needs a Tokio runtime (as the HTTP client does anyway).
//!
//! ## `includeRecentChanges`
//!
//! Without `includeRecentChanges`, a change made very recently may reach the feed only after
//! a delay. With [`Export::include_recent_changes(true)`](Export::include_recent_changes)
//! recent changes arrive sooner, at the cost of **duplicates**: in ServiceTitan's words "the
//! same results appearing multiple times on consecutive requests": a record may come again in
//! a later page when it changes again, and possibly even when it has not.
//! Consumers must upsert by id either way; with recent changes they must also accept seeing a
//! record they already hold. Checkpoints work the same with or without it.
//!
//! ```
//! use futures::TryStreamExt;
//! use st_core::paging::{Checkpoint, Export, ExportPage, ExportRequest};
//! # #[derive(Clone)]
//! # struct ExportCustomers { from: Option<String> }
//! # impl ExportRequest for ExportCustomers {
//! #     type Item = u32;
//! #     fn with_from(mut self, from: Option<String>) -> Self { self.from = from; self }
//! #     fn with_include_recent_changes(self, _: bool) -> Self { self }
//! #     async fn fetch_page(self) -> Result<ExportPage<u32>, st_core::Error> {
//! #         let at: u32 = self.from.as_deref().map_or(0, |t| t.parse().unwrap());
//! #         let data: Vec<u32> = (at..10).take(4).collect();
//! #         let next = at + data.len() as u32;
//! #         Ok(ExportPage { has_more: next < 10, continue_from: Some(next.to_string()), data })
//! #     }
//! # }
//! # fn load() -> Option<Checkpoint> { None }
//! # fn save(_: &Checkpoint) {}
//! # fn upsert(_: u32) {}
//! # futures::executor::block_on(async {
//! // With a generated crate: `client.export_customers().export()`.
//! let request = ExportCustomers { from: None };
//!
//! let export = match load() {
//!     Some(checkpoint) => Export::new(request).from_checkpoint(&checkpoint),
//!     None => Export::new(request).from_start(),
//! };
//! let mut pages = export.pages();
//! while let Some((page, checkpoint)) = pages.try_next().await? {
//!     for customer in page.data {
//!         upsert(customer);
//!     }
//!     save(&checkpoint); // only after the page is processed
//! }
//! # Ok::<(), st_core::Error>(())
//! # }).unwrap();
//! ```

use std::future::Future;

mod export;
mod list;

pub use export::{Checkpoint, DEFAULT_FOLLOW_INTERVAL, Export, ExportItems};
pub use list::{items, items_from, pages, pages_from};

/// One page of a paged list (`page`, `pageSize`, `hasMore`, `totalCount`, `data`).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// 1-based page number the server answered.
    pub page: i64,
    /// Page size the server used.
    pub page_size: i64,
    /// Whether more pages follow.
    pub has_more: bool,
    /// Total number of items, when `includeTotal` was asked for.
    pub total_count: Option<i64>,
    /// The items of this page.
    pub data: Vec<T>,
}

/// One page of an export feed (`hasMore`, `continueFrom`, `data`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPage<T> {
    /// Whether the server has more data right now. `false` means the feed has caught up:
    /// ask again from `continue_from` in 5–10 minutes.
    pub has_more: bool,
    /// Continuation token for the next request (sent back as `from`).
    pub continue_from: Option<String>,
    /// The records of this page.
    pub data: Vec<T>,
}

/// A configured request for a paged list operation (implemented by generated builders).
///
/// The paging functions ([`pages`], [`items`], …) clone the request once per page, set the page
/// number with [`with_page`](PagedRequest::with_page) and send it with
/// [`fetch_page`](PagedRequest::fetch_page). Every other parameter, including `pageSize`, is
/// left as the caller set it.
///
/// ```
/// use st_core::paging::{Page, PagedRequest};
///
/// /// An in-memory stand-in for a generated builder.
/// #[derive(Clone)]
/// struct Numbers {
///     page: i32,
///     page_size: i32,
/// }
///
/// impl PagedRequest for Numbers {
///     type Item = i32;
///
///     fn with_page(mut self, page: i32) -> Self {
///         self.page = page;
///         self
///     }
///
///     async fn fetch_page(self) -> Result<Page<i32>, st_core::Error> {
///         let first = (self.page - 1) * self.page_size;
///         let data: Vec<i32> = (first..first + self.page_size).filter(|n| *n < 7).collect();
///         Ok(Page {
///             page: self.page.into(),
///             page_size: self.page_size.into(),
///             has_more: first + self.page_size < 7,
///             total_count: None,
///             data,
///         })
///     }
/// }
/// ```
pub trait PagedRequest: Clone + Send + Sized {
    /// Item type of the list.
    type Item: Send;
    /// The same request, asking for `page` (1-based).
    fn with_page(self, page: i32) -> Self;
    /// Sends the request and returns the page.
    fn fetch_page(self) -> impl Future<Output = Result<Page<Self::Item>, crate::Error>> + Send;
}

/// A configured request for an export operation (implemented by generated builders).
///
/// [`Export`] clones the request once per page, sets `from` with
/// [`with_from`](ExportRequest::with_from) (and `includeRecentChanges` with
/// [`with_include_recent_changes`](ExportRequest::with_include_recent_changes) when asked to),
/// and sends it with [`fetch_page`](ExportRequest::fetch_page).
///
/// ```
/// use st_core::paging::{ExportPage, ExportRequest};
///
/// /// An in-memory stand-in for a generated builder: ten records, three per page.
/// #[derive(Clone)]
/// struct Records {
///     from: Option<String>,
/// }
///
/// impl ExportRequest for Records {
///     type Item = u32;
///
///     fn with_from(mut self, from: Option<String>) -> Self {
///         self.from = from;
///         self
///     }
///
///     fn with_include_recent_changes(self, _include: bool) -> Self {
///         self
///     }
///
///     async fn fetch_page(self) -> Result<ExportPage<u32>, st_core::Error> {
///         let at: u32 = self.from.as_deref().map_or(0, |token| token.parse().unwrap());
///         let data: Vec<u32> = (at..10).take(3).collect();
///         let next = at + data.len() as u32;
///         Ok(ExportPage { has_more: next < 10, continue_from: Some(next.to_string()), data })
///     }
/// }
/// ```
pub trait ExportRequest: Clone + Send + Sized {
    /// Record type of the export.
    type Item: Send;
    /// The same request, starting from `from` (continuation token or date); `None` = from the beginning.
    ///
    /// With `None` the request should send no `from`. Generated builders cannot unset a
    /// parameter, so they return the request unchanged: [`Export`] relies on the caller not
    /// having set `from` on the builder.
    fn with_from(self, from: Option<String>) -> Self;
    /// The same request with `includeRecentChanges` set.
    fn with_include_recent_changes(self, include: bool) -> Self;
    /// Sends the request and returns the page.
    fn fetch_page(
        self,
    ) -> impl Future<Output = Result<ExportPage<Self::Item>, crate::Error>> + Send;
}
