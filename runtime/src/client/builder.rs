//! [`ClientBuilder`]: the client's settings, checked once by [`build`](ClientBuilder::build).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::call::{user_agent, Engine};
use crate::credentials::{
    home_dir, process_env, region_from_env, DefaultCredentialsChain, EnvLookup, ProvideCredentials,
};
use crate::endpoint::{check_region, parse_endpoint, Endpoints, Network};
use crate::interceptor::Interceptor;
use crate::transport::{
    HttpTransport, Transport, Wire, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_READ_TIMEOUT,
};
use crate::{Error, RetryConfig, SigningAlgorithm};

use super::{Client, Inner};

/// Per-call settings; every `None` falls back to the client's setting.
///
/// ```
/// # use std::time::Duration;
/// let options = aliyun_runtime::CallOptions { read_timeout: Some(Duration::from_secs(60)), ..Default::default() };
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Time allowed to open a connection.
    pub connect_timeout: Option<Duration>,
    /// Time allowed between reads of the answer (waiting for its head included).
    pub read_timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryConfig>,
    /// Region for this call.
    pub region: Option<String>,
    /// Endpoint for this call (host name, or URL such as `http://127.0.0.1:8080`).
    pub endpoint: Option<String>,
    /// Time allowed for the whole call, every attempt and every wait between them included.
    pub deadline: Option<Duration>,
}

