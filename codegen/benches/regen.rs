//! Criterion benchmarks of regen on synthetic services (`codegen::synth`), at 100 and 1,000 pages.
//! 10,000 pages is for `cargo xtask bench-regen`, too slow for criterion's repeated runs.
//!
//! - `parse_floor`: every `pulldown_cmark` event of every page;
//! - `read`: pages in memory → merged operations (scan + read + merge);
//! - `format_floor`: `prettyplease::unparse` of the generated files (parsed outside the timed loop);
//! - `regen`: read + emit, in memory (nothing written).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

const SIZES: [usize; 2] = [100, 1_000];
const SEED: u64 = 1;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("regen");
    group.sample_size(10);
    for n in SIZES {
        let pages = codegen::synth::pages(n, SEED);
        let svc = codegen::synth::service("synth", codegen::synth::read(&pages, 1));
        let files = codegen::emit::service(&svc).expect("synthetic service emits");
        let parsed = codegen::synth::parse_generated(&files);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("parse_floor", n), &pages, |b, p| {
            b.iter(|| codegen::synth::parse_floor(black_box(p)))
        });
        group.bench_with_input(BenchmarkId::new("read", n), &pages, |b, p| {
            b.iter(|| codegen::synth::read(black_box(p), 1))
        });
        group.bench_with_input(BenchmarkId::new("format_floor", n), &parsed, |b, f| {
            b.iter(|| codegen::synth::format_floor(black_box(f)))
        });
        group.bench_with_input(BenchmarkId::new("regen", n), &pages, |b, p| {
            b.iter(|| {
                let svc = codegen::synth::service("synth", codegen::synth::read(black_box(p), 1));
                codegen::emit::service(&svc).expect("synthetic service emits")
            })
        });
    }
    group.finish();
}

criterion_group!(regen, benches);
criterion_main!(regen);
