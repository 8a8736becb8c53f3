//! Alibaba Cloud API reference pages → intermediate model → Rust crates.
//!
//! The data flows one way; each stage is a module that takes plain data and gives plain data:
//! `pages` (file → sections, tables, rows, cells with spans) → `read` (one page → one operation) →
//! `merge` (pages of one operation → one operation, with warnings) → `model` → `emit` (tokens) → `write` (files).

pub mod check;
pub mod diag;
pub mod emit;
pub mod import;
pub mod load;
pub mod merge;
pub mod model;
pub mod pages;
pub mod plan;
pub mod read;
pub mod regen;
pub mod review;
pub mod write;
