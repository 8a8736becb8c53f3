//! Paginators: lazy [`Stream`]s of pages and of items, and the traits generated listings and job reads implement.
//!
//! A generated listing implements [`Paginated`], so [`Client::pages`] and [`Client::items`] fetch one page at a
//! time, when the stream is polled (the blocking client gives iterators). For anything the model does not show,
//! [`paginate_by_token`], [`paginate_by_page_number`] and [`paginate`] take closures.

use std::future::Future;

use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt};

use crate::{Client, Error, Operation};

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

/// A listing operation whose model shows how to page it (a `NextToken`, or a page number such as `PageNumber` or
/// `CurrentPage` with a page size and a total, at the top of the answer or inside one object of it, and one
/// list of items): generated for such operations, so a caller writes `client.pages(request)` or
/// `client.items(request)`.
pub trait Paginated: Operation + Clone + Send + Sync + 'static
where
    Self::Response: Send,
{
    /// What the listing lists, e.g. `NatGateway`.
    type Item: Send + 'static;

    /// The request for the page after `response`, or `None` when `response` was the last page.
    fn next_page(&self, response: &Self::Response) -> Option<Self>;

    /// The items of one page.
    fn into_items(response: Self::Response) -> Vec<Self::Item>;
}

/// A paging parameter or answer field as generated code holds it: an integer, a number written as text
/// (`"2"`), or an `Option` of one. For generated [`Paginated::next_page`]s.
pub trait PageField: Sized {
    /// The number it holds; `None` when absent or not a number.
    fn number(&self) -> Option<i64>;
    /// The value that holds `n`; `None` when `n` does not fit.
    fn from_number(n: i64) -> Option<Self>;
}

impl PageField for i32 {
    fn number(&self) -> Option<i64> {
        Some(i64::from(*self))
    }
    fn from_number(n: i64) -> Option<Self> {
        n.try_into().ok()
    }
}

impl PageField for i64 {
    fn number(&self) -> Option<i64> {
        Some(*self)
    }
    fn from_number(n: i64) -> Option<Self> {
        Some(n)
    }
}

impl PageField for String {
    fn number(&self) -> Option<i64> {
        self.trim().parse().ok()
    }
    fn from_number(n: i64) -> Option<Self> {
        Some(n.to_string())
    }
}

impl<T: PageField> PageField for Option<T> {
    fn number(&self) -> Option<i64> {
        self.as_ref().and_then(T::number)
    }
    fn from_number(n: i64) -> Option<Self> {
        T::from_number(n).map(Some)
    }
}

/// The page number after `current` (1 when the request left it out), or `None` when this page was the last: it
/// was empty, shorter than the page size, or the pages so far hold `total` items. For generated
/// [`Paginated::next_page`]s.
pub fn next_page_number(
    current: Option<i64>,
    page_size: Option<i64>,
    items: usize,
    total: Option<i64>,
) -> Option<i64> {
    let current = current.unwrap_or(1).max(1);
    let items = i64::try_from(items).ok()?;
    if items == 0 || page_size.is_some_and(|size| items < size) {
        return None;
    }
    let size = page_size.unwrap_or(items);
    if total.is_some_and(|total| current.saturating_mul(size) >= total) {
        return None;
    }
    current.checked_add(1)
}

/// The token for the next page: the answer's `NextToken` when it is neither empty nor the one just sent (a
/// service that repeats it would otherwise be listed forever). For generated [`Paginated::next_page`]s.
pub fn next_token(sent: Option<&str>, received: Option<&str>) -> Option<String> {
    received
        .filter(|t| !t.is_empty() && Some(*t) != sent)
        .map(str::to_string)
}

/// The pages of a listing, one call each; ends after the last page or the first error.
///
/// `next().await` needs no `pin!` and no `StreamExt`; it is a [`Stream`] too.
pub struct Pages<T> {
    stream: BoxStream<'static, Result<T, Error>>,
}

impl<T> Pages<T> {
    /// The next page, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        self.stream.next().await
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<T, Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Pages<T> {
    /// The items of the pages, one at a time: a page is fetched when the items before it have been taken.
    pub fn items<I: Send + 'static>(self, into_items: fn(T) -> Vec<I>) -> Items<I> {
        let stream = self.stream.flat_map(move |page| {
            let items: Vec<Result<I, Error>> = match page {
                Ok(page) => into_items(page).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(items)
        });
        Items {
            stream: stream.boxed(),
        }
    }

    /// Every item of every page, in order; the first error ends it.
    pub async fn collect_all<I>(
        mut self,
        mut into_items: impl FnMut(T) -> Vec<I>,
    ) -> Result<Vec<I>, Error> {
        let mut all = Vec::new();
        while let Some(page) = self.next().await {
            all.extend(into_items(page?));
        }
        Ok(all)
    }
}

/// The items of a listing, page after page, fetched as they are taken; ends after the last item or the first
/// error (a page that failed is one `Err` item).
///
/// `next().await` needs no `pin!` and no `StreamExt`; it is a [`Stream`] too.
pub struct Items<T> {
    stream: BoxStream<'static, Result<T, Error>>,
}

impl<T> Items<T> {
    /// The next item, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        self.stream.next().await
    }

