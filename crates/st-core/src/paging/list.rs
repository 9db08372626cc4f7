//! Streams over paged list operations.

use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use super::{Page, PagedRequest};
use crate::Error;

/// Streams the pages of a list, starting at page 1.
///
/// Lazy: page 1 is requested on the first poll, page N+1 only when the stream is polled after
/// page N. The request's own parameters are kept, including its page size (set
/// `.page_size(n)` on the builder, at most 5000; ServiceTitan's default is 50).
///
/// The stream ends after a page with `has_more == false`; after a page that is empty although
/// `has_more` is true (yielded, then a `tracing` warning, then the end); and after an error
/// (yielded, then the end). It is `Send` and `Unpin` (`.next()` / `.try_next()` work without
/// pinning), and `'static` when the request is, so it can be moved into `tokio::spawn`.
///
/// ```
/// use futures::TryStreamExt;
/// # use st_core::paging::{Page, PagedRequest};
/// # #[derive(Clone)]
/// # struct ListJobs { page: i32 }
/// # impl PagedRequest for ListJobs {
/// #     type Item = u64;
/// #     fn with_page(mut self, page: i32) -> Self { self.page = page; self }
/// #     async fn fetch_page(self) -> Result<Page<u64>, st_core::Error> {
/// #         Ok(Page { page: self.page.into(), page_size: 2, has_more: self.page < 3,
/// #                   total_count: Some(6), data: vec![1, 2] })
/// #     }
/// # }
/// # futures::executor::block_on(async {
/// let request = ListJobs { page: 1 }; // e.g. `client.jobs_get_list().page_size(1000)`
///
/// let pages: Vec<_> = st_core::paging::pages(request).try_collect().await?;
/// assert_eq!(pages.len(), 3);
/// assert_eq!(pages[0].total_count, Some(6));
/// # Ok::<(), st_core::Error>(())
/// # }).unwrap();
/// ```
pub fn pages<R: PagedRequest>(
    request: R,
) -> impl Stream<Item = Result<Page<R::Item>, Error>> + Send + Unpin {
    pages_from(request, 1)
}

/// Streams the pages of a list, starting at `first_page` (1-based; values below 1 mean 1).
///
/// Otherwise the same as [`pages`]. Useful to resume a walk that failed at a known page.
pub fn pages_from<R: PagedRequest>(
    request: R,
    first_page: i32,
) -> impl Stream<Item = Result<Page<R::Item>, Error>> + Send + Unpin {
    let start = Cursor::At {
        request,
        page: first_page.max(1),
    };
    // Boxing each page's future makes the stream `Unpin`, so callers can use `.next()` and
    // `.try_next()` without pinning it themselves; one allocation per HTTP request.
    stream::unfold(start, |cursor| {
        Box::pin(async move {
            let Cursor::At { request, page } = cursor else {
                return None;
            };
            match request.clone().with_page(page).fetch_page().await {
                Ok(fetched) => {
                    let next = next_cursor(request, page, &fetched);
                    Some((Ok(fetched), next))
                }
                Err(error) => Some((Err(error), Cursor::Done)),
            }
        })
    })
    // `Unfold` panics if polled after it ended; fusing makes extra polls return `None`.
    .fuse()
}

/// Streams the items of a list, page after page, starting at page 1.
///
/// A flattened [`pages`]: the next page is requested only when every item of the previous one
/// has been taken. Same end conditions, same page-size rule, `Send` and `Unpin` in the same way.
///
/// ```
/// use futures::TryStreamExt;
/// # use st_core::paging::{Page, PagedRequest};
/// # #[derive(Clone)]
/// # struct ListJobs { page: i32 }
/// # impl PagedRequest for ListJobs {
/// #     type Item = i32;
/// #     fn with_page(mut self, page: i32) -> Self { self.page = page; self }
/// #     async fn fetch_page(self) -> Result<Page<i32>, st_core::Error> {
/// #         Ok(Page { page: self.page.into(), page_size: 2, has_more: self.page < 3,
/// #                   total_count: None, data: vec![self.page * 10, self.page * 10 + 1] })
/// #     }
/// # }
/// # futures::executor::block_on(async {
/// let request = ListJobs { page: 1 }; // e.g. `client.jobs_get_list().page_size(1000)`
///
/// let ids: Vec<i32> = st_core::paging::items(request).try_collect().await?;
/// assert_eq!(ids, [10, 11, 20, 21, 30, 31]);
/// # Ok::<(), st_core::Error>(())
/// # }).unwrap();
/// ```
pub fn items<R: PagedRequest>(
    request: R,
) -> impl Stream<Item = Result<R::Item, Error>> + Send + Unpin {
    items_from(request, 1)
}

/// Streams the items of a list, starting at page `first_page` (1-based; values below 1 mean 1).
///
/// Otherwise the same as [`items`].
pub fn items_from<R: PagedRequest>(
    request: R,
    first_page: i32,
) -> impl Stream<Item = Result<R::Item, Error>> + Send + Unpin {
    pages_from(request, first_page)
        .map_ok(|page| stream::iter(page.data.into_iter().map(Ok::<_, Error>)))
        .try_flatten()
}

/// What to do on the next poll.
enum Cursor<R> {
    At { request: R, page: i32 },
    Done,
}

fn next_cursor<R, T>(request: R, page: i32, fetched: &Page<T>) -> Cursor<R> {
    if !fetched.has_more {
        return Cursor::Done;
    }
    if fetched.data.is_empty() {
        // A server that says `hasMore: true` without data (a bug, or rows deleted under us) would
        // otherwise have us ask for ever higher page numbers, forever.
        tracing::warn!(
            page,
            "paged list returned an empty page with hasMore=true; stopping"
        );
        return Cursor::Done;
    }
    match page.checked_add(1) {
        Some(page) => Cursor::At { request, page },
        None => {
            tracing::warn!(page, "paged list reached the largest page number; stopping");
            Cursor::Done
        }
    }
}
