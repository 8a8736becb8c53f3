//! A deterministic synthetic corpus of API reference pages, for benchmarks and load tests.
//!
//! [`pages`] invents `n` pages for roughly `n / 2` operations of one service: some operations get a Chinese
//! markdown page and an English page (markdown or text copied off the website), the others one page in any of
//! the three formats. The pages have the variety of real ones: multi-line cells with blank lines, bullet lists
//! and notes; escaped `\*\*\*\*` masks and `[X](~~123~~)` links in markdown; flat response tables with objects,
//! arrays of objects, list wrappers (`X | Array of Y` + bare `Y`, or `X | Object` + `Y | Array of Y` in copied
//! text), 2-3 levels deep and the same field name at two depths; enums in `取值：`/`Valid values:` lists;
//! `Tag.N.Key`/`Tag.N.Value` request rows; error tables; JSON examples (and XML for some) that agree with the
//! tables. The same `(n, seed)` always gives the same bytes.
//!
//! Every page reads without errors; the two pages of one operation agree, so merging them gives no warning.

pub mod cli;

use fastrand::Rng;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The product the pages document (as in [`service_yaml`]).
const PRODUCT: &str = "Synth";
const VERSION: &str = "2024-01-01";

/// `n` pages as `(file name, text)`, in file-name order. File names are `<Operation>.<lang>.<md|txt>`.
pub fn pages(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::with_seed(seed);
    let mut out = Vec::with_capacity(n);
    let mut index = 0usize;
    while out.len() < n {
        let op = operation(&mut rng, index);
        index += 1;
        let left = n - out.len();
        let both = left >= 2 && rng.u8(0..10) < 7;
        let formats: Vec<Format> = if both {
            vec![
                Format::ZhMd,
                if rng.bool() {
                    Format::EnMd
                } else {
                    Format::EnTxt
                },
            ]
        } else {
            vec![[Format::ZhMd, Format::EnMd, Format::EnTxt][rng.usize(0..3)]]
        };
        for f in formats {
            out.push((f.file_name(&op.name), render(&op, f)));
        }
    }
    out.sort();
    out
}

/// `n` pages spread over services the size of real Alibaba Cloud products (40 to 300 pages, so about 20 to 150
/// operations each), as `(service folder name, pages)`. A tree of 100 pages is one service. Each service has
/// its own seed, so its pages do not depend on how many services follow.
pub fn tree(n: usize, seed: u64) -> Vec<(String, Vec<(String, String)>)> {
    let mut rng = Rng::with_seed(seed);
    let mut out = Vec::new();
    let mut left = n;
    while left > 0 {
        let size = rng.usize(40..=300).min(left);
        // Never leave a remainder too small to be a service of its own.
        let size = if left - size < 40 { left } else { size };
        let name = format!("synth{:03}", out.len());
        out.push((
            name,
            pages(
                size,
                seed.wrapping_mul(1_000_003).wrapping_add(out.len() as u64),
            ),
        ));
        left -= size;
    }
    out
}

/// How many distinct operations the pages document (file names start with the operation's name).
pub fn operation_count(pages: &[(String, String)]) -> usize {
    pages
        .iter()
        .map(|(f, _)| f.split('.').next().unwrap_or(""))
        .collect::<BTreeSet<_>>()
        .len()
}

/// The `service.yaml` of the synthetic service, for a folder named `name`.
pub fn service_yaml(name: &str) -> String {
    format!(
        "# Synthetic service {name} (cargo xtask synth), API version {VERSION}.\n\
         product: {PRODUCT}\nversion: \"{VERSION}\"\nstyle: RPC\nendpoint: \"{}.{{region}}.aliyuncs.com\"\n\
         languages: [zh, en]\n",
        name.to_ascii_lowercase()
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    ZhMd,
    EnMd,
    EnTxt,
}

impl Format {
    fn file_name(self, op: &str) -> String {
        match self {
            Format::ZhMd => format!("{op}.zh.md"),
            Format::EnMd => format!("{op}.en.md"),
            Format::EnTxt => format!("{op}.en.txt"),
        }
    }
    fn zh(self) -> bool {
        self == Format::ZhMd
    }
    fn md(self) -> bool {
        self != Format::EnTxt
    }
}

// ---------------------------------------------------------------------------------------------------------
// The model of one invented operation.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Int,
    Long,
    Bool,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "String",
            Ty::Int => "Integer",
            Ty::Long => "Long",
            Ty::Bool => "Boolean",
        }
    }
}

/// What a description holds besides its first sentence.
#[derive(Debug, Clone, Copy)]
enum Extra {
    None,
    /// A second paragraph after a blank line, with a link.
    Paragraph,
    /// A bullet list that is not an enum.
    Bullets,
    /// A `说明`/`Note` paragraph.
    Note,
}

