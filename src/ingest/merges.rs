//! The merged regions of xlsx sheets, found without parsing each sheet's XML a second time.
//!
//! calamine finds a sheet's `<mergeCells>` by parsing the whole sheet again, which cost about a
//! tenth of a cold run. `<mergeCells>` follows `<sheetData>` in every sheet (ECMA-376 §18.3.1.99
//! fixes the order), so only the text after the last `sheetData` tag is parsed here: the sheet
//! is inflated once more, but not tokenized. The sheet's part name comes from the package's
//! relationships, as calamine finds it; a workbook laid out in a way this does not follow is
//! left to calamine (`None`).

use std::io::{Read, Seek};

use memchr::memmem;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use zip::ZipArchive;

use super::read::Merge;

/// The merged regions of the sheet stored at `name`; `None` when the part cannot be read.
pub fn sheet_merges<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
    buffer: &mut Vec<u8>,
) -> Option<Vec<Merge>> {
    read_part(zip, name, buffer)?;
    merges_in(buffer)
}

/// The merged regions listed in an unpacked sheet; `None` when its `<mergeCells>` is malformed.
pub fn merges_in(sheet: &[u8]) -> Option<Vec<Merge>> {
    // From the first tag after the last `sheetData` tag (the whole part if it has none).
    let tail = match memmem::rfind(sheet, b"sheetData") {
        Some(at) => {
            let next = memchr::memchr(b'<', &sheet[at..]).map_or(sheet.len(), |n| at + n);
            &sheet[next..]
        }
        None => sheet,
    };
    if memmem::find(tail, b"mergeCell").is_none() {
        return Some(Vec::new());
    }
    let mut reader = quick_xml::Reader::from_reader(tail);
    let mut merges = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                if let Some(merge) = attribute(&e, |key| key == "ref").and_then(|r| region(&r)) {
                    merges.push(merge);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Some(merges),
            Event::Eof => return Some(merges),
            _ => {}
        }
    }
}

pub fn part<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    read_part(zip, name, &mut bytes)?;
    Some(bytes)
}

/// The unpacked part `name` into `buffer` (emptied first).
fn read_part<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
    buffer: &mut Vec<u8>,
) -> Option<()> {
    buffer.clear();
    zip.by_name(name).ok()?.read_to_end(buffer).ok()?;
    Some(())
}

/// A relationships part as (Id, Type, Target).
pub fn relationships(text: &[u8]) -> Option<Vec<(String, String, String)>> {
    let mut reader = quick_xml::Reader::from_reader(text);
    let mut links = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                links.push((
                    attribute(&e, |key| key == "Id")?,
                    attribute(&e, |key| key == "Type")?,
                    attribute(&e, |key| key == "Target")?,
                ));
            }
            Event::Eof => return Some(links),
            _ => {}
        }
    }
}

pub fn attribute(element: &BytesStart, wanted: impl Fn(&str) -> bool) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| wanted(a.key.as_ref()))
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// "B3:D7" (or a single "B3") as 0-based corners.
fn region(reference: &str) -> Option<Merge> {
    let (start, end) = reference.split_once(':').unwrap_or((reference, reference));
    Some(Merge {
        start: cell_position(start)?,
        end: cell_position(end)?,
    })
}

/// "AB12" or "$AB$12" as a 0-based (row, column).
fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let reference = reference.trim().replace('$', "");
    let digits = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = reference.split_at(digits);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let column = letters.chars().try_fold(0u32, |n, c| {
        n.checked_mul(26)?
            .checked_add(c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    })?;
    let row: u32 = number.parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::Reader;

    use super::*;

    #[test]
    fn every_sheets_merges_as_calamine_finds_them() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let plain = rust_xlsxwriter::Format::new();
        workbook.add_worksheet().set_name("说明").unwrap();
        let data = workbook.add_worksheet().set_name("台账&汇总").unwrap();
        data.merge_range(0, 0, 0, 5, "标题", &plain).unwrap();
        data.merge_range(2, 1, 6, 1, "丹朱镇", &plain).unwrap();
        data.merge_range(8, 27, 9, 28, "", &plain).unwrap();
        workbook.add_worksheet().write(3, 3, "x").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let mut package = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let parts = super::super::xlsx::sheet_parts(&mut package).unwrap();
        let mut calamine = calamine::Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(
            parts.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            calamine.sheet_names().iter().collect::<Vec<_>>()
        );
        let mut buffer = Vec::new();
        for (name, part) in &parts {
            let expected: Vec<Merge> = calamine
                .merge_cells_by_sheet_name(name)
                .unwrap()
                .iter()
                .map(Merge::from)
                .collect();
            let found = sheet_merges(&mut package, part, &mut buffer).unwrap();
            assert_eq!(found, expected, "{name}");
        }
        assert_eq!(
            sheet_merges(&mut package, &parts[1].1, &mut buffer).unwrap()[1],
            Merge {
                start: (2, 1),
                end: (6, 1)
            }
        );
        assert_eq!(
            sheet_merges(&mut package, "xl/nothing.xml", &mut buffer),
            None
        );
    }

    #[test]
    fn cell_references_as_positions() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("$AB$12"), Some((11, 27)));
        assert_eq!(cell_position("xfd1048576"), Some((1_048_575, 16_383)));
        for bad in ["", "A", "12", "A0", "1A", "A1B"] {
            assert_eq!(cell_position(bad), None, "{bad}");
        }
        assert_eq!(
            region("B3:D7"),
            Some(Merge {
                start: (2, 1),
                end: (6, 3)
            })
        );
        assert_eq!(
            region("C2"),
            Some(Merge {
                start: (1, 2),
                end: (1, 2)
            })
        );
    }
}
