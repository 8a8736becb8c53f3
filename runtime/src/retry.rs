//! When and how long to wait before trying a call again.

use std::time::Duration;

/// Retry policy of a client (or of one call, through [`CallOptions`](crate::CallOptions)).
///
/// Retried: throttling (codes starting with `Throttling`, HTTP 429), HTTP 5xx, connection errors and timeouts
/// (see [`Error::is_retryable`](crate::Error::is_retryable)). Never retried: other 4xx answers.
///
/// The wait before retry `n` (1-based) is exponential with jitter: with `cap = min(max_backoff,
/// initial_backoff * 2^(n-1))`, it is drawn uniformly from `[cap / 2, cap]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, the first one included: `1` turns retries off.
    pub max_attempts: u32,
    /// Backoff cap before the first retry.
    pub initial_backoff: Duration,
    /// Largest backoff cap.
    pub max_backoff: Duration,
}

impl RetryConfig {
    /// Retries on: 3 attempts, backoff from 200 ms up to 10 s. Also what `Default` gives.
    pub const STANDARD: RetryConfig = RetryConfig {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(10),
    };

    /// Retries off: one attempt.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::STANDARD
        }
    }

    /// Whether more than one attempt is allowed.
    pub fn enabled(&self) -> bool {
        self.max_attempts > 1
    }

    /// The upper bound of the wait before retry `retry` (1 for the first retry).
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The wait before retry `retry` (1 for the first retry) for a jitter draw `jitter` in `[0, 1]` (clamped):
    /// `cap / 2 + cap / 2 * jitter`. Deterministic; the client draws `jitter` at random.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let cap = self.backoff_cap(retry);
        let half = cap / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// What the retry decision needs to know of a failed attempt and of the call so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Failure {
    /// The attempt that failed, 1 for the first.
    pub attempt: u32,
    /// The request certainly was not executed ([`Error::certainly_not_executed`](crate::Error::certainly_not_executed)).
    pub not_executed: bool,
    /// Trying again may succeed ([`Error::is_retryable`](crate::Error::is_retryable)).
    pub retryable: bool,
    /// The attempt ran out of time after the request went out (read timeout, attempt timeout).
    pub timed_out: bool,
    /// The wait the service asked for.
    pub retry_after: Option<Duration>,
    /// The operation is safe to repeat (a `ClientToken`, or it only reads).
    pub repeatable: bool,
    /// Time since the call started.
    pub elapsed: Duration,
}

/// The time a call may take: the whole of it, and what attempts that run out of time may use up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// The call's deadline, when it has one.
    pub deadline: Option<Duration>,
    /// A timed-out attempt is retried only when another attempt of `attempt_time` fits, after the backoff,
    /// within this time from the start of the call.
    pub timeouts: Duration,
    /// What one attempt may take without an answer (the read timeout).
    pub attempt_time: Duration,
}

/// Whether to try again, and after which wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Give up, for this reason.
    Stop(&'static str),
}