#[derive(Debug, Clone)]
struct Scalar {
    ty: Ty,
    /// The example as JSON/XML show it (masks unescaped).
    example: String,
    /// Enum values with their zh and en meanings; empty when not an enum.
    values: Vec<(String, String, String)>,
    extra: Extra,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar(Scalar),
    Object(Vec<Node>),
    /// `X` holding the list `Y` of objects.
    Wrapped {
        item: String,
        children: Vec<Node>,
    },
    /// `X` holding the list `Y` of scalars (two example values).
    WrappedScalars {
        item: String,
        value: Scalar,
        second: String,
    },
    /// `X` a list of objects `Y` with no wrapper (JSON-only pages).
    Array {
        item: String,
        children: Vec<Node>,
    },
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Param {
    name: String,
    required: bool,
    value: Scalar,
}

#[derive(Debug, Clone)]
struct ErrorDef {
    status: u16,
    code: String,
    message: String,
    zh: String,
    en: String,
}

#[derive(Debug, Clone)]
struct Op {
    name: String,
    request: Vec<Param>,
    response: Vec<Node>,
    errors: Vec<ErrorDef>,
    xml: bool,
    note: bool,
}

const VERBS: &[&str] = &[
    "Describe", "Create", "Modify", "Delete", "List", "Get", "Update", "Attach", "Detach", "Enable",
];
const NOUNS: &[&str] = &[
    "Gateway",
    "Listener",
    "Bucket",
    "Cluster",
    "Volume",
    "Snapshot",
    "Route",
    "Policy",
    "Endpoint",
    "Certificate",
    "Queue",
    "Topic",
    "Database",
    "Backup",
    "Image",
    "Alarm",
];
/// Scalar names; a name may come back at another depth (never twice in one object).
const SCALARS: &[&str] = &[
    "Name",
    "Status",
    "Description",
    "CreationTime",
    "ZoneId",
    "InstanceId",
    "Bandwidth",
    "Port",
    "Enabled",
    "Priority",
    "Weight",
    "Type",
    "Version",
    "OwnerId",
    "ResourceGroupId",
    "Capacity",
    "ExpireTime",
    "Protocol",
];
const OBJECTS: &[&str] = &[
    "Config", "Owner", "Spec", "Network", "Quota", "Schedule", "Source", "Target", "Limits",
    "Health",
];
const WRAPPERS: &[(&str, &str)] = &[
    ("Instances", "Instance"),
    ("Rules", "Rule"),
    ("Endpoints", "EndpointItem"),
    ("Listeners", "ListenerItem"),
    ("Members", "Member"),
    ("Routes", "RouteItem"),
    ("Attachments", "Attachment"),
    ("Records", "Record"),
];
const SCALAR_LISTS: &[(&str, &str)] = &[
    ("VSwitchIds", "VSwitchId"),
    ("SecurityGroupIds", "SecurityGroupId"),
    ("Addresses", "Address"),
    ("Labels", "Label"),
];
const ARRAYS: &[(&str, &str)] = &[("Items", "Item"), ("Entries", "Entry"), ("Events", "Event")];
const STRING_ENUMS: &[&[(&str, &str, &str)]] = &[
    &[
        ("Active", "已启用。", "The resource is active."),
        ("Inactive", "已停用。", "The resource is inactive."),
    ],
    &[
        ("Available", "可用。", "The resource is available."),
        ("Pending", "配置中。", "The resource is being configured."),
        ("Deleting", "删除中。", "The resource is being deleted."),
    ],
    &[
        ("System", "系统创建。", "Created by the system."),
        ("Custom", "用户创建。", "Created by the user."),
    ],
    &[
        ("PayByTraffic", "按流量计费。", "Pay by data transfer."),
        ("PayByBandwidth", "按带宽计费。", "Pay by bandwidth."),
    ],
];
const INT_ENUMS: &[&[(&str, &str, &str)]] = &[
    &[
        ("1", "低优先级。", "Low priority."),
        ("2", "中优先级。", "Medium priority."),
        ("3", "高优先级。", "High priority."),
    ],
    &[("0", "关闭。", "Off."), ("1", "开启。", "On.")],
];

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(0..items.len())]
}

fn id_example(rng: &mut Rng, name: &str) -> String {
    let prefix: String = name
        .trim_end_matches("Id")
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    let tail: String = (0..14)
        .map(|_| {
            let c = rng.u8(0..36);
            if c < 10 {
                (b'0' + c) as char
            } else {
                (b'a' + c - 10) as char
            }
        })
        .collect();
    format!(
        "{}-bp1{tail}****",
        if prefix.is_empty() { "id" } else { &prefix }
    )
}