    /// Every remaining item, in order; the first error ends it.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.stream.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl Client {
    /// The pages of a listing: the first with `request` as it is, each next one with the request
    /// [`Paginated::next_page`] gives.
    ///
    /// ```no_run
    /// # async fn demo(client: aliyun_runtime::Client) -> Result<(), aliyun_runtime::Error> {
    /// use aliyun_vpc::DescribeNatGatewaysRequest;
    /// let mut pages = client.pages(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(50));
    /// while let Some(page) = pages.next().await {
    ///     println!("{:?} NAT gateways in all", page?.total_count);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages<O>(&self, request: O) -> Pages<O::Response>
    where
        O: Paginated,
        O::Response: Send,
    {
        let client = self.clone();
        let stream = paginate(
            request,
            move |request: O| {
                let client = client.clone();
                async move { client.call(request).await }
            },
            |page: &O::Response, request: &O| request.next_page(page),
        );
        Pages {
            stream: stream.boxed(),
        }
    }

    /// The items of a listing as a lazy stream: each page is fetched when the items before it have been taken
    /// (see [`pages`](Self::pages)).
    ///
    /// ```no_run
    /// # async fn demo(client: aliyun_runtime::Client) -> Result<(), aliyun_runtime::Error> {
    /// use aliyun_vpc::DescribeNatGatewaysRequest;
    /// let mut gateways = client.items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(50));
    /// while let Some(gateway) = gateways.next().await {
    ///     let gateway = gateway?;
    ///     if gateway.name.as_deref() == Some("prod") {
    ///         break; // no further page is fetched
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items<O>(&self, request: O) -> Items<O::Item>
    where
        O: Paginated,
        O::Response: Send,
    {
        self.pages(request).items(O::into_items)
    }

    /// Every item of a listing, page after page, collected (see [`items`](Self::items)).
    pub async fn all_items<O>(&self, request: O) -> Result<Vec<O::Item>, Error>
    where
        O: Paginated,
        O::Response: Send,
    {
        self.items(request).collect_all().await
    }

    /// Calls `request` every `interval` until the job it reports on has finished, for at most `timeout`: the
    /// answer once its status is one of [`JobStatus::DONE`], [`Error::JobFailed`] once it is one of
    /// [`JobStatus::FAILED`], [`Error::Timeout`] when neither came in time.
    ///
    /// ```no_run
    /// # async fn demo(client: aliyun_runtime::Client) -> Result<(), aliyun_runtime::Error> {
    /// use aliyun_config::{GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired};
    /// use std::time::Duration;
    /// let poll = GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
    ///     compliance_pack_id: "cp-…",
    ///     aggregator_id: "ca-…",
    /// });
    /// let done = client.wait_for(&poll, Duration::from_secs(300), Duration::from_secs(5)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for<O: JobStatus>(
        &self,
        request: &O,
        timeout: std::time::Duration,
        interval: std::time::Duration,
    ) -> Result<O::Response, Error> {
        let answer = crate::wait_until(
            || self.call(request),
            |r: &O::Response| {
                O::job_status(r).is_some_and(|s| O::DONE.contains(&s) || O::FAILED.contains(&s))
            },
            timeout,
            interval,
        )
        .await?;
        match O::job_status(&answer) {
            Some(s) if O::FAILED.contains(&s) => Err(Error::JobFailed {
                operation: O::ACTION,
                status: s.to_string(),
            }),
            _ => Ok(answer),
        }
    }
}

/// An operation that reports the status of an asynchronous job (its answer has a status enum with a value that
/// means done): generated for such operations, so that [`Client::wait_for`] polls it.
pub trait JobStatus: Operation {
    /// Status values (wire text) that mean the job finished successfully, e.g. `COMPLETE`.
    const DONE: &'static [&'static str];
    /// Status values that mean it finished without success, e.g. `FAILED`.
    const FAILED: &'static [&'static str];
    /// The status in an answer, as on the wire.
    fn job_status(response: &Self::Response) -> Option<&str>;
}

impl<T: JobStatus + ?Sized> JobStatus for &T {
    const DONE: &'static [&'static str] = T::DONE;
    const FAILED: &'static [&'static str] = T::FAILED;
    fn job_status(response: &Self::Response) -> Option<&str> {
        T::job_status(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert_eq!(next_page_number(None, Some(10), 10, Some(35)), Some(2));
        assert_eq!(next_page_number(Some(3), Some(10), 10, Some(35)), Some(4));
        assert_eq!(
            next_page_number(Some(4), Some(10), 5, Some(35)),
            None,
            "short page"
        );
        assert_eq!(
            next_page_number(Some(2), Some(10), 10, Some(20)),
            None,
            "total reached"
        );
        assert_eq!(
            next_page_number(Some(1), None, 10, Some(20)),
            Some(2),
            "size from the page"
        );
        assert_eq!(next_page_number(Some(1), None, 0, None), None, "empty page");
        assert_eq!(next_page_number(Some(i64::MAX), Some(1), 1, None), None);
    }

    #[test]
    fn page_fields_of_every_type() {
        assert_eq!(PageField::number(&Some(3_i32)), Some(3));
        assert_eq!(PageField::number(&None::<i64>), None);
        assert_eq!(PageField::number(&" 12".to_string()), Some(12));
        assert_eq!(PageField::number(&Some("x".to_string())), None);
        assert_eq!(<Option<String>>::from_number(2), Some(Some("2".into())));
        assert_eq!(<i32>::from_number(i64::MAX), None, "does not fit");
        assert_eq!(<Option<i64>>::from_number(7), Some(Some(7)));
    }

    #[test]
    fn tokens() {
        assert_eq!(next_token(None, Some("t1")).as_deref(), Some("t1"));
        assert_eq!(
            next_token(Some("t1"), Some("t1")),
            None,
            "a repeated token ends the listing"
        );
        assert_eq!(next_token(Some("t1"), Some("")), None);
        assert_eq!(next_token(Some("t1"), None), None);
    }
}
