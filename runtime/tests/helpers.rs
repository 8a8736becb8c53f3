//! The waiter and the paginators, driven by closures (no server, no clock assertions).

use std::cell::Cell;
use std::time::Duration;

use aliyun_runtime::{paginate, paginate_by_page_number, paginate_by_token, wait_until, Error};
use futures_util::StreamExt;

#[derive(Debug, Clone, PartialEq)]
struct Report {
    status: &'static str,
}

#[tokio::test]
async fn wait_until_returns_the_first_accepted_answer() {
    let polls = Cell::new(0);
    let statuses = ["RUNNING", "RUNNING", "COMPLETE", "NEVER"];
    let r = wait_until(
        || {
            let i = polls.get();
            polls.set(i + 1);
            async move {
                Ok(Report {
                    status: statuses[i],
                })
            }
        },
        |r: &Report| r.status == "COMPLETE",
        Duration::from_secs(3600),
        Duration::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(r.status, "COMPLETE");
    assert_eq!(polls.get(), 3);
}

#[tokio::test]
async fn wait_until_gives_up_with_a_timeout() {
    let polls = Cell::new(0);
    let e = wait_until(
        || {
            polls.set(polls.get() + 1);
            async { Ok(Report { status: "RUNNING" }) }
        },
        |r: &Report| r.status == "COMPLETE",
        Duration::ZERO,
        Duration::from_secs(3600),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert_eq!(polls.get(), 1, "polls once even with no time at all");
}

#[tokio::test]
async fn wait_until_passes_errors_through() {
    let e = wait_until(
        || async { Err::<Report, _>(Error::Config("boom".into())) },
        |_: &Report| true,
        Duration::from_secs(60),
        Duration::ZERO,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Config(_)));
}

struct TokenPage {
    items: Vec<u32>,
    next: Option<String>,
}

#[tokio::test]
async fn token_pages_until_no_token() {
    let seen = std::sync::Mutex::new(Vec::new());
    let pages = paginate_by_token(
        |token: Option<String>| {
            seen.lock().unwrap().push(token.clone());
            async move {
                Ok(match token.as_deref() {
                    None => TokenPage {
                        items: vec![1, 2],
                        next: Some("t2".into()),
                    },
                    Some("t2") => TokenPage {
                        items: vec![3],
                        next: Some("t3".into()),
                    },
                    Some("t3") => TokenPage {
                        items: vec![4],
                        next: Some(String::new()),
                    },
                    Some(other) => panic!("unexpected token {other}"),
                })
            }
        },
        |p: &TokenPage| p.next.clone(),
    );
    let pages: Vec<_> = pages.collect().await;
    let items: Vec<u32> = pages.into_iter().flat_map(|p| p.unwrap().items).collect();
    assert_eq!(items, vec![1, 2, 3, 4]);
    assert_eq!(
        seen.into_inner().unwrap(),
        vec![None, Some("t2".to_string()), Some("t3".to_string())]
    );
}

#[tokio::test]
async fn a_paginator_stops_after_an_error() {
    let calls = Cell::new(0);
    let pages = paginate_by_token(
        |_token: Option<String>| {
            calls.set(calls.get() + 1);
            async {
                Err::<TokenPage, _>(Error::Timeout {
                    message: "x".into(),
                    request_sent: true,
                })
            }
        },
        |p: &TokenPage| p.next.clone(),
    );
    let results: Vec<_> = pages.collect().await;
    assert_eq!(results.len(), 1);
    assert!(results[0].is_err());
    assert_eq!(calls.get(), 1);
}

struct NumberedPage {
    items: Vec<u32>,
    total: Option<u64>,
}

#[tokio::test]
async fn page_numbers_until_the_total_or_a_short_page() {
    // 7 items, pages of 3: pages 1, 2, 3 (short) — with a total the stream stops by the total too.
    let data: Vec<u32> = (1..=7).collect();
    for with_total in [true, false] {
        let asked = std::sync::Mutex::new(Vec::new());
        let pages = paginate_by_page_number(
            1,
            3,
            |n: u32| {
                asked.lock().unwrap().push(n);
                let start = ((n - 1) * 3) as usize;
                let items = data.iter().skip(start).take(3).copied().collect();
                async move {
                    Ok(NumberedPage {
                        items,
                        total: with_total.then_some(7),
                    })
                }
            },
            |p: &NumberedPage| p.items.len(),
            |p: &NumberedPage| p.total,
        );
        let items: Vec<u32> = pages
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .flat_map(|p| p.unwrap().items)
            .collect();
        assert_eq!(items, data);
        assert_eq!(asked.into_inner().unwrap(), vec![1, 2, 3]);
    }
    // An exact multiple stops on the total without asking for an empty page…
    let asked = Cell::new(0);
    let pages = paginate_by_page_number(
        1,
        2,
        |n: u32| {
            asked.set(n);
            async move {
                Ok(NumberedPage {
                    items: vec![n, n],
                    total: Some(4),
                })
            }
        },
        |p: &NumberedPage| p.items.len(),
        |p: &NumberedPage| p.total,
    );
    assert_eq!(pages.collect::<Vec<_>>().await.len(), 2);
    assert_eq!(asked.get(), 2);
    // …and without a total it stops on the first empty page.
    let pages = paginate_by_page_number(
        1,
        2,
        |n: u32| async move {
            Ok(NumberedPage {
                items: if n <= 2 { vec![n, n] } else { vec![] },
                total: None,
            })
        },
        |p: &NumberedPage| p.items.len(),
        |p: &NumberedPage| p.total,
    );
    assert_eq!(pages.collect::<Vec<_>>().await.len(), 3);
}

#[tokio::test]
async fn the_general_paginator_threads_any_state() {
    let pages = paginate(
        0u32,
        |offset: u32| async move { Ok(offset) },
        |page: &u32, _state: &u32| (*page < 30).then_some(page + 10),
    );
    assert_eq!(
        pages.map(Result::unwrap).collect::<Vec<_>>().await,
        vec![0, 10, 20, 30]
    );
}