fn scalar(rng: &mut Rng, name: &str) -> Scalar {
    let extra = match rng.u8(0..10) {
        0..=3 => Extra::None,
        4..=5 => Extra::Paragraph,
        6..=7 => Extra::Bullets,
        _ => Extra::Note,
    };
    let ty = match name {
        "Bandwidth" | "Port" | "Weight" | "Capacity" => Ty::Int,
        "OwnerId" => Ty::Long,
        "Enabled" => Ty::Bool,
        "Priority" => Ty::Int,
        _ => Ty::Str,
    };
    let mut values = Vec::new();
    let enum_set = match (name, ty) {
        ("Status" | "Type", _) => Some(*pick(rng, STRING_ENUMS)),
        ("Priority", _) => Some(*pick(rng, INT_ENUMS)),
        (_, Ty::Str) if rng.u8(0..10) == 0 => Some(*pick(rng, STRING_ENUMS)),
        _ => None,
    };
    if let Some(set) = enum_set {
        values = set
            .iter()
            .map(|(v, zh, en)| (v.to_string(), zh.to_string(), en.to_string()))
            .collect();
    }
    let example = if let Some((v, _, _)) = values.first() {
        v.clone()
    } else {
        match ty {
            Ty::Int => rng.u32(1..1000).to_string(),
            Ty::Long => rng.u64(1_000_000_000..9_999_999_999).to_string(),
            Ty::Bool => rng.bool().to_string(),
            Ty::Str => match name {
                "CreationTime" | "ExpireTime" => {
                    format!("2023-{:02}-{:02}T08:41:52Z", rng.u8(1..13), rng.u8(1..29))
                }
                "ZoneId" => format!("cn-hangzhou-{}", (b'a' + rng.u8(0..8)) as char),
                "Protocol" => pick(rng, &["TCP", "UDP", "HTTP"]).to_string(),
                "Version" => format!("{}.{}", rng.u8(1..9), rng.u8(0..20)),
                n if n.ends_with("Id") => id_example(rng, n),
                _ => format!("{}-{}", name.to_ascii_lowercase(), rng.u16(1..10000)),
            },
        }
    };
    Scalar {
        ty,
        example,
        values,
        extra,
    }
}

/// The children of one object: scalars first, then (above the deepest level) nested containers, so that
/// the rows after a nested container can only belong to a container further out.
fn children(
    rng: &mut Rng,
    depth: usize,
    containers: &mut Vec<&'static str>,
    xml: bool,
) -> Vec<Node> {
    let mut names: Vec<&str> = SCALARS.to_vec();
    rng.shuffle(&mut names);
    let count = rng.usize(2..6);
    let mut out: Vec<Node> = names[..count]
        .iter()
        .map(|n| Node {
            name: n.to_string(),
            kind: Kind::Scalar(scalar(rng, n)),
        })
        .collect();
    if depth < 3 {
        let nested = if depth == 0 {
            rng.usize(1..4)
        } else {
            rng.usize(0..2)
        };
        for _ in 0..nested {
            if let Some(node) = container(rng, depth + 1, containers, xml) {
                out.push(node);
            }
        }
    }
    out
}

fn take(
    rng: &mut Rng,
    containers: &mut Vec<&'static str>,
    options: &[&'static str],
) -> Option<&'static str> {
    let free: Vec<&'static str> = options
        .iter()
        .copied()
        .filter(|o| !containers.contains(o))
        .collect();
    if free.is_empty() {
        return None;
    }
    let name = *pick(rng, &free);
    containers.push(name);
    Some(name)
}

fn container(
    rng: &mut Rng,
    depth: usize,
    containers: &mut Vec<&'static str>,
    xml: bool,
) -> Option<Node> {
    match rng.u8(0..if xml { 3 } else { 4 }) {
        0 => {
            let name = take(rng, containers, OBJECTS)?;
            Some(Node {
                name: name.into(),
                kind: Kind::Object(children(rng, depth, containers, xml)),
            })
        }
        1 => {
            let wrappers: Vec<&'static str> = WRAPPERS.iter().map(|w| w.0).collect();
            let name = take(rng, containers, &wrappers)?;
            let item = WRAPPERS.iter().find(|w| w.0 == name).map(|w| w.1)?;
            Some(Node {
                name: name.into(),
                kind: Kind::Wrapped {
                    item: item.into(),
                    children: children(rng, depth, containers, xml),
                },
            })
        }
        2 => {
            let lists: Vec<&'static str> = SCALAR_LISTS.iter().map(|w| w.0).collect();
            let name = take(rng, containers, &lists)?;
            let item = SCALAR_LISTS.iter().find(|w| w.0 == name).map(|w| w.1)?;
            let mut value = scalar(rng, item);
            value.values.clear();
            let second = scalar(rng, item).example;
            Some(Node {
                name: name.into(),
                kind: Kind::WrappedScalars {
                    item: item.into(),
                    value,
                    second,
                },
            })
        }
        _ => {
            let arrays: Vec<&'static str> = ARRAYS.iter().map(|w| w.0).collect();
            let name = take(rng, containers, &arrays)?;
            let item = ARRAYS.iter().find(|w| w.0 == name).map(|w| w.1)?;
            Some(Node {
                name: name.into(),
                kind: Kind::Array {
                    item: item.into(),
                    children: children(rng, depth, containers, xml),
                },
            })
        }
    }
}

const SHARED_ERRORS: &[(u16, &str, &str, &str, &str)] = &[
    (
        404,
        "InvalidRegionId.NotFound",
        "The specified RegionId does not exist in our records.",
        "指定的地域不存在。",
        "The error message returned because the specified region does not exist.",
    ),
    (
        409,
        "OperationConflict",
        "The operation conflicts with another operation on the same resource.",
        "操作冲突，请稍后重试。",
        "The error message returned because another operation is being performed on the resource.",
    ),
    (
        400,
        "InvalidTagKey.Malformed",
        "The specified Tag.N.Key is not valid.",
        "标签键格式不合法。",
        "The error message returned because the format of the tag key is invalid.",
    ),
    (
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
        "服务不可用。",
        "The error message returned because the service is unavailable.",
    ),
];

