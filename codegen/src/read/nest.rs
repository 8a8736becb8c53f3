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
use crate::model::{Field, Origin, Scalar, Shape, MAX_DEPTH};
use crate::read::examples::Node;
use std::collections::{BTreeMap, BTreeSet};

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
    // Examples are often cut short (`["a", ...]`): a list whose first item is a value is enough. An empty
    // list (`[]`) shows no item, so it says nothing.
    let first = t.trim_start_matches('[').trim_start();
    !first.starts_with('{') && !first.starts_with('[') && !first.starts_with(']')
}

/// Every field name an example value shows, at any depth.
fn descendant_names(node: &Node, out: &mut BTreeSet<String>) {
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

/// What the rows say as a whole, read once before any is placed.
struct Layout {
    /// Some rows carry `└` marks.
    marked: bool,
    /// Every nested row has a single `└` whatever its depth: the marks say only "not at the top".
    single_marks: bool,
    names: Vec<String>,
    /// Whether the row after each one has no type (the item row of a list wrapper).
    untyped_next: Vec<bool>,
    next_name: Vec<Option<String>>,
}

impl Layout {
    fn of(rows: &[FlatRow]) -> Layout {
        let marked = rows.iter().any(|r| r.depth > 0);
        // One `└` for every depth: a marked container row followed by a row with the same single mark.
        let single_marks = marked
            && rows.iter().all(|r| r.depth <= 1)
            && rows
                .windows(2)
                .any(|w| w[0].depth == 1 && w[1].depth == 1 && is_parent_row(&w[0]));
        Layout {
            marked,
            single_marks,
            names: rows.iter().map(|r| r.field.name.clone()).collect(),
            untyped_next: (0..rows.len())
                .map(|i| rows.get(i + 1).is_some_and(|r| r.kind == RowKind::Untyped))
                .collect(),
            next_name: (0..rows.len())
                .map(|i| rows.get(i + 1).map(|r| r.field.name.clone()))
                .collect(),
        }
    }
}

/// The tree being built from one table side, a row at a time. Each nesting rule of ARCHITECTURE.md is one
/// method below, in the order `place` applies them.
struct Builder<'e> {
    example: Option<&'e Node>,
    side: Side,
    layout: Layout,
    items: Vec<Item>,
    roots: Vec<usize>,
    stack: Vec<Frame>,
    /// The last row opened an `Object` or `Array of X`: this row is its first child.
    just_opened: bool,
    too_deep: bool,
    /// Objects whose end nothing on the page shows, with the rows read as theirs.
    guessed: BTreeMap<usize, Vec<String>>,
    /// How often each name is still to come: a name listed again further down is used at several depths.
    later: BTreeMap<String, usize>,
    /// Top-level names of the example that the table's order put inside an object.
    moved_out: BTreeSet<String>,
}

/// Builds the tree of fields from the rows of one table side, in page order.
pub fn tree(
    rows: Vec<FlatRow>,
    example: Option<&Node>,
    side: Side,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let mut later: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *later.entry(r.field.name.clone()).or_default() += 1;
    }
    let names: BTreeSet<&str> = rows.iter().map(|r| r.field.name.as_str()).collect();
    let cased = example.map(|e| table_case(e, &names));
    let mut b = Builder {
        example: cased.as_ref(),
        side,
        layout: Layout::of(&rows),
        items: Vec::new(),
        roots: Vec::new(),
        stack: vec![Frame {
            item: None,
            child_depth: 0,
        }],
        just_opened: false,
        too_deep: false,
        guessed: BTreeMap::new(),
        later,
        moved_out: BTreeSet::new(),
    };
    for (index, row) in rows.into_iter().enumerate() {
        b.place(index, row, diags);
    }
    b.finish(diags)
}

