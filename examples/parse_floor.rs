//! The parse floor for the benchmark: open every workbook under a folder with calamine on all
//! cores and touch every cell, doing nothing else. `cargo run --release --example parse_floor DIR`

use std::path::PathBuf;

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;

fn main() {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_floor DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods")
        })
        .collect();
    let cells: usize = files
        .par_iter()
        .map(|path| {
            let Ok(mut book) = open_workbook_auto(path) else {
                return 0;
            };
            let mut cells = 0;
            for name in book.sheet_names() {
                if let Ok(range) = book.worksheet_range(&name) {
                    cells += range
                        .used_cells()
                        .filter(|(_, _, c)| !matches!(c, Data::Empty))
                        .count();
                }
            }
            cells
        })
        .sum();
    println!("{} files, {cells} cells", files.len());
}
