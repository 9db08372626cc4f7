//! Paging and export feeds (issue 4). Contract used by generated glue.

use std::future::Future;

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
    /// Whether the server has more data right now.
    pub has_more: bool,
    /// Continuation token for the next request.
    pub continue_from: Option<String>,
    /// The records of this page.
    pub data: Vec<T>,
}

/// A configured request for a paged list operation (implemented by generated builders).
pub trait PagedRequest: Clone + Send + Sized {
    /// Item type of the list.
    type Item: Send;
    /// The same request, asking for `page` (1-based).
    fn with_page(self, page: i32) -> Self;
    /// Sends the request and returns the page.
    fn fetch_page(self) -> impl Future<Output = Result<Page<Self::Item>, crate::Error>> + Send;
}

/// A configured request for an export operation (implemented by generated builders).
pub trait ExportRequest: Clone + Send + Sized {
    /// Record type of the export.
    type Item: Send;
    /// The same request, starting from `from` (continuation token or date); `None` = from the beginning.
    fn with_from(self, from: Option<String>) -> Self;
    /// The same request with `includeRecentChanges` set.
    fn with_include_recent_changes(self, include: bool) -> Self;
    /// Sends the request and returns the page.
    fn fetch_page(self) -> impl Future<Output = Result<ExportPage<Self::Item>, crate::Error>> + Send;
}