impl Builder<'_> {
    /// The fields the example shows in an open object (through a list wrapper, see `through_wrapper`).
    fn known(&self, frame: &Frame) -> Option<BTreeMap<String, Node>> {
        match frame.item {
            None => self.example.and_then(Node::children).cloned(),
            Some(i) => {
                let it = &self.items[i];
                let node = match (&it.wrapper, &it.node) {
                    (Some(w), Some(n)) => n.children().and_then(|c| c.get(&w.field.name)).cloned(),
                    (_, n) => n.clone(),
                };
                node.as_ref().and_then(Node::children).map(through_wrapper)
            }
        }
    }

    /// Whether the example shows `name` in the open object at stack level `k`.
    fn shows(&self, k: usize, name: &str) -> bool {
        self.known(&self.stack[k])
            .is_some_and(|c| c.contains_key(name))
    }

    fn open_item(&self) -> Option<usize> {
        self.stack.last().and_then(|f| f.item)
    }

    /// Places one row, in page order.
    fn place(&mut self, index: usize, row: FlatRow, diags: &mut Vec<Diagnostic>) {
        if let Some(n) = self.later.get_mut(&row.field.name) {
            *n -= 1;
        }
        let Some(row) = self.take_as_wrapper(row) else {
            return;
        };
        if row.field.name.contains('.') {
            self.place_dotted(row);
            return;
        }
        if self.layout.single_marks && row.depth == 0 {
            self.stack.truncate(1);
        } else if self.layout.marked && !self.layout.single_marks {
            self.close_by_marks(row.depth);
        } else if !self.just_opened {
            self.settle(index, &row, diags);
        }
        self.open(row, diags);
    }

    /// Rule 3: a bare row right after `Array of X` naming X, or an untyped row after a bare `Array`, is the
    /// list inside a wrapper object (unless the example shows the list's items right under the `Array`).
    /// Gives the row back when it is not such a row.
    fn take_as_wrapper(&mut self, row: FlatRow) -> Option<FlatRow> {
        let Some(top) = self.open_item() else {
            return Some(row);
        };
        let it = &self.items[top];
        let bare_wrapper = it.row.kind == RowKind::Array
            && match &it.node {
                Some(Node::Object(m)) => m.contains_key(&row.field.name),
                Some(_) => false,
                None => true,
            };
        if row.kind == RowKind::Untyped
            && it.children.is_empty()
            && it.wrapper.is_none()
            && (bare_wrapper || matches!(&it.row.kind, RowKind::ArrayOf(x) if *x == row.field.name))
        {
            self.items[top].wrapper = Some(row);
            return None;
        }
        Some(row)
    }

    /// Rule 1: dotted names say their own path. Request names say their whole path; a dotted response name
    /// (`Disk.Size`) says its path from where it stands: inside the open item, or beside the open object it
    /// names.
    fn place_dotted(&mut self, row: FlatRow) {
        let start = match self.side {
            Side::Request => None,
            Side::Response => {
                let first = row.field.name.split('.').next().unwrap_or("");
                match (1..self.stack.len()).rev().find(|&k| {
                    self.stack[k]
                        .item
                        .is_some_and(|i| self.items[i].row.field.name == first)
                }) {
                    Some(k) => self.stack[k - 1].item,
                    None => self.open_item(),
                }
            }
        };
        if start.is_none() {
            self.stack.truncate(1);
        }
        insert_path(&mut self.items, &mut self.roots, start, row);
    }

    /// Rule 2: `└` marks give the depth.
    fn close_by_marks(&mut self, depth: usize) {
        while self.stack.len() > 1 && self.stack.last().is_some_and(|f| f.child_depth > depth) {
            self.stack.pop();
        }
    }

    /// Rules 4 to 7: with no marks to go by (or only single ones), the examples and the names decide which
    /// open object the row goes to; the objects above it close.
    fn settle(&mut self, index: usize, row: &FlatRow, diags: &mut Vec<Diagnostic>) {
        let name = &row.field.name;
        self.close_shown_cells(name);
        let holder = self.holder_by_example(index, row, diags);
        let between_fields = self.between_fields(index, name);
        let wrapper_after_wrapper = holder.is_none() && self.wrapper_after_wrapper(index, row);
        let sibling_object =
            holder.is_none() && !wrapper_after_wrapper && self.sibling_object(index, row);
        if sibling_object || wrapper_after_wrapper {
            self.close_as_sibling(row, sibling_object, diags);
            return;
        }
        match holder {
            Some(k) => self.stack.truncate(k + 1),
            None => self.place_unshown(name, between_fields),
        }
    }

    /// Rule 4: a container whose example cell shows its value (`[{"Key": "a"}]`) holds only the names that
    /// value shows.
    fn close_shown_cells(&mut self, name: &str) {
        while self.stack.len() > 1
            && self.open_item().is_some_and(|i| {
                self.items[i].self_shown && !self.shows(self.stack.len() - 1, name)
            })
        {
            self.stack.pop();
        }
    }

    /// Rules 5 and 6: the deepest open object whose example shows a field of this name holds the row, with
    /// the exceptions the methods below give.
    fn holder_by_example(
        &mut self,
        index: usize,
        row: &FlatRow,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        let name = &row.field.name;
        let holder = (0..self.stack.len()).rev().find(|&k| self.shows(k, name));
        // A response example that lacks a top-level object the table documents shows another version of the
        // response: it cannot say that a row stands outside that object. (A sample request shows only the
        // parameters it sets, so its gaps say nothing.)
        let other_version = self.side == Side::Response
            && self
                .stack
                .get(1)
                .and_then(|f| f.item)
                .is_some_and(|i| unseen_container(&self.items[i]));
        let holder = holder
            .filter(|&k| k > 0 || !(other_version || self.layout.single_marks))
            .filter(|&k| !self.holds_already(k, name))
            .map(|k| self.kept_by_unseen_object(k, row));
        holder.map(|k| self.kept_by_order(k, index, row, diags))
    }

    /// Rule 5, an exception: a row that repeats the name of an open object inside it is not taken up beside
    /// that object; the example shows the outer one (`Data | Object`, `UpdateTime`, `Data | Map`: the
    /// example shows only the outer `Data`).
    fn holds_already(&self, k: usize, name: &str) -> bool {
        self.stack[k + 1..]
            .iter()
            .filter_map(|f| f.item)
            .any(|i| self.items[i].row.field.name == name)
    }

    /// Rule 6: deeper down, an object the example leaves out is often one of several optional siblings the
    /// example fills differently: a value it shows further up, whose name the table lists again later, is
    /// this object's (the later row is the one further up). A guess, warned.
    fn kept_by_unseen_object(&mut self, k: usize, row: &FlatRow) -> usize {
        let name = &row.field.name;
        let again = self.later.get(name).is_some_and(|&n| n > 0);
        if !(self.side == Side::Response && again && !row_is_container(&row.kind)) {
            return k;
        }
        let Some(j) = (k + 1..self.stack.len()).find(|&j| {
            self.stack[j]
                .item
                .is_some_and(|i| unseen_container(&self.items[i]))
        }) else {
            return k;
        };
        if let Some(i) = self.stack[j].item {
            self.guessed.entry(i).or_default().push(name.clone());
        }
        j
    }

    /// Rule 5, last part: an object the example shows further up, whose rows are followed by rows the
    /// example shows in the open object it would leave, stands inside that object in the table's order: the
    /// example is of another version (`StackGroup | Struct`, …, `Detail | Struct`, its fields, then more
    /// `StackGroup` fields). Warned.
    fn kept_by_order(
        &mut self,
        k: usize,
        index: usize,
        row: &FlatRow,
        diags: &mut Vec<Diagnostic>,
    ) -> usize {
        let name = &row.field.name;
        if k + 1 >= self.stack.len() || !row_is_container(&row.kind) {
            return k;
        }
        let mut own = BTreeSet::new();
        if let Some(node) = self
            .known(&self.stack[k])
            .and_then(|c| c.get(name).cloned())
        {
            descendant_names(&node, &mut own);
        }
        // Where the example shows nothing inside the object, it cannot say where its rows end.
        if own.is_empty() {
            return k;
        }
        let after = self.layout.names[index + 1..]
            .iter()
            .find(|n| !own.contains(*n));
        let inner = after.and_then(|n| (k + 1..self.stack.len()).rev().find(|&j| self.shows(j, n)));
        let at_k = after.is_some_and(|n| self.shows(k, n));
        match inner {
            Some(j) if !at_k => {
                if k == 0 {
                    self.moved_out.insert(name.clone());
                }
                if let Some(i) = self.stack[j].item {
                    diags.push(
                        Diagnostic::new(
                            Code::ExampleOutsideParent,
                            row.field.span.clone(),
                            format!(
                                "the example shows `{name}` outside `{}`, but the rows around it are inside: read as its field",
                                self.items[i].row.field.name
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
    }

    /// Rule 7, an exception: `ErrorCode` between `Duration` and `Filesize` of a list's items is theirs. A name
    /// that usually stands at the top stays in the open object when the next row of another kind is the open
    /// object's too (or nothing shows it elsewhere). `RequestId` always goes to the top.
    fn between_fields(&self, index: usize, name: &str) -> bool {
        self.side == Side::Response
            && name != "RequestId"
            && self
                .open_item()
                .is_some_and(|i| !self.items[i].children.is_empty())
            && self.layout.names[index + 1..]
                .iter()
                .find(|n| !top_level(self.side, n))
                .is_some_and(|n| {
                    let shown_at = (0..self.stack.len()).rev().find(|&k| self.shows(k, n));
                    shown_at.is_none_or(|k| k + 1 == self.stack.len())
                })
    }

    /// Rule 3, last part: two list wrappers in a row (`Boxes | Array`, `Box | |`, …, `Crates | Array`,
    /// `Crate | |`): where no example tells, the second is a sibling of the first, not inside its items.
    fn wrapper_after_wrapper(&self, index: usize, row: &FlatRow) -> bool {
        row.kind == RowKind::Array
            && self.layout.untyped_next[index]
            && self.stack.len() > 1
            && self.open_item().is_some_and(|i| {
                self.items[i].row.kind == RowKind::Array && self.items[i].wrapper.is_some()
            })
    }

    /// Rule 6, last part: an object the example does not show, opened inside another it does not show, whose
    /// first field has a name the open one already holds, is the open one's sibling (`AttachedMedia`,
    /// `Audio`, `Image`, each with `AppId`, `CreationTime`, …; `Passed | Array`, `Mail`, `Reason`,
    /// `Refused | Array`, `Mail`, …), at the top as deeper down.
    fn sibling_object(&self, index: usize, row: &FlatRow) -> bool {
        self.side == Side::Response
            && matches!(
                row.kind,
                RowKind::Object | RowKind::ArrayOf(_) | RowKind::Array
            )
            && self.stack.len() > 1
            && self.open_item().is_some_and(|i| {
                let open = &self.items[i];
                unseen_container(open)
                    && self.layout.next_name[index].as_ref().is_some_and(|n| {
                        open.children
                            .iter()
                            .any(|&c| self.items[c].row.field.name == *n)
                    })
            })
    }

    /// A guess either way: the open object closes, and a warning says why.
    fn close_as_sibling(
        &mut self,
        row: &FlatRow,
        sibling_object: bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(i) = self.stack.pop().and_then(|f| f.item) else {
            return;
        };
        let why = if sibling_object {
            "its fields have the same names, so it is read as its sibling"
        } else {
            "a list wrapper right after another is read as its sibling"
        };
        let open = &self.items[i].row.field;
        diags.push(
            Diagnostic::new(
                Code::NestingUnknown,
                row.field.span.clone(),
                format!(
                    "nothing on the page shows whether `{}` is inside `{}`; {why}",
                    row.field.name, open.name
                ),
                "this row",
            )
            .also(open.span.clone(), "the one before it")
            .hint("a JSON response example or `└` depth marks would tell"),
        );
    }

    /// Rule 7: rows no example shows stay in the innermost open object, except the names that by convention
    /// stand at the top (`RequestId`, `TotalCount`, `NextToken`, …). Paging fields listed together inside an
    /// object (`NextToken`, `MaxResults`) stay there; so do the first fields of a list the example shows
    /// holding objects (`Code` first in `RiskResources | Array`), where the example shows them nowhere.
    fn place_unshown(&mut self, name: &str, between_fields: bool) {
        let side = self.side;
        let stays_inside = self.open_item().is_some_and(|i| {
            let it = &self.items[i];
            let fresh_list = it.row.kind == RowKind::Array
                && it.children.is_empty()
                && it.node.as_ref().is_some_and(|n| n.children().is_some());
            fresh_list
                || it
                    .children
                    .last()
                    .is_some_and(|&c| top_level(side, &self.items[c].row.field.name))
        });
        if top_level(side, name) && !self.layout.single_marks && !between_fields && !stays_inside {
            self.stack.truncate(1);
            return;
        }
        // Nothing on the page says where the open object ends: say so once per object.
        if let Some(top) = self.open_item() {
            if !self.items[top].children.is_empty()
                && self.known(&self.stack[self.stack.len() - 1]).is_none()
            {
                self.guessed.entry(top).or_default().push(name.to_string());
            }
        }
    }

    /// Adds the row under the open object, and opens it when it is a container.
    fn open(&mut self, row: FlatRow, diags: &mut Vec<Diagnostic>) {
        let parent = self.open_item();
        let root = Frame {
            item: None,
            child_depth: 0,
        };
        let node = self
            .known(self.stack.last().unwrap_or(&root))
            .and_then(|c| c.get(&row.field.name).cloned());
        // `Outputs | Array of Object | [{"Key": "a"}]`: the example cell shows the value.
        let cell_node = if row_is_container(&row.kind) {
            row.field.example.as_deref().and_then(json_cell)
        } else {
            None
        };
        let self_shown = node.is_none() && cell_node.is_some();
        let node = node.or(cell_node);
        let opens = opens(&row, node.as_ref(), self.layout.marked);
        let depth = row.depth;
        let id = self.items.len();
        self.items.push(Item {
            row,
            children: Vec::new(),
            wrapper: None,
            node,
            self_shown,
        });
        match parent {
            Some(p) => self.items[p].children.push(id),
            None => self.roots.push(id),
        }
        self.just_opened = false;
        if opens && self.stack.len() > MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                diags.push(
                    Diagnostic::new(
                        Code::NestTooDeep,
                        self.items[id].row.field.span.clone(),
                        format!("fields nest more than {MAX_DEPTH} deep here; the rows after this one are read as its siblings"),
                        "this row",
                    )
                    .hint("no Alibaba Cloud response nests this deep: the type column is probably wrong"),
                );
            }
        } else if opens {
            self.stack.push(Frame {
                item: Some(id),
                child_depth: depth + 1,
            });
            self.just_opened = matches!(
                self.items[id].row.kind,
                RowKind::Object | RowKind::ArrayOf(_)
            ) && !self_shown;
        }
    }

    /// The guesses warned, the shapes settled: the fields.
    fn finish(mut self, diags: &mut Vec<Diagnostic>) -> Vec<Field> {
        for (id, names) in &self.guessed {
            let it = &self.items[*id];
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
        if self.side == Side::Response {
            untyped_lists_as_shown(&mut self.items);
        }
        let moved = self.moved_to_unseen_objects();
        let shown = self.example.and_then(Node::children).map(|m| {
            m.iter()
                .filter(|(k, _)| !moved.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>()
        });
        let mut fields: Vec<Field> = self
            .roots
            .iter()
            .map(|&i| build(&self.items, i, self.side))
            .collect();
        let span = fields.first().map(|f| f.span.clone()).unwrap_or_default();
        // At the top, the example shows what the response holds: older tables leave out `RequestId` and the like.
        add_shown(&mut fields, shown.as_ref(), &span, self.side, Origin::Table);
        fields
    }

    /// Shape rule 3: what an example of another version shows at the top but the table documents inside an
    /// object the example lacks is that object's, not a second field.
    fn moved_to_unseen_objects(&self) -> BTreeSet<String> {
        let mut moved = self.moved_out.clone();
        if self.side == Side::Response && self.example.is_some() {
            let mut open: Vec<usize> = self
                .roots
                .iter()
                .copied()
                .filter(|&r| unseen_container(&self.items[r]))
                .collect();
            while let Some(i) = open.pop() {
                for &c in &self.items[i].children {
                    moved.insert(self.items[c].row.field.name.clone());
                    open.push(c);
                }
            }
        }
        moved
    }
}

/// A row that, marked with one `└`, holds the marked rows after it: an `Object` or `Array of X`, or a row
/// with no type and no example value (older pages leave the type of parent rows blank; their leaves have one).
fn is_parent_row(row: &FlatRow) -> bool {
    match row.kind {
        RowKind::Object | RowKind::ArrayOf(_) => true,
        RowKind::Untyped => row
            .field
            .example
            .as_deref()
            .is_none_or(|e| e.trim().is_empty()),
        _ => false,
    }
}

/// The example's keys spelled as the table spells them where they differ only in case (`hereMark` for the
/// row `HereMark`): such an example still shows the structure.
fn table_case(node: &Node, names: &BTreeSet<&str>) -> Node {
    match node {
        Node::Object(m) => Node::Object(
            m.iter()
                .map(|(k, v)| {
                    let table = names
                        .iter()
                        .find(|n| n.eq_ignore_ascii_case(k) && !m.contains_key(**n));
                    let key = match table {
                        Some(n) if !names.contains(k.as_str()) => n.to_string(),
                        _ => k.clone(),
                    };
                    (key, table_case(v, names))
                })
                .collect(),
        ),
        Node::Array(item) => Node::Array(Box::new(table_case(item, names))),
        other => other.clone(),
    }
}

/// An empty list (`[]`, or only `null`s): it shows no item, so it cannot say what the items are.
fn shows_no_item(node: &Node) -> bool {
    matches!(node, Node::Array(item) if **item == Node::Scalar)
}

/// Whether a row holds the rows after it.
fn opens(row: &FlatRow, node: Option<&Node>, marked: bool) -> bool {
    match &row.kind {
        RowKind::Object | RowKind::ArrayOf(_) => true,
        // `Aliases | List | foo` or `["a", "b"]`: a list of values, which holds no rows; unless the example
        // shows it holding objects.
        RowKind::Array => {
            node.is_some_and(|n| n.children().is_some())
                || !row
                    .field
                    .example
                    .as_deref()
                    .is_some_and(is_value_list_example)
        }
        RowKind::Untyped => node.is_none_or(|n| n.children().is_some() || shows_no_item(n)),
        RowKind::Map | RowKind::Custom(_) => false,
        // A scalar-typed row is a leaf, even where the example shows JSON text as an object.
        RowKind::Leaf(_) => false,
        // A value list the example shows as `{"PortNos": {"PortNo": [80]}}` is an object holding the list;
        // otherwise it is a leaf too.
        RowKind::ArrayOfScalar(_) => {
            !marked
                && matches!(node, Some(Node::Object(m))
                    if m.len() == 1 && m.values().all(|v| matches!(v, Node::Array(_))))
        }
    }
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
    // `{"X": [...]}`, or `{"X": {...}}` where XML made one item an object (`<Gates><Gate>…</Gate></Gates>`).
    let inner = match (children.len(), children.iter().next()) {
        (1, Some((_, Node::Array(item)))) => item.children(),
        (1, Some((_, Node::Object(item)))) => Some(item),
        _ => None,
    };
    for (k, v) in inner.into_iter().flatten() {
        out.entry(k.clone()).or_insert_with(|| v.clone());
    }
    out
}

/// The list the example shows inside an object (`{"X": [...]}`), when the table lists the items' fields
/// straight under the object. Under a row with no type, one item shown as an object (`{"X": {...}}`, what
/// XML gives a list of one) is such a list too.
fn shown_wrapper(it: &Item, children: &[Field]) -> Option<String> {
    let Some(Node::Object(m)) = &it.node else {
        return None;
    };
    let (1, Some((k, v))) = (m.len(), m.iter().next()) else {
        return None;
    };
    let list = match v {
        Node::Array(_) => true,
        Node::Object(_) => it.row.kind == RowKind::Untyped && !children.is_empty(),
        _ => false,
    };
    (list && !children.iter().any(|f| f.name == *k)).then(|| k.clone())
}

/// Older pages give a list wrapper and its item a row each, both with no type (`Buckets`, `└Bucket`): where
/// the example shows the wrapper holding only the item, the item is a list.
fn item_of_untyped_wrapper(items: &[Item], it: &Item, children: &mut [Field]) {
    let ([only], [child]) = (it.children.as_slice(), children) else {
        return;
    };
    let inner = &items[*only];
    let shown_alone =
        matches!(&it.node, Some(Node::Object(m)) if m.len() == 1 && m.contains_key(&child.name));
    if it.row.kind == RowKind::Untyped
        && inner.row.kind == RowKind::Untyped
        && !inner.children.is_empty()
        && shown_alone
    {
        if let Shape::Object(_) = child.shape {
            let object = std::mem::replace(&mut child.shape, Shape::Map);
            child.shape = Shape::Array(Box::new(object));
        }
    }
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
    origin: Origin,
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
            shape: node.shape(origin),
            required: false,
            docs: Default::default(),
            example: None,
            encoding: Default::default(),
            location: None,
            origin,
            span: span.clone(),
        });
    }
}

/// The shape of an object holding one list `name` of `item`s (the field's other settings kept).
fn wrapped_list(field: &Field, name: String, item: Shape) -> Shape {
    let mut list = field.clone();
    list.name = name;
    list.docs = Default::default();
    list.example = None;
    list.required = false;
    list.shape = Shape::Array(Box::new(item));
    Shape::Object(vec![list])
}

fn build(items: &[Item], id: usize, side: Side) -> Field {
    let it = &items[id];
    let mut children: Vec<Field> = it.children.iter().map(|&c| build(items, c, side)).collect();
    item_of_untyped_wrapper(items, it, &mut children);
    if !children.is_empty() {
        let shown = it.node.as_ref().and_then(Node::children);
        // Where the example wraps the items in `{"X": [...]}`, what it shows belongs to the items.
        let shown = match shown_wrapper(it, &children) {
            Some(k) => shown.and_then(|m| m.get(&k)).and_then(Node::children),
            None => shown,
        };
        add_shown(
            &mut children,
            shown,
            &it.row.field.span,
            side,
            Origin::Example,
        );
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
            it.node
                .as_ref()
                .map(|n| n.shape(Origin::Table))
                .unwrap_or(Shape::Map)
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
            let item = match (&it.row.kind, &it.row.field.shape) {
                (RowKind::ArrayOfScalar(_), Shape::Enum(e)) => Shape::Enum(e.clone()),
                (RowKind::ArrayOfScalar(s), _) => Shape::Scalar(*s),
                _ => Shape::Scalar(Scalar::String),
            };
            wrapped_list(&field, value_list_wrapper(it).unwrap_or_default(), item)
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
            wrapped_list(&field, inner, item)
        }
        _ if shown_wrapper(it, &children).is_some() => {
            // The example shows `{"X": [...]}` where the table lists X's fields under this row.
            let name = shown_wrapper(it, &children).unwrap_or_default();
            let item = match (children.is_empty(), &it.row.kind) {
                (false, _) => objects(children),
                (true, RowKind::ArrayOfScalar(s)) => Shape::Scalar(*s),
                (true, _) => Shape::Scalar(Scalar::String),
            };
            wrapped_list(&field, name, item)
        }
        RowKind::ArrayOf(_) => {
            let item = if children.is_empty() {
                Shape::Object(Vec::new())
            } else {
                objects(children)
            };
            Shape::Array(Box::new(item))
        }
        // `Street | List` that the example shows as an object wrapping lists (`{"Name": ["Main"]}`): an
        // object, not a list.
        RowKind::Array
            if !children.is_empty()
                && matches!(&it.node, Some(Node::Object(m))
                    if m.values().all(|v| matches!(v, Node::Array(_)))) =>
        {
            objects(children)
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