fn operation(rng: &mut Rng, index: usize) -> Op {
    let name = format!("{}{}{index}", pick(rng, VERBS), pick(rng, NOUNS));
    let xml = rng.u8(0..10) < 4;
    let tags = rng.u8(0..10) < 3;
    let mut request = vec![Param {
        name: "RegionId".into(),
        required: true,
        value: Scalar {
            ty: Ty::Str,
            example: "cn-hangzhou".into(),
            values: Vec::new(),
            extra: Extra::Paragraph,
        },
    }];
    let mut names: Vec<&str> = SCALARS.to_vec();
    rng.shuffle(&mut names);
    for n in &names[..rng.usize(1..6)] {
        request.push(Param {
            name: n.to_string(),
            required: rng.u8(0..3) == 0,
            value: scalar(rng, n),
        });
    }
    if tags {
        for (k, ex) in [("Key", "env"), ("Value", "prod")] {
            request.push(Param {
                name: format!("Tag.N.{k}"),
                required: false,
                value: Scalar {
                    ty: Ty::Str,
                    example: ex.into(),
                    values: Vec::new(),
                    extra: Extra::None,
                },
            });
        }
    }
    let mut containers = Vec::new();
    let mut response = children(rng, 0, &mut containers, xml);
    if rng.bool() {
        response.push(Node {
            name: "TotalCount".into(),
            kind: Kind::Scalar(Scalar {
                ty: Ty::Int,
                example: rng.u32(1..500).to_string(),
                values: Vec::new(),
                extra: Extra::None,
            }),
        });
    }
    let request_id = format!(
        "{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
        rng.u32(..),
        rng.u16(..),
        rng.u16(..0x1000),
        rng.u16(..),
        rng.u64(..1 << 48)
    );
    response.push(Node {
        name: "RequestId".into(),
        kind: Kind::Scalar(Scalar {
            ty: Ty::Str,
            example: request_id,
            values: Vec::new(),
            extra: Extra::None,
        }),
    });
    let mut errors = Vec::new();
    if rng.u8(0..10) < 8 {
        if rng.bool() {
            errors.push(ErrorDef {
                status: 400,
                code: format!("Invalid{name}.Malformed"),
                message: format!("The parameters of {name} are not valid."),
                zh: format!("{name}的参数不合法。"),
                en: format!(
                    "The error message returned because the parameters of {name} are invalid."
                ),
            });
        }
        for e in SHARED_ERRORS {
            if (e.1 != "InvalidTagKey.Malformed" || tags) && rng.bool() {
                errors.push(ErrorDef {
                    status: e.0,
                    code: e.1.into(),
                    message: e.2.into(),
                    zh: e.3.into(),
                    en: e.4.into(),
                });
            }
        }
        errors.sort_by_key(|e| e.status);
    }
    Op {
        name,
        request,
        response,
        errors,
        xml,
        note: rng.bool(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering.

/// A description as blocks: paragraphs, list items (each with its marker), notes.
enum Block {
    Para(String),
    /// Enum values: (value, meaning).
    Values(Vec<(String, String)>),
    Bullets(Vec<String>),
    Note(String),
}

/// Inline markup of markdown pages, removed in copied text: `**x**`, `[x](~~n~~)`, `` `x` ``, `\*`.
fn inline(text: &str, md: bool) -> String {
    if md {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("**") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("\\*") {
            out.push('*');
            rest = r;
        } else if c == '`' {
            rest = &rest[1..];
        } else if c == '[' {
            // [text](target) → text
            match rest
                .find("](")
                .and_then(|a| rest[a..].find(')').map(|b| (a, a + b)))
            {
                Some((a, b)) => {
                    out.push_str(&rest[1..a]);
                    rest = &rest[b + 1..];
                }
                None => {
                    out.push('[');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn mask(text: &str, md: bool) -> String {
    if md {
        text.replace('*', "\\*")
    } else {
        text.to_string()
    }
}

fn describe(name: &str, s: &Scalar, f: Format) -> Vec<Block> {
    let zh = f.zh();
    let mut blocks = Vec::new();
    let first = if zh {
        format!("{name}的值。")
    } else {
        format!("The value of {name}.")
    };
    if s.values.is_empty() {
        blocks.push(Block::Para(first));
    } else {
        blocks.push(Block::Para(if zh {
            format!("{first}取值：")
        } else {
            format!("{first} Valid values:")
        }));
        blocks.push(Block::Values(
            s.values
                .iter()
                .map(|(v, m_zh, m_en)| (v.clone(), if zh { m_zh.clone() } else { m_en.clone() }))
                .collect(),
        ));
    }
    match s.extra {
        Extra::None => {}
        Extra::Paragraph => blocks.push(Block::Para(if zh {
            "您可以调用[DescribeRegions](~~448563~~)接口获取最新的地域列表，例如`cn-hangzhou`。".into()
        } else {
            "You can call the [DescribeRegions](~~448563~~) operation to query the most recent region list, \
             for example `cn-hangzhou`."
                .into()
        })),
        Extra::Bullets => {
            blocks.push(Block::Para(if zh {
                "支持以下格式：".into()
            } else {
                "The following formats are supported:".into()
            }));
            blocks.push(Block::Bullets(vec![
                "10.0.0.0/8".into(),
                "172.16.0.0/12".into(),
                if zh {
                    "以`rg-`开头的ID，例如`rg-acfm3xk2wq7p\\*\\*\\*\\*`。".into()
                } else {
                    "an ID that starts with `rg-`, for example `rg-acfm3xk2wq7p\\*\\*\\*\\*`.".into()
                },
            ]));
        }
        Extra::Note => blocks.push(Block::Note(if zh {
            "处于**Pending**状态时不能修改该值。".into()
        } else {
            "You cannot change the value while the resource is in the **Pending** state.".into()
        })),
    }
    blocks
}

/// A markdown cell (blank lines between blocks, as in the real pages) or the lines of copied text.
fn cell(blocks: &[Block], f: Format) -> String {
    let md = f.md();
    let mut parts: Vec<String> = Vec::new();
    for b in blocks {
        match b {
            Block::Para(t) => parts.push(inline(t, md)),
            Block::Values(vs) => {
                let lines: Vec<String> = vs
                    .iter()
                    .map(|(v, m)| match f {
                        Format::ZhMd => format!("-   **{v}**：{m}"),
                        Format::EnMd => format!("-   **{v}**: {m}"),
                        Format::EnTxt => format!("{v}: {m}"),
                    })
                    .collect();
                parts.push(lines.join("\n"));
            }
            Block::Bullets(items) => {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| {
                        if md {
                            format!("-   {i}")
                        } else {
                            inline(i, false)
                        }
                    })
                    .collect();
                parts.push(lines.join("\n"));
            }
            Block::Note(t) => parts.push(match f {
                Format::ZhMd => format!("**说明：** {t}"),
                Format::EnMd => format!("**Note:** {t}"),
                Format::EnTxt => format!("Note {}", inline(t, false)),
            }),
        }
    }
    if md {
        // Markdown cells continue after a blank line with a leading space, as the website's export does.
        parts.join("\n\n ")
    } else {
        parts.join("\n")
    }
}

fn render(op: &Op, f: Format) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let zh = f.zh();
    let md = f.md();
    let name = &op.name;
    // Title, summary, debugging.
    if md {
        let _ = writeln!(s, "# {name}\n");
    }
    let summary = if zh {
        format!("调用{name}接口管理合成服务中的资源。")
    } else {
        format!("Calls {name} to manage the resources of the synthetic service.")
    };
    let _ = writeln!(s, "{summary}");
    if md {
        s.push('\n');
    }
    if op.note {
        let t = if zh {
            "**说明：** 本接口为异步接口，请调用[DescribeTasks](~~448570~~)查询任务状态。"
        } else {
            "**Note:** This operation is asynchronous. Call [DescribeTasks](~~448570~~) to query the task."
        };
        let _ = writeln!(s, "{}", inline(t, md));
        if md {
            s.push('\n');
        }
    }
    let explorer =
        format!("https://api.aliyun.com/#product={PRODUCT}&api={name}&type=RPC&version={VERSION}");
    match f {
        Format::ZhMd => {
            let _ = writeln!(
                s,
                "## 调试\n\n[在OpenAPI Explorer中调试本接口，自动生成SDK代码示例。]({explorer})\n"
            );
        }
        Format::EnMd => {
            let _ = writeln!(
                s,
                "## Debugging\n\n[Try this operation in OpenAPI Explorer.]({explorer})\n"
            );
        }
        Format::EnTxt => s.push_str("Debugging\n"),
    }

    // Request table.
    heading(&mut s, f, "请求参数", "Request parameters");
    table_header(
        &mut s,
        f,
        &["名称", "类型", "是否必选", "示例值", "描述"],
        &["Parameter", "Type", "Required", "Example", "Description"],
    );
    let action_doc = if zh {
        format!("要执行的操作，取值：**{name}**。")
    } else {
        format!("The operation that you want to perform. Set the value to **{name}**.")
    };
    row(
        &mut s,
        f,
        &["Action", "String", yes(f, true), name],
        &inline(&action_doc, md),
    );
    for p in &op.request {
        let desc = cell(&describe(&p.name, &p.value, f), f);
        row(
            &mut s,
            f,
            &[
                &p.name,
                p.value.ty.name(),
                yes(f, p.required),
                &mask(&p.value.example, md),
            ],
            &desc,
        );
    }
    if md {
        s.push('\n');
    }
    let common = if zh {
        "关于公共请求参数的详情，请参见[公共参数](~~448500~~)。"
    } else {
        "For information about common request parameters, see [Common parameters](~~448501~~)."
    };
    let _ = writeln!(s, "{}", inline(common, md));
    if md {
        s.push('\n');
    }

    // Response table.
    heading(&mut s, f, "返回数据", "Response parameters");
    table_header(
        &mut s,
        f,
        &["名称", "类型", "示例值", "描述"],
        &["Parameter", "Type", "Example", "Description"],
    );
    response_rows(&mut s, f, &op.response);
    if md {
        s.push('\n');
    }

    // Examples.
    heading(&mut s, f, "示例", "Examples");
    let _ = writeln!(
        s,
        "{}",
        if zh {
            "请求示例"
        } else {
            "Sample requests"
        }
    );
    if md {
        s.push_str("\n```\n");
    }
    let _ = writeln!(s, "http(s)://[Endpoint]/?Action={name}");
    for p in &op.request {
        let key = p.name.replace(".N.", ".1.");
        let _ = writeln!(s, "&{key}={}", p.value.example);
    }
    let _ = writeln!(
        s,
        "&<{}>",
        if zh {
            "公共请求参数"
        } else {
            "Common request parameters"
        }
    );
    if md {
        s.push_str("```\n\n");
    }
    let _ = writeln!(
        s,
        "{}",
        if zh {
            "正常返回示例"
        } else {
            "Sample success responses"
        }
    );
    if md {
        s.push('\n');
    }
    if op.xml {
        example_label(&mut s, f, "XML");
        code_block(&mut s, md, "application/xml", &xml(name, &op.response, md));
    }
    example_label(&mut s, f, "JSON");
    code_block(&mut s, md, "application/json", &json(&op.response, md));

    // Errors.
    if !op.errors.is_empty() {
        heading(&mut s, f, "错误码", "Error codes");
        table_header(
            &mut s,
            f,
            &["HttpCode", "错误码", "错误信息", "描述"],
            &[
                "HTTP status code",
                "Error code",
                "Error message",
                "Description",
            ],
        );
        for e in &op.errors {
            let doc = if zh { &e.zh } else { &e.en };
            if md {
                let _ = writeln!(s, "|{}|{}|{}|{doc}|", e.status, e.code, e.message);
            } else {
                let _ = writeln!(s, "{} | {} | {} | {doc} |", e.status, e.code, e.message);
            }
        }
        if md {
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "{}",
            match f {
                Format::ZhMd => format!(
                    "访问[错误中心](https://error-center.aliyun.com/status/product/{PRODUCT})查看更多错误码。"
                ),
                Format::EnMd => format!(
                    "For a list of error codes, visit the [API Error Center](https://error-center.aliyun.com/status/product/{PRODUCT})."
                ),
                Format::EnTxt => "For a list of error codes, visit the API Error Center.".into(),
            }
        );
    }
    s
}

fn yes(f: Format, required: bool) -> &'static str {
    match (f.zh(), required) {
        (true, true) => "是",
        (true, false) => "否",
        (false, true) => "Yes",
        (false, false) => "No",
    }
}

fn heading(s: &mut String, f: Format, zh: &str, en: &str) {
    match f {
        Format::ZhMd => {
            let _ = writeln!(s, "## {zh}\n");
        }
        Format::EnMd => {
            let _ = writeln!(s, "## {en}\n");
        }
        Format::EnTxt => {
            let _ = writeln!(s, "{en}");
        }
    }
}

fn table_header(s: &mut String, f: Format, zh: &[&str], en: &[&str]) {
    let cols = if f.zh() { zh } else { en };
    if f.md() {
        let _ = writeln!(s, "|{}|", cols.join("|"));
        let rule: Vec<String> = cols
            .iter()
            .map(|c| "-".repeat(c.len().clamp(2, 12)))
            .collect();
        let _ = writeln!(s, "|{}|", rule.join("|"));
    } else {
        let _ = writeln!(s, "{} |", cols.join(" | "));
        let _ = writeln!(s, "{}|", "---|".repeat(cols.len() - 1) + "---");
    }
}

/// One table row: the leading cells, then the description (multi-line).
fn row(s: &mut String, f: Format, cells: &[&str], desc: &str) {
    if f.md() {
        // Empty cells are a single space, as the website's export writes them.
        for c in cells {
            s.push('|');
            s.push_str(if c.is_empty() { " " } else { c });
        }
        let _ = writeln!(s, "|{desc} |");
    } else {
        // Copied text: the last cell goes on the following line(s).
        let _ = writeln!(s, "{} |", cells.join(" | "));
        let _ = writeln!(s, "{desc} |");
    }
}

fn container_doc(name: &str, f: Format) -> String {
    if f.zh() {
        format!("{name}的详细信息。")
    } else {
        format!("The details of {name}.")
    }
}

fn response_rows(s: &mut String, f: Format, nodes: &[Node]) {
    let md = f.md();
    for n in nodes {
        match &n.kind {
            Kind::Scalar(v) => {
                let desc = cell(&describe(&n.name, v, f), f);
                row(s, f, &[&n.name, v.ty.name(), &mask(&v.example, md)], &desc);
            }
            Kind::Object(children) => {
                row(s, f, &[&n.name, "Object", ""], &container_doc(&n.name, f));
                response_rows(s, f, children);
            }
            Kind::Array { item, children } => {
                row(
                    s,
                    f,
                    &[&n.name, &format!("Array of {item}"), ""],
                    &container_doc(&n.name, f),
                );
                response_rows(s, f, children);
            }
            Kind::Wrapped { item, children } => {
                if md {
                    row(
                        s,
                        f,
                        &[&n.name, &format!("Array of {item}"), ""],
                        &container_doc(&n.name, f),
                    );
                    let _ = writeln!(s, "|{item}| | | |");
                } else {
                    row(s, f, &[&n.name, "Object", ""], &container_doc(&n.name, f));
                    row(
                        s,
                        f,
                        &[item, &format!("Array of {item}"), ""],
                        &container_doc(item, f),
                    );
                }
                response_rows(s, f, children);
            }
            Kind::WrappedScalars { item, value, .. } => {
                let desc = cell(&describe(item, value, f), f);
                let ex = mask(&value.example, md);
                if md {
                    row(
                        s,
                        f,
                        &[&n.name, &format!("Array of {}", value.ty.name()), ""],
                        &container_doc(&n.name, f),
                    );
                    row(s, f, &[item, value.ty.name(), &ex], &desc);
                } else {
                    row(s, f, &[&n.name, "Object", ""], &container_doc(&n.name, f));
                    row(
                        s,
                        f,
                        &[item, &format!("Array of {}", value.ty.name()), &ex],
                        &desc,
                    );
                }
            }
        }
    }
}

fn example_label(s: &mut String, f: Format, kind: &str) {
    match f {
        Format::ZhMd => {
            let _ = writeln!(s, "`{kind}`格式\n");
        }
        Format::EnMd => {
            let _ = writeln!(s, "`{kind}` format\n");
        }
        Format::EnTxt => {
            let _ = writeln!(s, "{kind}\nformat");
        }
    }
}

fn code_block(s: &mut String, md: bool, content_type: &str, body: &str) {
    if md {
        s.push_str("```\n");
    }
    let _ = writeln!(s, "HTTP/1.1 200 OK\nContent-Type:{content_type}");
    if md {
        s.push('\n');
    }
    s.push_str(body);
    if md {
        s.push_str("```\n\n");
    }
}

fn json_scalar(v: &Scalar, example: &str) -> String {
    match v.ty {
        Ty::Int | Ty::Long | Ty::Bool => example.to_string(),
        Ty::Str => format!("\"{example}\""),
    }
}

/// The JSON example, in the website's style (`"Key" : value`, two spaces; none in copied text).
fn json(nodes: &[Node], md: bool) -> String {
    let mut s = String::new();
    json_object(&mut s, nodes, 0, md);
    s.push('\n');
    s
}

fn indent(s: &mut String, depth: usize, md: bool) {
    if md {
        for _ in 0..depth {
            s.push_str("  ");
        }
    }
}

fn json_object(s: &mut String, nodes: &[Node], depth: usize, md: bool) {
    s.push_str("{\n");
    for (i, n) in nodes.iter().enumerate() {
        indent(s, depth + 1, md);
        let _ = write!(s, "\"{}\" : ", n.name);
        match &n.kind {
            Kind::Scalar(v) => s.push_str(&json_scalar(v, &v.example)),
            Kind::Object(children) => json_object(s, children, depth + 1, md),
            Kind::Array { children, .. } => {
                s.push_str("[ ");
                json_object(s, children, depth + 1, md);
                s.push_str(" ]");
            }
            Kind::Wrapped { item, children } => {
                s.push_str("{\n");
                indent(s, depth + 2, md);
                let _ = write!(s, "\"{item}\" : [ ");
                json_object(s, children, depth + 2, md);
                s.push_str(" ]\n");
                indent(s, depth + 1, md);
                s.push('}');
            }
            Kind::WrappedScalars {
                item,
                value,
                second,
            } => {
                s.push_str("{\n");
                indent(s, depth + 2, md);
                let _ = writeln!(
                    s,
                    "\"{item}\" : [ {}, {} ]",
                    json_scalar(value, &value.example),
                    json_scalar(value, second)
                );
                indent(s, depth + 1, md);
                s.push('}');
            }
        }
        s.push_str(if i + 1 < nodes.len() { ",\n" } else { "\n" });
    }
    indent(s, depth, md);
    s.push('}');
}

/// The XML example (tabs in markdown pages, none in copied text). Pages with plain arrays have no XML.
fn xml(op: &str, nodes: &[Node], md: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "<{op}Response>");
    xml_nodes(&mut s, nodes, 1, md);
    let _ = writeln!(s, "</{op}Response>");
    s
}

fn tabs(s: &mut String, depth: usize, md: bool) {
    if md {
        for _ in 0..depth {
            s.push('\t');
        }
    }
}

fn xml_nodes(s: &mut String, nodes: &[Node], depth: usize, md: bool) {
    for n in nodes {
        let name = &n.name;
        tabs(s, depth, md);
        match &n.kind {
            Kind::Scalar(v) => {
                let _ = writeln!(s, "<{name}>{}</{name}>", v.example);
            }
            Kind::Object(children) | Kind::Array { children, .. } => {
                let _ = writeln!(s, "<{name}>");
                xml_nodes(s, children, depth + 1, md);
                tabs(s, depth, md);
                let _ = writeln!(s, "</{name}>");
            }
            Kind::Wrapped { item, children } => {
                let _ = writeln!(s, "<{name}>");
                tabs(s, depth + 1, md);
                let _ = writeln!(s, "<{item}>");
                xml_nodes(s, children, depth + 2, md);
                tabs(s, depth + 1, md);
                let _ = writeln!(s, "</{item}>");
                tabs(s, depth, md);
                let _ = writeln!(s, "</{name}>");
            }
            Kind::WrappedScalars {
                item,
                value,
                second,
            } => {
                let _ = writeln!(s, "<{name}>");
                for v in [&value.example, second] {
                    tabs(s, depth + 1, md);
                    let _ = writeln!(s, "<{item}>{v}</{item}>");
                }
                tabs(s, depth, md);
                let _ = writeln!(s, "</{name}>");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Stages and floors, shared by `benches/regen.rs` and `cargo xtask bench-regen`.

/// The parse floor: every `pulldown_cmark` event (tables on) of every page. Returns the number of events.
pub fn parse_floor(pages: &[(String, String)]) -> usize {
    let options = pulldown_cmark::Options::ENABLE_TABLES;
    pages
        .iter()
        .map(|(_, text)| pulldown_cmark::Parser::new_ext(text, options).count())
        .sum()
}

/// The Rust files among `files`, parsed (outside the timed part of the format floor).
pub fn parse_generated(files: &[codegen::emit::GeneratedFile]) -> Vec<syn::File> {
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .filter_map(|f| syn::parse_file(&f.contents).ok())
        .collect()
}

/// The format floor: `prettyplease::unparse` of every parsed file. Returns the bytes written.
pub fn format_floor(files: &[syn::File]) -> usize {
    files.iter().map(|f| prettyplease::unparse(f).len()).sum()
}

/// The synthetic service `name` of these pages, through the loading stage regen uses
/// (`codegen::load::service_in_memory`): scan, read, limits, merge, `service.yaml`, the examples checked.
pub fn load(
    name: &str,
    pages: &[(String, String)],
) -> Result<codegen::load::ServiceRead, codegen::diag::Failure> {
    codegen::load::service_in_memory(name, &service_yaml(name), pages.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(n: usize, seed: u64) -> (usize, codegen::load::PagesRead) {
        let pages = pages(n, seed);
        assert_eq!(pages.len(), n);
        let dir =
            std::env::temp_dir().join(format!("codegen-synth-{}-{n}-{seed}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut files = Vec::new();
        for (name, text) in &pages {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            files.push(p);
        }
        let read = codegen::load::read_files(&files, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        (operation_count(&pages), read)
    }

    #[test]
    fn pages_read_back_without_errors_or_warnings() {
        for seed in [1, 2, 3] {
            let (ops, read) = read_back(60, seed);
            if !read.diagnostics.is_empty() {
                panic!("{}", read.sources.render(&read.diagnostics));
            }
            assert_eq!(read.operations.len(), ops);
            assert!((25..=50).contains(&ops), "{ops} operations for 60 pages");
        }
    }

    #[test]
    fn loaded_in_memory_as_from_disk_and_emits() {
        let pages = pages(30, 11);
        let loaded = load("synth", &pages).unwrap_or_else(|f| panic!("{f}"));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(loaded.service.operations.len(), operation_count(&pages));
        let files = codegen::emit::service(&loaded.service).unwrap();
        let parsed = parse_generated(&files);
        assert!(!parsed.is_empty());
        assert!(format_floor(&parsed) > 0);
        assert!(parse_floor(&pages) > 0);
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(pages(40, 7), pages(40, 7));
        assert_ne!(pages(40, 7), pages(40, 8));
    }

    #[test]
    fn tree_splits_pages_into_product_sized_services() {
        for n in [1, 100, 1_000, 3_333] {
            let t = tree(n, 3);
            let sizes: Vec<usize> = t.iter().map(|(_, p)| p.len()).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n, "{sizes:?}");
            assert!(
                sizes.iter().all(|&s| s <= 340 && (s >= 40 || n < 40)),
                "{sizes:?}"
            );
            let names: BTreeSet<&str> = t.iter().map(|(s, _)| s.as_str()).collect();
            assert_eq!(names.len(), t.len());
        }
        assert_eq!(tree(100, 3).len(), 1);
        assert!(tree(10_000, 3).len() >= 30);
        assert_eq!(tree(500, 3), tree(500, 3));
    }

    #[test]
    fn service_yaml_parses() {
        let c: codegen::load::ServiceConfig = serde_yaml::from_str(&service_yaml("synth")).unwrap();
        assert_eq!(c.product, PRODUCT);
    }
}
