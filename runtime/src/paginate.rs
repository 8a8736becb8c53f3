//! Paginators: a [`Stream`](futures_util::Stream) of pages, driven by closures.
//!
//! Generated code needs nothing special: the caller says how to fetch a page and how to find the next one.

use std::future::Future;

use futures_util::stream;
use futures_util::Stream;

use crate::Error;

/// Pages of a `NextToken` / `MaxResults` listing.
///
/// `fetch` gets `None` for the first page, then the token `next_token` found in the previous page; the stream
/// ends after a page without a token (`None` or empty), or after the first error.
///
/// ```no_run
/// # use futures_util::StreamExt;
/// # struct Page { next_token: Option<String>, items: Vec<String> }
/// # async fn list(token: Option<String>) -> Result<Page, aliyun_runtime::Error> { unimplemented!() }
/// # async fn demo() -> Result<(), aliyun_runtime::Error> {
/// let mut pages = std::pin::pin!(aliyun_runtime::paginate_by_token(list, |p: &Page| p.next_token.clone()));
/// while let Some(page) = pages.next().await {
///     for item in page?.items { println!("{item}"); }
/// }
/// # Ok(()) }
/// ```
pub fn paginate_by_token<T, F, Fut, N>(
    fetch: F,
    next_token: N,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    N: FnMut(&T) -> Option<String>,
{
    let mut next_token = next_token;
    paginate(None, fetch, move |page: &T, _: &Option<String>| {
        next_token(page).filter(|t| !t.is_empty()).map(Some)
    })
}

/// Pages of a `PageNumber` / `PageSize` listing.
///
/// `fetch` gets the page number, starting at `first_page` (usually 1); `item_count` tells how many items a page
/// holds and `total_count` the total the service reports (`None` if it does not). The stream ends after an
/// empty page, a page shorter than `page_size`, or once `page_number * page_size >= total`; or after the first
/// error.
pub fn paginate_by_page_number<T, F, Fut, C, Tot>(
    first_page: u32,
    page_size: u32,
    fetch: F,
    mut item_count: C,
    mut total_count: Tot,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: FnMut(&T) -> usize,
    Tot: FnMut(&T) -> Option<u64>,
{
    paginate(first_page, fetch, move |page: &T, &number: &u32| {
        let count = item_count(page);
        if count == 0 || count < page_size as usize {
            return None;
        }
        let seen = u64::from(number - first_page + 1) * u64::from(page_size);
        if total_count(page).is_some_and(|total| seen >= total) {
            return None;
        }
        number.checked_add(1)
    })
}

/// The general paginator: `fetch(state)` gives a page; `next(page, state)` gives the state for the next page, or
/// `None` when the page was the last. Ends after the first error.
pub fn paginate<S, T, F, Fut, N>(
    first: S,
    fetch: F,
    next: N,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    N: FnMut(&T, &S) -> Option<S>,
    S: Clone,
{
    stream::unfold(
        (Some(first), fetch, next),
        |(state, mut fetch, mut next)| async move {
            let s = state?;
            match fetch(s.clone()).await {
                Ok(page) => {
                    let following = next(&page, &s);
                    Some((Ok(page), (following, fetch, next)))
                }
                Err(e) => Some((Err(e), (None, fetch, next))),
            }
        },
    )
}
