//! A product's endpoints, as its documentation lists them (服务接入点 / 请求结构 / Endpoints: a table of region →
//! host), and the endpoint rule they and the sample requests give.
//!
//! A table lists endpoints when at least three of its rows hold a host `<label>.<region>.aliyuncs.com` of the
//! same label; each such row gives that label's host for the region (from the host, else from a cell that is
//! a region id). Hosts of another label in the same row (`kms-vpc.…`, the VPC endpoint) belong to another
//! label, so a product's public endpoints never mix with its VPC ones, nor with another product's.

use crate::pages::Page;
use std::collections::BTreeMap;

/// The endpoints of one host label (`kms`, `metrics`) found on the pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    /// Region id → host.
    pub regions: BTreeMap<String, String>,
    /// The page they were read from (the first, in path order).
    pub page: String,
}

/// Every endpoint table of the page, by host label: region id → host.
pub fn tables(page: &Page) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for table in &page.tables {
        let mut found: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for row in &table.rows {
            let region_cell = row
                .cells
                .iter()
                .map(|c| clean(&c.raw))
                .find(|c| is_region(c));
            for cell in &row.cells {
                for host in hosts(&cell.raw) {
                    let labels: Vec<&str> = host.split('.').collect();
                    let region = labels
                        .get(1)
                        .filter(|l| is_region(l) && labels.len() == 4)
                        .map(|l| l.to_string())
                        .or_else(|| (labels.len() == 3).then(|| region_cell.clone()).flatten());
                    if let Some(region) = region {
                        found
                            .entry(labels[0].to_string())
                            .or_default()
                            .entry(region)
                            .or_insert(host.clone());
                    }
                }
            }
        }
        for (label, regions) in found {
            if regions.len() >= 3 {
                let into = out.entry(label).or_default();
                for (r, h) in regions {
                    into.entry(r).or_insert(h);
                }
            }
        }
    }
    out
}

/// `\(x\)`, `` `x` ``, `**x**` → `x`.
fn clean(raw: &str) -> String {
    raw.replace('\\', "")
        .trim_matches(|c: char| c == '`' || c == '*' || c.is_whitespace())
        .to_string()
}

/// The hosts `….aliyuncs.com` a cell names.
fn hosts(raw: &str) -> Vec<String> {
    raw.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.ends_with(".aliyuncs.com") && w.split('.').all(|l| !l.is_empty()))
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// `cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`.
pub fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 2
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// What `service.yaml` says about the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `ecs.{region}.aliyuncs.com` or `dts.aliyuncs.com`.
    pub pattern: String,
    pub central: bool,
    /// Region id → host, from an endpoints page.
    pub regions: BTreeMap<String, String>,
    /// Where the rule came from, for the report.
    pub from: String,
}

/// The endpoint of a service whose sample requests go to `sample_hosts` (most common first) and whose product
/// is `product`: an endpoints table of the same host label gives the regional pattern and the map; else a
/// host without a region in every sample request is the central endpoint; else the regional pattern of the
/// sample requests' host.
pub fn rule(product: &str, sample_hosts: &[String], listed: &BTreeMap<String, Listed>) -> Endpoint {
    let product = product.to_ascii_lowercase();
    let mut labels: Vec<String> = sample_hosts
        .iter()
        .filter_map(|h| h.split('.').next().map(str::to_string))
        .collect();
    labels.push(product.clone());
    if let Some((label, l)) = labels
        .iter()
        .find_map(|label| listed.get(label).map(|l| (label, l)))
    {
        return Endpoint {
            pattern: format!("{label}.{{region}}.aliyuncs.com"),
            central: false,
            regions: l.regions.clone(),
            from: format!("the endpoints listed on {}", l.page),
        };
    }
    // Sample requests that name no host (`http(s)://[Endpoint]/?Action=…`) and one endpoints table in the
    // whole documentation: it is the product's.
    if sample_hosts.is_empty() && listed.len() == 1 {
        if let Some((label, l)) = listed.iter().next() {
            return Endpoint {
                pattern: format!("{label}.{{region}}.aliyuncs.com"),
                central: false,
                regions: l.regions.clone(),
                from: format!(
                    "the only endpoints listed in the documentation, on {}",
                    l.page
                ),
            };
        }
    }
    let region_of = |h: &str| h.split('.').any(is_region);
    if let Some(first) = sample_hosts.first() {
        if sample_hosts.iter().all(|h| !region_of(h)) && first.split('.').count() == 3 {
            return Endpoint {
                pattern: first.clone(),
                central: true,
                regions: BTreeMap::new(),
                from: "every sample request goes to this host".to_string(),
            };
        }
        if let Some(regional) = sample_hosts.iter().find(|h| region_of(h)) {
            let labels: Vec<&str> = regional
                .split('.')
                .map(|l| if is_region(l) { "{region}" } else { l })
                .collect();
            return Endpoint {
                pattern: labels.join("."),
                central: false,
                regions: BTreeMap::new(),
                from: format!("the sample requests' host `{regional}`"),
            };
        }
    }
    Endpoint {
        pattern: format!("{product}.{{region}}.aliyuncs.com"),
        central: false,
        regions: BTreeMap::new(),
        from: "a guess from the product code (no page names a host)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages;

    #[test]
    fn a_table_of_regions_gives_each_labels_hosts() {
        let text = "# Endpoints\n\n|Region|Region ID|Public endpoint|VPC endpoint|\n|--|--|--|--|\n\
            |China \\(Hangzhou\\)|cn-hangzhou|kms.cn-hangzhou.aliyuncs.com|kms-vpc.cn-hangzhou.aliyuncs.com|\n\
            |China \\(Shanghai\\)|cn-shanghai|kms.cn-shanghai.aliyuncs.com|kms-vpc.cn-shanghai.aliyuncs.com|\n\
            |Singapore|ap-southeast-1|kms.ap-southeast-1.aliyuncs.com|N/A|\n\
            |Mainland China|N/A|kms.aliyuncs.com|N/A|\n";
        let (page, _) = pages::scan("e.md", text);
        let t = tables(&page);
        assert_eq!(t["kms"].len(), 3);
        assert_eq!(t["kms"]["cn-shanghai"], "kms.cn-shanghai.aliyuncs.com");
        assert!(
            !t.contains_key("kms-vpc"),
            "fewer than three rows: no table of its own"
        );
    }

    #[test]
    fn a_central_host_in_every_sample_is_a_central_endpoint() {
        let e = rule("Dts", &["dts.aliyuncs.com".into()], &BTreeMap::new());
        assert_eq!((e.pattern.as_str(), e.central), ("dts.aliyuncs.com", true));
        let e = rule(
            "Vpc",
            &[
                "vpc.cn-hangzhou.aliyuncs.com".into(),
                "vpc.aliyuncs.com".into(),
            ],
            &BTreeMap::new(),
        );
        assert_eq!(
            (e.pattern.as_str(), e.central),
            ("vpc.{region}.aliyuncs.com", false)
        );
    }
}
