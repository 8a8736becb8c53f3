//! Where a call goes: the endpoint override, else the service's endpoint map for the region.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::Url;

use crate::{Error, ServiceSpec};

/// Which network a client reaches services over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Network {
    /// The public endpoints (default).
    #[default]
    Public,
    /// The VPC endpoints, reachable from inside an Alibaba Cloud VPC only: the public host with `-vpc` after its
    /// first label (`ecs-vpc.cn-hangzhou.aliyuncs.com`), as the official SDKs' endpoint rule builds them for
    /// `network: vpc`. Only hosts under `aliyuncs.com` have one.
    Vpc,
}

/// The host of `host` on `network`.
fn on_network(host: String, network: Network, product: &str) -> Result<String, Error> {
    match network {
        Network::Public => Ok(host),
        Network::Vpc => match host.split_once('.') {
            Some((label, rest)) if rest.ends_with("aliyuncs.com") && !label.ends_with("-vpc") => {
                Ok(format!("{label}-vpc.{rest}"))
            }
            Some((label, _)) if label.ends_with("-vpc") => Ok(host),
            _ => Err(Error::Config(format!(
                "{product} has no VPC endpoint for its host {host} (set an endpoint instead)"
            ))),
        },
    }
}

/// A region id, or a configuration error naming it: the region goes into a host name, so `x@evil.example#`
/// would send signed requests elsewhere.
pub(crate) fn check_region(region: &str) -> Result<(), Error> {
    if crate::is_valid_region(region) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "invalid region {region:?}: a region id is lowercase letters, digits and `-`, e.g. cn-shanghai"
        )))
    }
}

/// The `host` header of a URL: the host, and the port when the URL names one.
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// An endpoint as the user writes it: a host (`https` is used) or an `http(s)` URL without path or query.
pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, Error> {
    let invalid = |why: &str| Error::Config(format!("invalid endpoint {endpoint:?}: {why}"));
    let text = if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        format!("https://{endpoint}")
    };
    let mut url = Url::parse(&text).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("expected a host or an http(s) URL"));
    }
    // reqwest would turn `user:pw@` into a Basic `Authorization` header next to the signature.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("an endpoint cannot carry a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() || !matches!(url.path(), "" | "/") {
        return Err(invalid(
            "an endpoint is a scheme, a host and a port, without path, query or fragment",
        ));
    }
    url.set_path("/");
    Ok(url)
}

/// The URL calls of `spec` go to, as the official SDKs resolve it: the endpoint override if any, else the
/// region's entry in the service's endpoint map, else its endpoint rule; always `https`.
pub(crate) fn resolve_endpoint(
    spec: &ServiceSpec,
    region: Option<&str>,
    endpoint: Option<&str>,
    network: Network,
) -> Result<Url, Error> {
    if let Some(e) = endpoint {
        return parse_endpoint(e);
    }
    let host = match region.filter(|r| !r.is_empty()) {
        Some(region) => {
            check_region(region)?;
            spec.host(region)
        }
        None if spec.needs_region() => {
            return Err(Error::Config(format!(
                "{} needs a region to find its endpoint",
                spec.product
            )))
        }
        None => spec.endpoint.to_string(),
    };
    parse_endpoint(&on_network(host, network, spec.product)?)
}

/// Which service a cached URL belongs to: `(product, version)`.
type ServiceKey = (&'static str, &'static str);

/// The endpoints of a client: its override parsed once, and the URLs of `((product, version), region)` pairs
/// already resolved, so calls do not parse a URL each time.
#[derive(Debug)]
pub(crate) struct Endpoints {
    /// The client's endpoint override, parsed.
    fixed: Option<Url>,
    network: Network,
    resolved: Mutex<HashMap<ServiceKey, HashMap<String, Url>>>,
}

impl Endpoints {
    pub(crate) fn new(fixed: Option<Url>, network: Network) -> Self {
        Endpoints {
            fixed,
            network,
            resolved: Mutex::new(HashMap::new()),
        }
    }

