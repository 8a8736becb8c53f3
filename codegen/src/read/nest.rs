//! Recovering the tree of a flat parameter table.
//!
//! The docs list an `Object` or `Array of X` row and then its children with no indentation. Where rows carry
//! `└` marks (older pages) the marks give the depth. Otherwise the examples decide: a row belongs to the
//! deepest open object whose example shows a field of that name, which also keeps apart a name used at
//! several depths. Rows no example shows stay in the innermost open object, except the names that by
//! Alibaba Cloud's conventions only stand at the top (`RequestId`, `TotalCount`, `ClientToken`, …).
//! Dotted request names (`Tag.N.Key`, `InstanceId.N`) say their own path.
//!
//! A response example that lacks a top-level object the table documents is of another version of the
//! response: it does not take rows out of that object. On older pages that leave the type of value lists
//! blank, a list row the example leaves out takes the form the example gives the others
//! (`{"X": {"X": [...]}}`).
//!
//! ARCHITECTURE.md lists every rule in the order `tree` applies them; where a rule is a guess (no example,
//! no marks), a warning says so at the row.

use crate::diag::{Code, Diagnostic};
use crate::model::{Field, Scalar, Shape, MAX_DEPTH};
use crate::read::examples::Node;
use std::collections::BTreeMap;

/// What the type column says a row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    Leaf(Scalar),
    /// `Array of String`.
    ArrayOfScalar(Scalar),
    /// `Array of KeyPair`: a list of objects, or, followed by a bare `KeyPair` row, an object holding one.
    ArrayOf(String),
    Object,
    /// `Array`, `List`, `RepeatList`: items are objects if rows follow, else strings.
    Array,
    Map,
    /// No type: a list wrapper's item row, or a container the page did not type.
    Untyped,
    /// `Spec`: an object whose fields a table of its own documents (filled in after the tree is built).
    Custom(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlatRow {
    /// Number of `└` marks.
    pub depth: usize,
    pub kind: RowKind,
    /// The field as read from the row; its shape is final for leaves only.
    pub field: Field,
}

pub use crate::model::Side;

/// Names that, unless an example shows them deeper, stand at the top of every response or request.
fn top_level(side: Side, name: &str) -> bool {
    match side {
        Side::Response => matches!(
            name,
            "RequestId"
                | "TotalCount"
                | "PageNumber"
                | "PageSize"
                | "NextToken"
                | "MaxResults"
                | "Code"
                | "Message"
                | "Success"
                | "HttpStatusCode"
                | "ErrorCode"
                | "ErrorMessage"
                | "DynamicCode"
                | "DynamicMessage"
        ),
        Side::Request => matches!(
            name,
            "ClientToken"
                | "RegionId"
                | "PageNumber"
                | "PageSize"
                | "NextToken"
                | "MaxResults"
                | "ResourceGroupId"
                | "DryRun"
                | "OwnerId"
                | "OwnerAccount"
                | "ResourceOwnerAccount"
                | "ResourceOwnerId"
        ),
    }
}

/// One field of the tree being built.
struct Item {
    row: FlatRow,
    children: Vec<usize>,
    /// `Array of X` followed by a bare `X` row: the object holding the list `X`.
    wrapper: Option<FlatRow>,
    /// The example's view of this field's value.
    node: Option<Node>,
    /// `node` comes from the row's own example cell, not from the page's example.
    self_shown: bool,
}

fn row_is_container(kind: &RowKind) -> bool {
    matches!(
        kind,
        RowKind::Object | RowKind::Array | RowKind::ArrayOf(_) | RowKind::Untyped
    )
}

/// An object or list row the example does not show.
fn unseen_container(it: &Item) -> bool {
    it.node.is_none()
        && matches!(
            it.row.kind,
            RowKind::Object | RowKind::Array | RowKind::ArrayOf(_)
        )
}

/// An example cell of a value list: one value, or a JSON list of values.
fn is_value_list_example(example: &str) -> bool {
    let t = example.trim();
    if t.is_empty() {
        return false;
    }
    if !(t.starts_with('[') || t.starts_with('{')) {
        return true;
    }
    // `{"a.jpg"}`: braces around values, not an object (an object has `"key":`).
    if t.starts_with('{') {
        return serde_json::from_str::<serde_json::Value>(t).is_err() && !t.contains("\":");
    }
    // Examples are often cut short (`["a", ...]`): a list whose first item is a value is enough.
    let first = t.trim_start_matches('[').trim_start();
    !first.starts_with('{') && !first.starts_with('[')
}

/// Every field name an example value shows, at any depth.
fn descendant_names(node: &Node, out: &mut std::collections::BTreeSet<String>) {
    if let Some(children) = node.children() {
        for (k, v) in children {
            out.insert(k.clone());
            descendant_names(v, out);
        }
    }
}

/// An example cell holding a JSON object or list of objects.
fn json_cell(example: &str) -> Option<Node> {
    let t = example.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let node = Node::from_json(&serde_json::from_str::<serde_json::Value>(t).ok()?);
    node.children().is_some().then_some(node)
}

/// An open object: the root (`None`) or an item, with the depth its children have.
struct Frame {
    item: Option<usize>,
    child_depth: usize,
}

/// Builds the tree of fields from the rows of one table side, in page order.
pub fn tree(
    rows: Vec<FlatRow>,
    example: Option<&Node>,
    side: Side,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let marked = rows.iter().any(|r| r.depth > 0);
    // One `└` for every depth: a marked container row followed by a row with the same single mark.
    let single_marks = marked
        && rows.iter().all(|r| r.depth <= 1)
        && rows.windows(2).any(|w| {
            w[0].depth == 1
                && w[1].depth == 1
                && matches!(w[0].kind, RowKind::Object | RowKind::ArrayOf(_))
        });
    let mut items: Vec<Item> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut stack: Vec<Frame> = vec![Frame {
        item: None,
        child_depth: 0,
    }];
    let known = |items: &[Item], frame: &Frame| -> Option<BTreeMap<String, Node>> {
        match frame.item {
            None => example.and_then(Node::children).cloned(),
            Some(i) => {
                let it = &items[i];
                let node = match (&it.wrapper, &it.node) {
                    (Some(w), Some(n)) => n.children().and_then(|c| c.get(&w.field.name)).cloned(),
                    (_, n) => n.clone(),
                };
                node.as_ref().and_then(Node::children).map(through_wrapper)
            }
        }
    };
    // An `Object` or `Array of X` row always has children, so the row after it is its first child.
    let mut just_opened = false;
    let mut too_deep = false;
    let mut guessed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    // How often each name is still to come: a name listed again further down is used at several depths.
    let mut later: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *later.entry(r.field.name.clone()).or_default() += 1;
    }
    // Whether the row after each one has no type (the item row of a list wrapper), and its name.
    let untyped_next: Vec<bool> = (0..rows.len())
        .map(|i| rows.get(i + 1).is_some_and(|r| r.kind == RowKind::Untyped))
        .collect();
    let next_name: Vec<Option<String>> = (0..rows.len())
        .map(|i| rows.get(i + 1).map(|r| r.field.name.clone()))
        .collect();
    let names: Vec<String> = rows.iter().map(|r| r.field.name.clone()).collect();
    // Top-level names of the example that the table's order put inside an object.
    let mut moved_out: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (index, row) in rows.into_iter().enumerate() {
        if let Some(n) = later.get_mut(&row.field.name) {
            *n -= 1;
        }
        // A bare row right after `Array of X` naming X is the list inside a wrapper object.
        if let Some(Frame {
            item: Some(top), ..
        }) = stack.last()
        {
            let it = &items[*top];
            // A bare `Array` is a wrapper when an untyped row follows it, unless the example shows the
            // list's items right under it.
            let bare_wrapper = it.row.kind == RowKind::Array
                && match &it.node {
                    Some(Node::Object(m)) => m.contains_key(&row.field.name),
                    Some(_) => false,
                    None => true,
                };
            if row.kind == RowKind::Untyped
                && it.children.is_empty()
                && it.wrapper.is_none()
                && (bare_wrapper
                    || matches!(&it.row.kind, RowKind::ArrayOf(x) if *x == row.field.name))
            {
                items[*top].wrapper = Some(row);
                continue;
            }
        }
        if row.field.name.contains('.') {
            // Request names say their whole path. A dotted response name (`Disk.Size`) says its path
            // from where it stands: inside the open item, or beside the open object it names.
            let start = match side {
                Side::Request => None,
                Side::Response => {
                    let first = row.field.name.split('.').next().unwrap_or("");
                    match (1..stack.len()).rev().find(|&k| {
                        stack[k]
                            .item
                            .is_some_and(|i| items[i].row.field.name == first)
                    }) {
                        Some(k) => stack[k - 1].item,
                        None => stack.last().and_then(|f| f.item),
                    }
                }
            };
            if start.is_none() {
                stack.truncate(1);
            }
            insert_path(&mut items, &mut roots, start, row);
            continue;
        }
        // Some tables mark every nested row with one `└` whatever its depth: the marks then say only
        // "not at the top", and the examples (or the order of rows) give the rest.
        if single_marks && row.depth == 0 {
            stack.truncate(1);
        } else if marked && !single_marks {
            while stack.len() > 1 && stack.last().is_some_and(|f| f.child_depth > row.depth) {
                stack.pop();
            }
        } else if !just_opened {
            let name = &row.field.name;
            // A container whose example cell shows its value holds only the names that value shows.
            while stack.len() > 1
                && stack.last().and_then(|f| f.item).is_some_and(|i| {
                    items[i].self_shown
                        && !known(&items, &stack[stack.len() - 1])
                            .is_some_and(|c| c.contains_key(name))
                })
            {
                stack.pop();
            }
            // A row named as the open object it would leave (`Data | Object`, its fields, then `Data | Map`)
            // cannot stand beside that object: no level holds one name twice.
            let holder = (0..stack.len())
                .rev()
                .find(|&k| known(&items, &stack[k]).is_some_and(|c| c.contains_key(name)))
                .filter(|&k| {
                    stack
                        .get(k + 1)
                        .and_then(|f| f.item)
                        .is_none_or(|i| items[i].row.field.name != *name)
                });
            // A response example that lacks a top-level object the table documents shows another version
            // of the response: it cannot say that a row stands outside that object. (A sample request shows
            // only the parameters it sets, so its gaps say nothing.)
            let other_version = side == Side::Response
                && stack.get(1).and_then(|f| f.item).is_some_and(|i| {
                    items[i].node.is_none()
                        && matches!(
                            items[i].row.kind,
                            RowKind::Object | RowKind::Array | RowKind::ArrayOf(_)
                        )
                });
            // Deeper down, an object the example leaves out is often one of several optional siblings the
            // example fills differently: a value it shows further up, whose name the table lists again
            // later, is this object's (the later row is the one further up).
            let again = later.get(name).is_some_and(|&n| n > 0);
            let unseen_below = |k: usize| {
                (side == Side::Response && again && !row_is_container(&row.kind))
                    .then(|| {
                        (k + 1..stack.len())
                            .find(|&j| stack[j].item.is_some_and(|i| unseen_container(&items[i])))
                    })
                    .flatten()
            };
            let holder = holder
                .filter(|&k| k > 0 || !(other_version || single_marks))
                .map(|k| {
                    let Some(j) = unseen_below(k) else {
                        return k;
                    };
                    // A guess: the example says nothing about the unseen object.
                    if let Some(i) = stack[j].item {
                        guessed.entry(i).or_default().push(name.clone());
                    }
                    j
                });
            // An object the example shows further up, whose rows are followed by rows the example shows
            // in the open object it would leave, stands inside that object in the table's order: the
            // example is of another version (`StackGroup | Struct`, …, `Detail | Struct`, its fields,
            // then more `StackGroup` fields).
            let holder = holder.map(|k| {
                if k + 1 >= stack.len() || !row_is_container(&row.kind) {
                    return k;
                }
                let mut own = std::collections::BTreeSet::new();
                if let Some(node) = known(&items, &stack[k]).and_then(|c| c.get(name).cloned()) {
                    descendant_names(&node, &mut own);
                }
                // Where the example shows nothing inside the object, it cannot say where its rows end.
                if own.is_empty() {
                    return k;
                }
                let after = names[index + 1..].iter().find(|n| !own.contains(*n));
                let inner = after.and_then(|n| {
                    (k + 1..stack.len())
                        .rev()
                        .find(|&j| known(&items, &stack[j]).is_some_and(|c| c.contains_key(n)))
                });
                let at_k = after.is_some_and(|n| {
                    known(&items, &stack[k]).is_some_and(|c| c.contains_key(n))
                });
                match inner {
                    Some(j) if !at_k => {
                        if k == 0 {
                            moved_out.insert(name.clone());
                        }
                        if let Some(i) = stack[j].item {
                            diags.push(
                                Diagnostic::new(Code::ExampleOutsideParent,
                                    row.field.span.clone(),
                                    format!(
                                        "the example shows `{name}` outside `{}`, but the rows around it are inside: read as its field",
                                        items[i].row.field.name
                                    ),
                                    "this row",
                                )
                                .hint("the example is probably of another version of the response"),
                            );
                        }
                        j
                    }
                    _ => k,
                }
            });
            // `ErrorCode` between `Duration` and `Filesize` of a list's items is theirs: a name that usually
            // stands at the top stays in the open object when the next row of another kind is the open
            // object's too (or nothing shows it elsewhere). `RequestId` always goes to the top.
            let between_fields = {
                side == Side::Response
                    && name != "RequestId"
                    && stack
                        .last()
                        .and_then(|f| f.item)
                        .is_some_and(|i| !items[i].children.is_empty())
                    && names[index + 1..]
                        .iter()
                        .find(|n| !top_level(side, n))
                        .is_some_and(|n| {
                            let shown_at = (0..stack.len()).rev().find(|&k| {
                                known(&items, &stack[k]).is_some_and(|c| c.contains_key(n))
                            });
                            shown_at.is_none_or(|k| k + 1 == stack.len())
                        })
            };
            // Two list wrappers in a row (`Boxes | Array`, `Box | |`, …, `Crates | Array`, `Crate | |`):
            // where no example tells, the second is a sibling of the first, not inside its items.
            let wrapper_after_wrapper = holder.is_none()
                && row.kind == RowKind::Array
                && untyped_next[index]
                && stack.len() > 1
                && stack.last().and_then(|f| f.item).is_some_and(|i| {
                    items[i].row.kind == RowKind::Array && items[i].wrapper.is_some()
                });
            // An object the example does not show, opened inside another it does not show, whose first
            // field has a name the open one already holds, is the open one's sibling (`AttachedMedia`,
            // `Audio`, `Image`, each with `AppId`, `CreationTime`, …).
            let sibling_object = holder.is_none()
                && !wrapper_after_wrapper
                && side == Side::Response
                && matches!(
                    row.kind,
                    RowKind::Object | RowKind::ArrayOf(_) | RowKind::Array
                )
                && stack.len() > 2
                && stack.last().and_then(|f| f.item).is_some_and(|i| {
                    let open = &items[i];
                    unseen_container(open)
                        && next_name[index].as_ref().is_some_and(|n| {
                            open.children.iter().any(|&c| items[c].row.field.name == *n)
                        })
                });
            if sibling_object || wrapper_after_wrapper {
                // A guess either way: the open one closes, and the warning says why.
                if let Some(i) = stack.pop().and_then(|f| f.item) {
                    let why = if sibling_object {
                        "its fields have the same names, so it is read as its sibling"
                    } else {
                        "a list wrapper right after another is read as its sibling"
                    };
                    let open = &items[i].row.field;
                    diags.push(
                        Diagnostic::new(
                            Code::NestingUnknown,
                            row.field.span.clone(),
                            format!(
                                "nothing on the page shows whether `{name}` is inside `{}`; {why}",
                                open.name
                            ),
                            "this row",
                        )
                        .also(open.span.clone(), "the one before it")
                        .hint("a JSON response example or `└` depth marks would tell"),
                    );
                }
            }
            match holder {
                _ if wrapper_after_wrapper || sibling_object => {}
                Some(k) => stack.truncate(k + 1),
                // Paging fields listed together inside an object (`NextToken`, `MaxResults`) stay there.
                // So do the first fields of a list the example shows holding objects (`Code` first in
                // `RiskResources | Array`), where the example shows them nowhere.
                None if top_level(side, name)
                    && !single_marks
                    && !between_fields
                    && !stack.last().and_then(|f| f.item).is_some_and(|i| {
                        let it = &items[i];
                        let fresh_list = it.row.kind == RowKind::Array
                            && it.children.is_empty()
                            && it.node.as_ref().is_some_and(|n| n.children().is_some());
                        fresh_list
                            || it
                                .children
                                .last()
                                .is_some_and(|&c| top_level(side, &items[c].row.field.name))
                    }) =>
                {
                    stack.truncate(1)
                }
                None => {
                    // Nothing on the page says where the open object ends: say so once per object.
                    if let Some(Frame {
                        item: Some(top), ..
                    }) = stack.last()
                    {
                        if !items[*top].children.is_empty()
                            && known(&items, &stack[stack.len() - 1]).is_none()
                        {
                            guessed
                                .entry(*top)
                                .or_default()
                                .push(row.field.name.clone());
                        }
                    }
                }
            }
        }
        let parent = stack.last().and_then(|f| f.item);
        let node = known(
            &items,
            stack.last().unwrap_or(&Frame {
                item: None,
                child_depth: 0,
            }),
        )
        .and_then(|c| c.get(&row.field.name).cloned());
        // `Outputs | Array of Object | [{"Key": "a"}]`: the example cell shows the value.
        let cell_node = if row_is_container(&row.kind) {
            row.field.example.as_deref().and_then(json_cell)
        } else {
            None
        };
        let self_shown = node.is_none() && cell_node.is_some();
        let node = node.or(cell_node);
        let opens = match &row.kind {
            RowKind::Object | RowKind::ArrayOf(_) => true,
            // `Aliases | List | foo` or `["a", "b"]`: a list of values, which holds no rows; unless the
            // example shows it holding objects.
            RowKind::Array => {
                node.as_ref().is_some_and(|n| n.children().is_some())
                    || !row
                        .field
                        .example
                        .as_deref()
                        .is_some_and(is_value_list_example)
            }
            RowKind::Untyped => node.as_ref().is_none_or(|n| n.children().is_some()),
            RowKind::Map | RowKind::Custom(_) => false,
            // A scalar-typed row is a leaf, even where the example shows JSON text as an object.
            RowKind::Leaf(_) => false,
            // A value list the example shows as `{"PortNos": {"PortNo": [80]}}` is an object holding the
            // list; otherwise it is a leaf too.
            RowKind::ArrayOfScalar(_) => {
                !marked
                    && matches!(&node, Some(Node::Object(m))
                        if m.len() == 1 && m.values().all(|v| matches!(v, Node::Array(_))))
            }
        };
        let depth = row.depth;
        let id = items.len();
        items.push(Item {
            row,
            children: Vec::new(),
            wrapper: None,
            node,
            self_shown,
        });
        match parent {
            Some(p) => items[p].children.push(id),
            None => roots.push(id),
        }
        just_opened = false;
        if opens && stack.len() > MAX_DEPTH {
            if !too_deep {
                too_deep = true;
                diags.push(
                    Diagnostic::new(Code::NestTooDeep,
                        items[id].row.field.span.clone(),
                        format!("fields nest more than {MAX_DEPTH} deep here; the rows after this one are read as its siblings"),
                        "this row",
                    )
                    .hint("no Alibaba Cloud response nests this deep: the type column is probably wrong"),
                );
            }
        } else if opens {
            stack.push(Frame {
                item: Some(id),
                child_depth: depth + 1,
            });
            just_opened =
                matches!(items[id].row.kind, RowKind::Object | RowKind::ArrayOf(_)) && !self_shown;
        }
    }
    for (id, names) in guessed {
        let it = &items[id];
        diags.push(
            Diagnostic::new(
                Code::NestEndUnknown,
                it.row.field.span.clone(),
                format!(
                    "nothing on the page shows where `{}` ends; {} read as its field(s)",
                    it.row.field.name,
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "this object",
            )
            .hint("a JSON response example or `└` depth marks would tell"),
        );
    }
    if side == Side::Response {
        untyped_lists_as_shown(&mut items);
    }
    // What an example of another version shows at the top but the table documents inside an object the
    // example lacks is that object's, not a second field.
    let mut moved = moved_out;
    if side == Side::Response && example.is_some() {
        let mut open: Vec<usize> = roots
            .iter()
            .copied()
            .filter(|&r| {
                items[r].node.is_none()
                    && matches!(
                        items[r].row.kind,
                        RowKind::Object | RowKind::Array | RowKind::ArrayOf(_)
                    )
            })
            .collect();
        while let Some(i) = open.pop() {
            for &c in &items[i].children {
                moved.insert(items[c].row.field.name.clone());
                open.push(c);
            }
        }
    }
    let shown = example.and_then(Node::children).map(|m| {
        m.iter()
            .filter(|(k, _)| !moved.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
    });
    let mut fields: Vec<Field> = roots.iter().map(|&i| build(&items, i, side)).collect();
    let span = fields.first().map(|f| f.span.clone()).unwrap_or_default();
    add_shown(&mut fields, shown.as_ref(), &span, side);
    fields
}

/// Older pages leave the type of a list of values blank. Where the example shows each such row (untyped, with
/// no rows under it) that it shows at all as an object holding a list of the same name
/// (`{"LevelList": {"LevelList": ["WARN"]}}`), the rows of that kind it leaves out are read the same way.
fn untyped_lists_as_shown(items: &mut [Item]) {
    let bare = |it: &Item| {
        it.row.kind == RowKind::Untyped && it.children.is_empty() && it.wrapper.is_none()
    };
    let same_name_list = |it: &Item| match &it.node {
        Some(Node::Object(m)) => {
            m.len() == 1
                && matches!(m.get(&it.row.field.name), Some(Node::Array(v)) if v.children().is_none())
        }
        _ => false,
    };
    let mut shown = items.iter().filter(|it| bare(it) && it.node.is_some());
    let first = shown.next();
    if first.is_none_or(|f| !same_name_list(f)) || !shown.all(same_name_list) {
        return;
    }
    for it in items.iter_mut().filter(|it| bare(it) && it.node.is_none()) {
        let list = Node::Array(Box::new(Node::Scalar));
        it.node = Some(Node::Object(BTreeMap::from([(
            it.row.field.name.clone(),
            list,
        )])));
    }
}

/// The children an example shows, plus, where it shows an object holding just one list (`{"X": [...]}`),
/// the fields of that list's items: the table may list them straight under the object.
fn through_wrapper(children: &BTreeMap<String, Node>) -> BTreeMap<String, Node> {
    let mut out = children.clone();
    if let (1, Some((_, Node::Array(item)))) = (children.len(), children.iter().next()) {
        if let Some(inner) = item.children() {
            for (k, v) in inner {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    out
}

/// The list the example shows inside an object (`{"X": [...]}`), when the table lists the items' fields
/// straight under the object.
fn shown_wrapper(node: Option<&Node>, children: &[Field]) -> Option<String> {
    let Some(Node::Object(m)) = node else {
        return None;
    };
    let (1, Some((k, Node::Array(_)))) = (m.len(), m.iter().next()) else {
        return None;
    };
    (!children.iter().any(|f| f.name == *k)).then(|| k.clone())
}

/// The one name under which the example shows a value list's values, if it shows them in an object.
fn value_list_wrapper(it: &Item) -> Option<String> {
    let Some(Node::Object(m)) = &it.node else {
        return None;
    };
    let (1, Some((k, v))) = (m.len(), m.iter().next()) else {
        return None;
    };
    v.children().is_none().then(|| k.clone())
}

/// `Tag.N.Key` → field `Tag` (at the root, or under `start`), a list of objects holding `Key`; `Id.N` → a list
/// of strings.
fn insert_path(items: &mut Vec<Item>, roots: &mut Vec<usize>, start: Option<usize>, row: FlatRow) {
    let segments: Vec<&str> = row.field.name.split('.').collect();
    let mut path: Vec<(String, bool)> = Vec::new();
    for s in segments {
        let is_index =
            s == "N" || s == "n" || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
        match (is_index, path.last_mut()) {
            (true, Some(last)) => last.1 = true,
            (true, None) => {}
            (false, _) if !s.is_empty() => path.push((s.to_string(), false)),
            _ => {}
        }
    }
    path.truncate(MAX_DEPTH);
    let Some(((leaf, leaf_list), parents)) = path.split_last() else {
        return;
    };
    let mut level: Option<usize> = start;
    for (name, list) in parents {
        let siblings = match level {
            None => roots.clone(),
            Some(p) => items[p].children.clone(),
        };
        let found = siblings
            .into_iter()
            .find(|&c| items[c].row.field.name == *name);
        let id = match found {
            Some(id) => id,
            None => {
                let mut field = row.field.clone();
                field.name = name.clone();
                field.docs = Default::default();
                field.example = None;
                field.encoding = Default::default();
                // `Tag.N.Key | 是` is required within each tag, not the tags: a container no row of its own
                // documents is optional.
                field.required = false;
                let kind = if *list {
                    RowKind::ArrayOf(name.clone())
                } else {
                    RowKind::Object
                };
                attach(
                    items,
                    roots,
                    level,
                    FlatRow {
                        depth: 0,
                        kind,
                        field,
                    },
                )
            }
        };
        level = Some(id);
    }
    let mut field = row.field;
    field.name = leaf.clone();
    let kind = match (&row.kind, leaf_list) {
        (RowKind::Leaf(s), true) => RowKind::ArrayOfScalar(*s),
        (RowKind::Untyped, true) => RowKind::ArrayOfScalar(Scalar::String),
        (RowKind::Custom(t), true) => RowKind::ArrayOf(t.clone()),
        (k, _) => k.clone(),
    };
    // A `Tag.N.Key` leaf keeps its enum, if any: the list wraps it below in `build`.
    attach(
        items,
        roots,
        level,
        FlatRow {
            depth: 0,
            kind,
            field,
        },
    );
}

/// Adds a field under `parent` (the root when `None`) and returns its index.
fn attach(
    items: &mut Vec<Item>,
    roots: &mut Vec<usize>,
    parent: Option<usize>,
    row: FlatRow,
) -> usize {
    let id = items.len();
    items.push(Item {
        row,
        children: Vec::new(),
        wrapper: None,
        node: None,
        self_shown: false,
    });
    match parent {
        Some(p) => items[p].children.push(id),
        None => roots.push(id),
    }
    id
}

/// Fields the example shows that the table does not list, appended in the example's (name) order, with the
/// type the example value has. Responses only: a request example shows values, not the parameters' shape.
fn add_shown(
    fields: &mut Vec<Field>,
    shown: Option<&BTreeMap<String, Node>>,
    span: &crate::model::Span,
    side: Side,
) {
    let Some(shown) = shown.filter(|_| side == Side::Response) else {
        return;
    };
    for (name, node) in shown {
        if fields.iter().any(|f| f.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        fields.push(Field {
            name: name.clone(),
            shape: node.shape(),
            required: false,
            docs: Default::default(),
            example: None,
            encoding: Default::default(),
            location: None,
            span: span.clone(),
        });
    }
}

fn build(items: &[Item], id: usize, side: Side) -> Field {
    let it = &items[id];
    let mut children: Vec<Field> = it.children.iter().map(|&c| build(items, c, side)).collect();
    if !children.is_empty() {
        let shown = it.node.as_ref().and_then(Node::children);
        // Where the example wraps the items in `{"X": [...]}`, what it shows belongs to the items.
        let shown = match shown_wrapper(it.node.as_ref(), &children) {
            Some(k) => shown.and_then(|m| m.get(&k)).and_then(Node::children),
            None => shown,
        };
        add_shown(&mut children, shown, &it.row.field.span, side);
    }
    let mut field = it.row.field.clone();
    let example_is_array = matches!(it.node, Some(Node::Array(_)));
    let example_is_object = matches!(it.node, Some(Node::Object(_)));
    let objects = |children: Vec<Field>| Shape::Object(children);
    field.shape = match &it.row.kind {
        // A response `Json` field is an object of the form the example shows.
        RowKind::Leaf(Scalar::Json)
            if children.is_empty() && example_is_object && side == Side::Response =>
        {
            it.node.as_ref().map(Node::shape).unwrap_or(Shape::Map)
        }
        // The example shows a list where the table says one value (`VSwitchId | String` in a wrapper).
        RowKind::Leaf(_) if children.is_empty() && example_is_array && side == Side::Response => {
            Shape::Array(Box::new(it.row.field.shape.clone()))
        }
        RowKind::Leaf(_) if children.is_empty() => it.row.field.shape.clone(),
        // A value list the example shows as an object holding one name (`{"Snapshot": [...]}`, or the
        // XML `<Snapshots><Snapshot>`): an object holding the list of that name.
        RowKind::Array | RowKind::ArrayOfScalar(_)
            if children.is_empty() && it.wrapper.is_none() && value_list_wrapper(it).is_some() =>
        {
            let mut list = field.clone();
            list.name = value_list_wrapper(it).unwrap_or_default();
            list.docs = Default::default();
            list.example = None;
            list.required = false;
            let item = match (&it.row.kind, &it.row.field.shape) {
                (RowKind::ArrayOfScalar(_), Shape::Enum(e)) => Shape::Enum(e.clone()),
                (RowKind::ArrayOfScalar(s), _) => Shape::Scalar(*s),
                _ => Shape::Scalar(Scalar::String),
            };
            list.shape = Shape::Array(Box::new(item));
            Shape::Object(vec![list])
        }
        RowKind::ArrayOfScalar(s) if children.is_empty() => match &it.row.field.shape {
            Shape::Enum(e) => Shape::Array(Box::new(Shape::Enum(e.clone()))),
            _ => Shape::Array(Box::new(Shape::Scalar(*s))),
        },
        RowKind::Map => Shape::Map,
        RowKind::Custom(_) => Shape::Object(Vec::new()),
        _ if it.wrapper.is_some() => {
            let inner = it
                .wrapper
                .as_ref()
                .map(|w| w.field.name.clone())
                .unwrap_or_default();
            let item = if children.is_empty() {
                Shape::Scalar(Scalar::String)
            } else {
                objects(children)
            };
            let mut list = field.clone();
            list.name = inner;
            list.docs = Default::default();
            list.example = None;
            list.required = false;
            list.shape = Shape::Array(Box::new(item));
            Shape::Object(vec![list])
        }
        _ if shown_wrapper(it.node.as_ref(), &children).is_some() => {
            // The example shows `{"X": [...]}` where the table lists X's fields under this row.
            let mut list = field.clone();
            list.name = shown_wrapper(it.node.as_ref(), &children).unwrap_or_default();
            list.docs = Default::default();
            list.example = None;
            list.required = false;
            list.shape = Shape::Array(Box::new(match (children.is_empty(), &it.row.kind) {
                (false, _) => objects(children),
                (true, RowKind::ArrayOfScalar(s)) => Shape::Scalar(*s),
                (true, _) => Shape::Scalar(Scalar::String),
            }));
            Shape::Object(vec![list])
        }
        RowKind::ArrayOf(_) => {
            let item = if children.is_empty() {
                Shape::Object(Vec::new())
            } else {
                objects(children)
            };
            Shape::Array(Box::new(item))
        }
        RowKind::Array => {
            if children.is_empty() {
                Shape::Array(Box::new(Shape::Scalar(Scalar::String)))
            } else {
                Shape::Array(Box::new(objects(children)))
            }
        }
        RowKind::Object | RowKind::Untyped
            if children.is_empty()
                && it.row.kind == RowKind::Untyped
                && !example_is_object
                && !example_is_array =>
        {
            Shape::Scalar(Scalar::String)
        }
        _ if example_is_array => Shape::Array(Box::new(objects(children))),
        _ => objects(children),
    };
    field
}
