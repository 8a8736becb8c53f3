//! No input makes the reader panic: random bytes, truncated pages and pages with lines or characters
//! mutated. Problems must come back as diagnostics.

use proptest::prelude::*;

const SEED_ZH: &str = include_str!("fixtures/pages/list_wrapper_rows.md");
const SEED_EN: &str = include_str!("fixtures/pages/copied_text_layout.txt");
const SEED_OLD: &str = include_str!("fixtures/pages/heading_attributes_and_depth_marks.md");
const SEED_ROA_ZH: &str = include_str!("fixtures/pages/roa_request_body_section.zh.md");
const SEED_ROA_EN: &str = include_str!("fixtures/pages/roa_position_column.en.md");
const SEED_ROA_TEXT: &str = include_str!("fixtures/pages/roa_copied_text.en.txt");

fn read(text: &str) {
    let (page, mut diags) = codegen::pages::scan("p.md", text);
    let _ = codegen::read::page(&page, &mut diags);
    let mut sources = codegen::diag::Sources::default();
    sources.add("p.md", text);
    let _ = sources.render(&diags);
}

fn seed() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(SEED_ZH),
        Just(SEED_EN),
        Just(SEED_OLD),
        Just(SEED_ROA_ZH),
        Just(SEED_ROA_EN),
        Just(SEED_ROA_TEXT)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_text_never_panics(text in "(\\PC|[|\\n└`*\\\\{}\\[\\]#-]){0,400}") {
        read(&text);
    }

    #[test]
    fn truncated_pages_never_panic(page in seed(), cut in 0usize..4000) {
        let mut end = cut.min(page.len());
        while !page.is_char_boundary(end) {
            end -= 1;
        }
        read(&page[..end]);
    }

    #[test]
    fn mutated_lines_never_panic(page in seed(), edits in prop::collection::vec((0usize..200, 0usize..6, "\\PC{0,8}"), 1..8)) {
        let mut lines: Vec<String> = page.lines().map(str::to_string).collect();
        for (at, how, text) in edits {
            if lines.is_empty() { break; }
            let i = at % lines.len();
            match how {
                0 => { lines.remove(i); }
                1 => lines.insert(i, text),
                2 => lines[i].push_str(&text),
                3 => lines[i] = lines[i].replace('|', ""),
                4 => { let l = lines[i].clone(); lines.insert(i, l); }
                _ => lines[i] = text + "|" + &lines[i],
            }
        }
        read(&lines.join("\n"));
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..2000), |bytes| {
            read(&String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .expect("no panic");
}

#[test]
fn huge_page_reads() {
    let mut page =
        String::from("# BigOp\n\n## 返回数据\n\n|名称|类型|示例值|描述|\n|--|--|---|--|\n");
    for i in 0..20_000 {
        page.push_str(&format!("|F{i}|Object| |对象。 |\n"));
    }
    let (p, _) = codegen::pages::scan("p.md", &page);
    assert_eq!(p.tables[0].rows.len(), 20_000);
    read(&page);
}

#[test]
fn deeply_dotted_request_name_reads() {
    let name = vec!["A"; 5000].join(".");
    let page = format!("# Op\n\n## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|{name}|String|否|x|深。 |\n");
    read(&page);
}