    /// The endpoint URL of a call: the call's override, the client's, else the region's (cached).
    pub(crate) fn url_for(
        &self,
        spec: &'static ServiceSpec,
        region: &str,
        call_endpoint: Option<&str>,
    ) -> Result<Cow<'_, Url>, Error> {
        const MAX_CACHED: usize = 256;
        if let Some(e) = call_endpoint {
            return parse_endpoint(e).map(Cow::Owned);
        }
        if let Some(url) = &self.fixed {
            return Ok(Cow::Borrowed(url));
        }
        let key: ServiceKey = (spec.product, spec.version);
        let cached = |urls: &HashMap<ServiceKey, HashMap<String, Url>>| {
            urls.get(&key).and_then(|m| m.get(region)).cloned()
        };
        if let Some(url) = cached(&self.resolved.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(Cow::Owned(url));
        }
        let url = resolve_endpoint(spec, Some(region), None, self.network)?;
        let mut urls = self.resolved.lock().unwrap_or_else(|p| p.into_inner());
        if urls.values().map(HashMap::len).sum::<usize>() < MAX_CACHED {
            urls.entry(key)
                .or_default()
                .insert(region.to_string(), url.clone());
        }
        Ok(Cow::Owned(url))
    }

    /// The URL of a product known only by its code (a call by name): the client's endpoint, else
    /// `<product>.<region>.aliyuncs.com` in lower case, the official SDKs' regional rule, on the client's network.
    pub(crate) fn url_for_product(&self, product: &str, region: &str) -> Result<Url, Error> {
        if let Some(url) = &self.fixed {
            return Ok(url.clone());
        }
        let label = product.to_ascii_lowercase();
        if label.is_empty() || !crate::is_valid_region(&label) {
            return Err(Error::Config(format!(
                "cannot make a host of the product code {product:?}: give the request a host"
            )));
        }
        if region.is_empty() {
            return Err(Error::Config(format!(
                "{product} needs a region to find its endpoint"
            )));
        }
        check_region(region)?;
        let host = on_network(
            format!("{label}.{region}.aliyuncs.com"),
            self.network,
            product,
        )?;
        parse_endpoint(&host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiStyle;

    static SPEC: ServiceSpec = ServiceSpec {
        product: "Config",
        version: "2020-09-07",
        style: ApiStyle::Rpc,
        endpoint: "config.{region}.aliyuncs.com",
        endpoint_rule: crate::EndpointRule::Regional,
        regional_endpoints: &[],
    };

    #[test]
    fn endpoints() {
        let u = resolve_endpoint(&SPEC, Some("cn-shanghai"), None, Network::Public).unwrap();
        assert_eq!(u.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        let u = resolve_endpoint(
            &SPEC,
            Some("cn-shanghai"),
            Some("http://127.0.0.1:8080"),
            Network::Public,
        )
        .unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(host_header(&u), "127.0.0.1:8080");
        let u = resolve_endpoint(&SPEC, None, Some("config.example.com"), Network::Public).unwrap();
        assert_eq!(u.as_str(), "https://config.example.com/");
        assert_eq!(host_header(&u), "config.example.com");
        assert!(matches!(
            resolve_endpoint(&SPEC, None, None, Network::Public),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            resolve_endpoint(&SPEC, None, Some("ftp://x"), Network::Public),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            resolve_endpoint(&SPEC, None, Some("http://"), Network::Public),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn vpc_endpoints_follow_the_official_rule_and_the_map() {
        static MAPPED: ServiceSpec = ServiceSpec {
            product: "Config",
            version: "2020-09-07",
            style: ApiStyle::Rpc,
            endpoint: "config.aliyuncs.com",
            endpoint_rule: crate::EndpointRule::Central,
            regional_endpoints: &[("cn-shanghai", "config.cn-shanghai.aliyuncs.com")],
        };
        let vpc = |spec, region| {
            resolve_endpoint(spec, region, None, Network::Vpc).map(|u| u.to_string())
        };
        assert_eq!(
            vpc(&SPEC, Some("cn-beijing")).unwrap(),
            "https://config-vpc.cn-beijing.aliyuncs.com/"
        );
        assert_eq!(
            vpc(&MAPPED, Some("cn-shanghai")).unwrap(),
            "https://config-vpc.cn-shanghai.aliyuncs.com/"
        );
        assert_eq!(
            vpc(&MAPPED, Some("eu-central-1")).unwrap(),
            "https://config-vpc.aliyuncs.com/"
        );
        let e = Endpoints::new(None, Network::Vpc);
        assert_eq!(
            e.url_for(&SPEC, "cn-hangzhou", None).unwrap().as_str(),
            "https://config-vpc.cn-hangzhou.aliyuncs.com/"
        );
        // An endpoint set by the user is used as it is.
        assert_eq!(
            e.url_for(&SPEC, "cn-hangzhou", Some("http://127.0.0.1:9"))
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/"
        );
        static ELSEWHERE: ServiceSpec = ServiceSpec {
            endpoint: "config.example.com",
            ..MAPPED
        };
        assert!(matches!(vpc(&ELSEWHERE, None), Err(Error::Config(_))));
    }

    #[test]
    fn endpoint_urls_are_parsed_once_and_overridden_per_call() {
        let e = Endpoints::new(None, Network::Public);
        for _ in 0..2 {
            let u = e.url_for(&SPEC, "cn-shanghai", None).unwrap();
            assert_eq!(u.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        }
        let u = e.url_for(&SPEC, "cn-beijing", None).unwrap();
        assert_eq!(u.as_str(), "https://config.cn-beijing.aliyuncs.com/");
        let u = e
            .url_for(&SPEC, "cn-shanghai", Some("http://127.0.0.1:9"))
            .unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9/");
        assert!(e.url_for(&SPEC, "", None).is_err());
        let e = Endpoints::new(
            Some(parse_endpoint("http://127.0.0.1:8080").unwrap()),
            Network::Public,
        );
        let u = e.url_for(&SPEC, "cn-shanghai", None).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/");
    }
}