/// Builds a [`Client`]; start with [`Client::builder`].
pub struct ClientBuilder {
    pub(super) region: Option<String>,
    pub(super) endpoint: Option<String>,
    pub(super) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(super) retry: RetryConfig,
    pub(super) connect_timeout: Duration,
    pub(super) read_timeout: Duration,
    pub(super) attempt_timeout: Option<Duration>,
    pub(super) signing: SigningAlgorithm,
    pub(super) user_agent: Option<String>,
    pub(super) jitter_seed: Option<u64>,
    pub(super) no_proxy: bool,
    pub(super) deadline: Option<Duration>,
    pub(super) max_body_bytes: u64,
    pub(super) transport: Option<Arc<dyn Transport>>,
    pub(super) interceptors: Vec<Arc<dyn Interceptor>>,
    pub(super) network: Network,
    /// Where the region and the default credentials come from; `None`: the process's environment and home.
    pub(super) environment: Option<(EnvLookup, Option<PathBuf>)>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            region: None,
            endpoint: None,
            credentials: None,
            retry: RetryConfig::STANDARD,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            attempt_timeout: None,
            signing: SigningAlgorithm::default(),
            user_agent: None,
            jitter_seed: None,
            no_proxy: false,
            deadline: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            transport: None,
            interceptors: Vec::new(),
            network: Network::Public,
            environment: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("deadline", &self.deadline)
            .field("signing", &self.signing)
            .field("transport", &self.transport)
            .field("interceptors", &self.interceptors)
            .field("network", &self.network)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Region id, e.g. `cn-shanghai`: picks the endpoint `ServiceSpec::host(region)`. Only `a-z`, `0-9` and
    /// `-` are accepted ([`is_valid_region`](crate::is_valid_region)); anything else fails [`build`](Self::build).
    ///
    /// Without it, the region is the environment's, as the aliyun CLI reads it: `ALIBABA_CLOUD_REGION_ID`,
    /// else the `region_id` of the CLI profile (`ALIBABA_CLOUD_PROFILE`, else the current one, in
    /// `~/.aliyun/config.json`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every call to this endpoint instead of the region's: a host name (`https` is used) or a URL such as
    /// `http://127.0.0.1:8080`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Where credentials come from: a [`Credentials`](crate::Credentials) pair, a provider such as
    /// [`DefaultCredentialsChain`] (the default), or your own [`ProvideCredentials`].
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Retry policy (default [`RetryConfig::STANDARD`]; [`RetryConfig::disabled`] turns retries off).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed between reads of an answer, waiting for its head included (default 10 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the last byte of the answer (default: three times the read
    /// timeout, 30 s): an answer that keeps coming too slowly to stall the read timeout still ends the attempt,
    /// with [`Error::Timeout`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call, all attempts and the waits between them included (default: none). When
    /// it passes, the call ends with [`Error::Timeout`]; no retry starts that could not finish in time.
    ///
    /// It is also the budget of attempts that time out: without a deadline, an attempt that timed out is
    /// retried only while another whole attempt (one read timeout) fits within one read timeout plus
    /// `max_backoff` from the start of the call, so a stalled service costs about one read timeout, not three.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Largest answer accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`], 64 MiB). A larger answer is not read
    /// further and the call fails with [`Error::TooLarge`].
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Signing algorithm (default [`SigningAlgorithm::Acs3HmacSha256`]).
    pub fn signing(mut self, algorithm: SigningAlgorithm) -> Self {
        self.signing = algorithm;
        self
    }

    /// Appended to the `user-agent` header.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// Seeds the random draw of retry jitter, for reproducible backoff.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// Ignores proxy settings from the environment (`HTTPS_PROXY`, …), which are honoured by default.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Sends requests through `transport` instead of the network ([`HttpTransport`]): a test double, a
    /// record/replay transport, or your own HTTP stack. Signing, interceptors, retries, bounds and decoding stay
    /// the runtime's.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Adds an interceptor, called around every attempt after those added before it.
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Which network to reach services over (default [`Network::Public`]); [`Network::Vpc`] picks each service's
    /// VPC endpoint. An [`endpoint`](Self::endpoint) set here or per call is used as it is.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Reads the region and the default credentials chain's variables through `lookup`, and profile files under
    /// `home`, instead of the process's environment and home directory (for tests, or settings of your own).
    pub fn environment(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
    ) -> Self {
        self.environment = Some((Arc::new(lookup), home));
        self
    }

    /// Builds a [`blocking::Client`](crate::blocking::Client) with these settings (cargo feature `blocking`).
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        crate::blocking::Client::new(self.build()?)
    }

    /// Builds the client. Fails with [`Error::Config`] when neither a region nor an endpoint is set, when the
    /// region is not a region id, or when the endpoint is not a valid host or URL.
    pub fn build(self) -> Result<Client, Error> {
        let (env, home) = match self.environment.clone() {
            Some(e) => e,
            None => {
                let env = process_env();
                let home = home_dir(&*env);
                (env, home)
            }
        };
        let region = match self.region.clone() {
            Some(region) => {
                check_region(&region)?;
                Some(region)
            }
            None => match region_from_env(&env, home.as_deref()) {
                Some((region, from)) => {
                    check_region(&region)
                        .map_err(|e| Error::Config(format!("{e} (from {from})")))?;
                    Some(region)
                }
                None => None,
            },
        };
        if region.is_none() && self.endpoint.is_none() {
            return Err(Error::Config(
                "set a region (or an endpoint) on the client builder, or ALIBABA_CLOUD_REGION_ID"
                    .into(),
            ));
        }
        let endpoint_url = self.endpoint.as_deref().map(parse_endpoint).transpose()?;
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "RetryConfig::max_attempts must be at least 1".into(),
            ));
        }
        let transport = self.transport_or_network()?;
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::from_env(env, home)));
        Ok(Client {
            inner: Arc::new(Inner {
                region,
                endpoint: self.endpoint,
                endpoints: Endpoints::new(endpoint_url, self.network),
                retry: self.retry,
                connect_timeout: self.connect_timeout,
                read_timeout: self.read_timeout,
                attempt_timeout: self.attempt_timeout,
                deadline: self.deadline,
                max_body_bytes: self.max_body_bytes,
                engine: Engine {
                    transport,
                    credentials: Some(credentials),
                    interceptors: self.interceptors,
                    signing: self.signing,
                    user_agent: user_agent(self.user_agent.as_deref()),
                    rng: Mutex::new(match self.jitter_seed {
                        Some(seed) => fastrand::Rng::with_seed(seed),
                        None => fastrand::Rng::new(),
                    }),
                },
            }),
        })
    }

    /// The transport set, else the network ([`HttpTransport`]), its pool for the client's timeouts set up now
    /// so that a bad TLS setup fails here.
    fn transport_or_network(&self) -> Result<Wire, Error> {
        if let Some(t) = &self.transport {
            return Ok(Wire::Custom(t.clone()));
        }
        let t = if self.no_proxy {
            HttpTransport::new().no_proxy()
        } else {
            HttpTransport::new()
        };
        t.pool(self.connect_timeout, self.read_timeout)?;
        Ok(Wire::Http(t))
    }
}
