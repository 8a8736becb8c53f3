//! Polling until a job is done, e.g. "generate a report, then poll until `ReportStatus` is `COMPLETE`".

use std::future::Future;
use std::time::{Duration, Instant};

use crate::Error;

/// Calls `poll` until `is_done` accepts its answer, sleeping `interval` between calls.
///
/// Returns the accepted answer; the first error of `poll` as is (the client has already retried what it
/// retries); or [`Error::Timeout`] once `timeout` has passed without an accepted answer. `poll` runs at least
/// once, even with a zero timeout.
///
/// ```no_run
/// # use std::time::Duration;
/// # async fn demo() -> Result<(), aliyun_runtime::Error> {
/// # async fn get_status() -> Result<String, aliyun_runtime::Error> { Ok("COMPLETE".into()) }
/// let done = aliyun_runtime::wait_until(
///     || get_status(),
///     |status| status == "COMPLETE",
///     Duration::from_secs(300),
///     Duration::from_secs(5),
/// )
/// .await?;
/// # Ok(()) }
/// ```
pub async fn wait_until<T, F, Fut, D>(
    mut poll: F,
    mut is_done: D,
    timeout: Duration,
    interval: Duration,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    D: FnMut(&T) -> bool,
{
    let start = Instant::now();
    let mut polls = 0u32;
    loop {
        let answer = poll().await?;
        polls += 1;
        if is_done(&answer) {
            return Ok(answer);
        }
        if let Some(e) = gave_up(start, polls, timeout, interval) {
            return Err(e);
        }
        tokio::time::sleep(interval).await;
    }
}

/// [`wait_until`] for a `poll` that blocks (the blocking client's): sleeps the thread between polls.
#[cfg(feature = "blocking")]
pub(crate) fn wait_until_blocking<T>(
    poll: &mut dyn FnMut() -> Result<T, Error>,
    mut is_done: impl FnMut(&T) -> bool,
    timeout: Duration,
    interval: Duration,
) -> Result<T, Error> {
    let start = Instant::now();
    let mut polls = 0u32;
    loop {
        let answer = poll()?;
        polls += 1;
        if is_done(&answer) {
            return Ok(answer);
        }
        if let Some(e) = gave_up(start, polls, timeout, interval) {
            return Err(e);
        }
        std::thread::sleep(interval);
    }
}

/// The timeout error once another poll could not start before `timeout`.
fn gave_up(start: Instant, polls: u32, timeout: Duration, interval: Duration) -> Option<Error> {
    let elapsed = start.elapsed();
    (elapsed >= timeout || timeout - elapsed < interval).then(|| Error::Timeout {
        message: format!("still not done after {polls} polls (limit {timeout:?})"),
        request_sent: true,
    })
}
