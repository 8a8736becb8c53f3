//! A blocking client for command-line tools and scripts (cargo feature `blocking`): the same calls, settings,
//! retries and errors as [`crate::Client`], without async.
//!
//! ```no_run
//! # fn demo<Req: aliyun_runtime::Operation>(request: Req) -> Result<(), aliyun_runtime::Error> {
//! let client = aliyun_runtime::Client::builder().region("cn-shanghai").build_blocking()?;
//! let response = client.call(request)?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::{CallOptions, Error, Operation};

/// A [`crate::Client`] that blocks the calling thread; build it with
/// [`ClientBuilder::build_blocking`](crate::ClientBuilder::build_blocking). Cheap to clone; clones share one
/// connection pool and one single-threaded runtime, which runs only while a call is in progress.
///
/// Calling it from inside an async runtime would block that runtime's thread: it fails with
/// [`Error::Config`] instead (use the async client there).
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    pub(crate) fn new(inner: crate::Client) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::Config(format!("cannot start the blocking client's runtime: {e}"))
            })?;
        Ok(Client {
            inner,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client behind this one.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// Calls an operation with the client's settings; see [`crate::Client::call`].
    pub fn call<O: Operation>(&self, request: O) -> Result<O::Response, Error> {
        self.block_on(self.inner.call(request))
    }

    /// Calls an operation with per-call settings; see [`crate::Client::call_with`].
    pub fn call_with<O: Operation>(
        &self,
        request: O,
        options: CallOptions,
    ) -> Result<O::Response, Error> {
        self.block_on(self.inner.call_with(request, options))
    }

    /// Calls an operation by name; see [`crate::Client::call_generic`].
    pub fn call_generic<T: crate::de::Decode>(
        &self,
        request: &crate::GenericRequest,
    ) -> Result<T, Error> {
        self.block_on(self.inner.call_generic(request))
    }

    /// Calls `poll` every `interval` until `is_done` accepts its answer, for at most `timeout`; see
    /// [`crate::wait_until`].
    pub fn wait_until<T>(
        &self,
        mut poll: impl FnMut() -> Result<T, Error>,
        is_done: impl FnMut(&T) -> bool,
        timeout: Duration,
        interval: Duration,
    ) -> Result<T, Error> {
        // `poll` blocks itself: it runs on this thread, between the waits.
        crate::wait::wait_until_blocking(&mut poll, is_done, timeout, interval)
    }

    /// The pages of a listing, one blocking call each; see [`crate::Client::pages`].
    pub fn pages<O>(&self, request: O) -> impl Iterator<Item = Result<O::Response, Error>> + '_
    where
        O: crate::Paginated,
        O::Response: Send,
    {
        let mut next = Some(request);
        std::iter::from_fn(move || {
            let request = next.take()?;
            let page = self.call(request.clone());
            if let Ok(p) = &page {
                next = request.next_page(p);
            }
            Some(page)
        })
    }

    /// The items of a listing, one blocking call per page, each page fetched when the items before it have
    /// been taken; a page that failed is one `Err` item, the last. See [`crate::Client::items`].
    pub fn items<O>(&self, request: O) -> impl Iterator<Item = Result<O::Item, Error>> + '_
    where
        O: crate::Paginated,
        O::Response: Send,
    {
        self.pages(request).flat_map(|page| {
            let items: Vec<Result<O::Item, Error>> = match page {
                Ok(page) => O::into_items(page).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            items
        })
    }

    /// Every item of a listing, page after page, collected; see [`crate::Client::all_items`].
    pub fn all_items<O>(&self, request: O) -> Result<Vec<O::Item>, Error>
    where
        O: crate::Paginated,
        O::Response: Send,
    {
        self.items(request).collect()
    }

    /// Polls `request` until its job has finished; see [`crate::Client::wait_for`].
    pub fn wait_for<O: crate::JobStatus>(
        &self,
        request: &O,
        timeout: Duration,
        interval: Duration,
    ) -> Result<O::Response, Error> {
        self.block_on(self.inner.wait_for(request, timeout, interval))
    }

    fn block_on<T>(&self, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called from inside an async runtime; use aliyun_runtime::Client there"
                    .into(),
            ));
        }
        self.runtime.block_on(call)
    }
}
