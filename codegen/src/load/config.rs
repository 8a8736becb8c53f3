//! `service.yaml`: what a service folder says about itself (product, version, style, endpoint), checked with
//! the line of each problem.

use crate::diag::{Code, Diagnostic};
use crate::model::{ApiStyle, EndpointRule, Span};
use serde::Deserialize;
use std::path::Path;

/// `specs/<service>/service.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub product: String,
    pub version: String,
    pub style: ApiStyle,
    pub endpoint: String,
    /// `central` or `regional`; when absent, `regional` if `endpoint` has `{region}`, else `central`.
    #[serde(default)]
    pub endpoint_rule: Option<EndpointRule>,
    /// Region id → host, for the regions the official SDK's endpoint map names.
    #[serde(default)]
    pub regional_endpoints: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// The product's error codes, where the pages only link to the error centre (`code`, `status`,
    /// `message`, `description`).
    #[serde(default)]
    pub errors: Vec<super::error_centre::ConfigError>,
}

impl ServiceConfig {
    /// The endpoint rule, checked against the endpoint and the map: a region id or a host that could send
    /// signed requests somewhere unexpected is an error pointing at its line of `service.yaml`.
    pub fn endpoint_rule(&self, file: &str, text: &str) -> Result<EndpointRule, Vec<Diagnostic>> {
        let at = |needle: &str| {
            let line = text
                .lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i as u32 + 1);
            Span {
                file: file.to_string(),
                line,
                column: 1,
            }
        };
        let has_region = self.endpoint.contains("{region}");
        let rule = self.endpoint_rule.unwrap_or(if has_region {
            EndpointRule::Regional
        } else {
            EndpointRule::Central
        });
        let mut problems = Vec::new();
        match (rule, has_region) {
            (EndpointRule::Regional, false) => problems.push(
                Diagnostic::new(Code::RegionalWithoutRegion, at("endpoint:"), "the regional endpoint rule needs `{region}` in `endpoint`", "this endpoint")
                    .hint("write the pattern, e.g. `ecs.{region}.aliyuncs.com`, or use `endpoint_rule: central`"),
            ),
            (EndpointRule::Central, true) => problems.push(
                Diagnostic::new(Code::CentralWithRegion, at("endpoint:"), "the central endpoint rule takes one host, without `{region}`", "this endpoint")
                    .hint("write the central host, e.g. `config.aliyuncs.com`, or use `endpoint_rule: regional`"),
            ),
            _ => {}
        }
        if !is_host(&self.endpoint.replace("{region}", "cn-hangzhou")) {
            problems.push(
                Diagnostic::new(
                    Code::NotAHost,
                    at("endpoint:"),
                    format!("`{}` is not a host name", self.endpoint),
                    "this endpoint",
                )
                .hint("lowercase letters, digits, `-` and `.`, e.g. `config.aliyuncs.com`"),
            );
        }
        for (region, host) in &self.regional_endpoints {
            let region_ok = !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !region_ok {
                problems.push(
                    Diagnostic::new(
                        Code::NotARegion,
                        at(region),
                        format!("`{region}` is not a region id"),
                        "this region",
                    )
                    .hint("a region id is lowercase letters, digits and `-`, e.g. `cn-shanghai`"),
                );
            }
            if !is_host(host) {
                problems.push(
                    Diagnostic::new(Code::NotAHost, at(region), format!("`{host}` is not a host name"), "this host")
                        .hint("lowercase letters, digits, `-` and `.`, e.g. `config.cn-shanghai.aliyuncs.com`"),
                );
            }
        }
        if problems.is_empty() {
            Ok(rule)
        } else {
            Err(problems)
        }
    }
}

