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
        let elapsed = start.elapsed();
        if elapsed >= timeout || timeout - elapsed < interval {
            return Err(Error::Timeout {
                message: format!("still not done after {polls} polls (limit {timeout:?})"),
                request_sent: true,
            });
        }
        tokio::time::sleep(interval).await;
    }
}
