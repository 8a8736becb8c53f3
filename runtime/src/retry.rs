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

#[cfg(test)]
mod tests {
    use super::*;

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