/// The retry decision, a pure function of the policy, the failure, the time budget and a jitter draw in
/// `[0, 1]`:
///
/// 1. no attempts left: stop;
/// 2. retry what certainly was not executed, and what may have been only when the operation is repeatable and
///    the error retryable (protocol errors such as a redirect never are);
/// 3. the wait is the backoff, or the wait the service asked for when longer (a `retry-after` of 0 still backs
///    off); a wait longer than `max_backoff` is not waited for;
/// 4. no retry that starts after the deadline;
/// 5. after a timeout, a retry only when a whole attempt still fits in the budget for timeouts.
pub(crate) fn decide(policy: &RetryConfig, f: &Failure, budget: &Budget, jitter: f64) -> Decision {
    if f.attempt >= policy.max_attempts.max(1) {
        return Decision::Stop("no attempts left");
    }
    if !(f.not_executed || (f.repeatable && f.retryable)) {
        return Decision::Stop("not retryable");
    }
    let backoff = policy.backoff(f.attempt, jitter);
    let delay = match f.retry_after {
        Some(asked) if asked > policy.max_backoff => {
            return Decision::Stop("the service asks for a longer wait than max_backoff")
        }
        Some(asked) => asked.max(backoff),
        None => backoff,
    };
    let start = f.elapsed.saturating_add(delay);
    if budget.deadline.is_some_and(|d| start >= d) {
        return Decision::Stop("no time left before the deadline");
    }
    if f.timed_out && start.saturating_add(budget.attempt_time) > budget.timeouts {
        return Decision::Stop("a timed-out attempt and no time left in the budget for another");
    }
    Decision::Retry(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(attempt: u32) -> Failure {
        Failure {
            attempt,
            not_executed: false,
            retryable: true,
            timed_out: false,
            retry_after: None,
            repeatable: true,
            elapsed: Duration::ZERO,
        }
    }

    const NO_LIMIT: Budget = Budget {
        deadline: None,
        timeouts: Duration::from_secs(3600),
        attempt_time: Duration::from_secs(10),
    };

    #[test]
    fn attempts_and_classes() {
        let p = RetryConfig::STANDARD;
        assert!(matches!(
            decide(&p, &failure(1), &NO_LIMIT, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(
            decide(&p, &failure(3), &NO_LIMIT, 0.0),
            Decision::Stop("no attempts left")
        );
        let write = Failure {
            repeatable: false,
            ..failure(1)
        };
        assert_eq!(
            decide(&p, &write, &NO_LIMIT, 0.0),
            Decision::Stop("not retryable")
        );
        let refused = Failure {
            not_executed: true,
            ..write
        };
        assert!(matches!(
            decide(&p, &refused, &NO_LIMIT, 0.0),
            Decision::Retry(_)
        ));
        let protocol = Failure {
            retryable: false,
            ..failure(1)
        };
        assert_eq!(
            decide(&p, &protocol, &NO_LIMIT, 0.0),
            Decision::Stop("not retryable")
        );
    }

    #[test]
    fn a_zero_retry_after_still_backs_off_and_a_longer_one_wins() {
        let p = RetryConfig::STANDARD;
        let zero = Failure {
            retry_after: Some(Duration::ZERO),
            ..failure(1)
        };
        assert_eq!(
            decide(&p, &zero, &NO_LIMIT, 0.0),
            Decision::Retry(Duration::from_millis(100))
        );
        let asked = Failure {
            retry_after: Some(Duration::from_secs(2)),
            ..failure(1)
        };
        assert_eq!(
            decide(&p, &asked, &NO_LIMIT, 0.0),
            Decision::Retry(Duration::from_secs(2))
        );
        let long = Failure {
            retry_after: Some(Duration::from_secs(11)),
            ..failure(1)
        };
        assert!(matches!(
            decide(&p, &long, &NO_LIMIT, 0.0),
            Decision::Stop(_)
        ));
    }

    #[test]
    fn a_timeout_is_retried_only_when_another_attempt_fits_the_budget() {
        let p = RetryConfig::STANDARD;
        let budget = Budget {
            deadline: None,
            timeouts: Duration::from_secs(20),
            attempt_time: Duration::from_secs(10),
        };
        let stalled = Failure {
            timed_out: true,
            elapsed: Duration::from_secs(10),
            ..failure(1)
        };
        assert!(matches!(
            decide(&p, &stalled, &budget, 0.0),
            Decision::Stop(_)
        ));
        let quick = Failure {
            elapsed: Duration::from_secs(1),
            ..stalled
        };
        assert!(matches!(
            decide(&p, &quick, &budget, 0.0),
            Decision::Retry(_)
        ));
        // Other errors are not held to the budget for timeouts.
        let broken = Failure {
            timed_out: false,
            ..stalled
        };
        assert!(matches!(
            decide(&p, &broken, &budget, 0.0),
            Decision::Retry(_)
        ));
        let late = Budget {
            deadline: Some(Duration::from_secs(10)),
            ..budget
        };
        assert!(matches!(decide(&p, &broken, &late, 0.0), Decision::Stop(_)));
    }

    #[test]
    fn exponential_and_capped() {
        let r = RetryConfig {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        assert_eq!(r.backoff_cap(1), Duration::from_millis(100));
        assert_eq!(r.backoff_cap(2), Duration::from_millis(200));
        assert_eq!(r.backoff_cap(4), Duration::from_millis(800));
        assert_eq!(r.backoff_cap(5), Duration::from_secs(1));
        assert_eq!(r.backoff_cap(1000), Duration::from_secs(1));
        assert_eq!(r.backoff_cap(0), Duration::from_millis(100));
    }

    #[test]
    fn jitter_bounds() {
        let r = RetryConfig::STANDARD;
        for retry in 1..40 {
            let cap = r.backoff_cap(retry);
            assert_eq!(r.backoff(retry, 0.0), cap / 2);
            assert_eq!(r.backoff(retry, 1.0), cap / 2 + cap / 2);
            assert_eq!(r.backoff(retry, -5.0), cap / 2);
            assert_eq!(r.backoff(retry, 7.0), r.backoff(retry, 1.0));
            let mut rng = fastrand::Rng::with_seed(retry as u64);
            for _ in 0..100 {
                let d = r.backoff(retry, rng.f64());
                assert!(
                    d >= cap / 2 && d <= cap,
                    "{d:?} outside [{:?}, {cap:?}]",
                    cap / 2
                );
            }
        }
    }

    #[test]
    fn disabled_means_one_attempt() {
        assert_eq!(RetryConfig::disabled().max_attempts, 1);
        assert!(!RetryConfig::disabled().enabled());
        assert!(RetryConfig::default().enabled());
    }
}