/// A DNS host name as endpoints are written: dot-separated labels of `a-z`, `0-9` and `-`.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// `service.yaml` as text: a symlink is refused, a UTF-8 byte order mark dropped.
pub(super) fn read_config(path: &Path) -> std::io::Result<String> {
    if path.symlink_metadata()?.file_type().is_symlink() {
        return Err(std::io::Error::other(
            "it is a symlink; regen reads only what is in the repository",
        ));
    }
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// What `serde` cannot say about `service.yaml`: empty values, and an endpoint that is not a host pattern.
pub(super) fn check_config(c: &ServiceConfig, text: &str, file: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at_key = |key: &str| Span {
        file: file.to_string(),
        line: text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or(1, |i| i as u32 + 1),
        column: 1,
    };
    for (key, value) in [
        ("product", &c.product),
        ("version", &c.version),
        ("endpoint", &c.endpoint),
    ] {
        if value.trim().is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptySetting,
                    at_key(key),
                    format!("`{key}` is empty"),
                    "this key",
                )
                .hint(config_hint(key)),
            );
        }
    }
    let endpoint = c.endpoint.trim();
    if !endpoint.is_empty() && !is_host_pattern(endpoint) {
        out.push(
            Diagnostic::new(
                Code::EndpointNotPattern,
                at_key("endpoint"),
                format!("`endpoint` is not a host pattern: `{endpoint}`"),
                "this key",
            )
            .hint(config_hint("endpoint")),
        );
    }
    out
}

fn config_hint(key: &str) -> &'static str {
    match key {
        "product" => "the product code of the OpenAPI Explorer link, e.g. `product: Config`",
        "version" => "the API version the pages document, e.g. `version: \"2020-09-07\"`",
        _ => "a host name with `{region}` where the region goes, no scheme and no path, e.g. `config.{region}.aliyuncs.com`",
    }
}

/// `config.{region}.aliyuncs.com`: labels of letters, digits and `-`, `{region}` allowed; no scheme, port or path.
fn is_host_pattern(endpoint: &str) -> bool {
    let host = endpoint.replace("{region}", "region");
    !host.starts_with('.')
        && !host.ends_with('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                && !label.starts_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> Result<EndpointRule, Vec<(u32, String)>> {
        let config: ServiceConfig = serde_yaml::from_str(yaml).unwrap();
        config
            .endpoint_rule("specs/x/service.yaml", yaml)
            .map_err(|d| d.into_iter().map(|d| (d.span.line, d.message)).collect())
    }

    const HEAD: &str = "product: X\nversion: \"1\"\nstyle: RPC\n";

    #[test]
    fn the_rule_follows_the_endpoint_unless_given() {
        assert_eq!(
            rule(&format!("{HEAD}endpoint: x.{{region}}.aliyuncs.com\n")),
            Ok(EndpointRule::Regional)
        );
        assert_eq!(
            rule(&format!("{HEAD}endpoint: x.aliyuncs.com\n")),
            Ok(EndpointRule::Central)
        );
        let yaml = format!(
            "{HEAD}endpoint: x.aliyuncs.com\nendpoint_rule: central\nregional_endpoints:\n  cn-shanghai: x.cn-shanghai.aliyuncs.com\n"
        );
        assert_eq!(rule(&yaml), Ok(EndpointRule::Central));
    }

    #[test]
    fn bad_endpoint_settings_point_at_their_line() {
        let e = rule(&format!(
            "{HEAD}endpoint: x.aliyuncs.com\nendpoint_rule: regional\n"
        ))
        .unwrap_err();
        assert_eq!(e[0].0, 4, "{e:?}");
        assert!(e[0].1.contains("needs `{region}`"), "{e:?}");
        let e = rule(&format!(
            "{HEAD}endpoint: x.{{region}}.aliyuncs.com\nendpoint_rule: central\n"
        ))
        .unwrap_err();
        assert!(e[0].1.contains("without `{region}`"), "{e:?}");
        let yaml = format!(
            "{HEAD}endpoint: x.aliyuncs.com\nregional_endpoints:\n  \"x@evil#\": x.aliyuncs.com\n  cn-shanghai: \"evil.example/x\"\n"
        );
        let e = rule(&yaml).unwrap_err();
        assert_eq!(
            e,
            vec![
                (7, "`evil.example/x` is not a host name".to_string()),
                (6, "`x@evil#` is not a region id".to_string()),
            ]
        );
        let e = rule(&format!("{HEAD}endpoint: \"evil.example:8443/x\"\n")).unwrap_err();
        assert!(e[0].1.contains("is not a host name"), "{e:?}");
    }
}
