//! The common xlsx package read without a general XML tokenizer.
//!
//! calamine tokenizes every sheet with quick-xml's event reader, which cost more than unpacking
//! the sheet, and a second unpacking found the merged regions. Nearly every submission is a
//! plain package: one workbook part, shared strings, styles and worksheets whose cells are
//! `<c r= s= t=><v>…</v></c>`. For those this reader scans the unpacked parts with memchr
//! (sheets piece by piece, so a sheet of any size costs one piece of memory), takes the merged
//! regions from the same unpacked sheet, and gives calamine's values by calamine's rules (the
//! tests check it against calamine). Anything outside the shape it knows gives
//! [`Unsupported`]: a namespace prefix, a comment or CDATA, an unknown cell type, an `_xHHHH_`
//! escape, a carriage return, a closing tag that closes another element, a number calamine
//! might read differently, shared strings or styles over 64 MiB. The caller then reads the
//! file with calamine, so an unusual file costs time, never a different value.

use std::borrow::Cow;
use std::io::{Read, Seek};
use std::sync::Arc;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use memchr::memchr;
use quick_xml::events::Event;
use zip::ZipArchive;

use super::cell::Cell;
use super::merges;
use super::read::{to_cell, Limits, Merge, RawSheet, SparseCells};

/// Shared strings or styles larger than this are left to calamine.
const MAX_PART: u64 = 64 << 20;

/// The file is outside what this reader knows; calamine reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

type Scan<T> = Result<T, Unsupported>;

/// Every sheet of a plain xlsx package, in the workbook's order, as calamine would give them.
pub fn read_sheets<R: Read + Seek>(
    package: &mut ZipArchive<R>,
    limits: Limits,
) -> Scan<Vec<RawSheet>> {
    let book = workbook(package)?;
    let mut buffer = Vec::new();
    let strings = match optional_part(
        package,
        &format!("{}sharedStrings.xml", book.folder),
        &mut buffer,
    )? {
        Some(part) => shared_strings(part)?,
        None => Vec::new(),
    };
    let formats = match optional_part(package, &format!("{}styles.xml", book.folder), &mut buffer)?
    {
        Some(part) => number_formats(part)?,
        None => Vec::new(),
    };
    let context = Context {
        strings: &strings,
        formats: &formats,
        is_1904: book.is_1904,
    };
    let mut sheets = Vec::with_capacity(book.sheets.len());
    for (name, part) in book.sheets {
        if case_only_match(package, &part)? {
            return Err(Unsupported);
        }
        let mut sheet = package.by_name(&part).map_err(|_| Unsupported)?;
        let mut cells = SparseCells::new(limits);
        let merges = read_sheet(&mut sheet, &context, &mut cells, &mut buffer)?;
        sheets.push(cells.into_sheet(name, merges));
    }
    Ok(sheets)
}

/// Whether the package lacks `name` but has it in another case (calamine looks names up that
/// way, so such a package is left to it).
fn case_only_match<R: Read + Seek>(package: &mut ZipArchive<R>, name: &str) -> Scan<bool> {
    if package.index_for_name(name).is_some() {
        return Ok(false);
    }
    let lower = name.to_lowercase();
    Ok(package
        .file_names()
        .flatten()
        .any(|n| n.to_lowercase() == lower))
}

/// The part `name` unpacked into `buffer`; `None` when the package has no such part. A part
/// whose name matches only in another case is left to calamine, which looks names up that way.
/// `buffer` only grows, so a file's parts share one allocation, initialized once.
fn optional_part<'b, R: Read + Seek>(
    package: &mut ZipArchive<R>,
    name: &str,
    buffer: &'b mut Vec<u8>,
) -> Scan<Option<&'b [u8]>> {
    let Ok(mut file) = package.by_name(name) else {
        return match case_only_match(package, name)? {
            true => Err(Unsupported),
            false => Ok(None),
        };
    };
    if file.size() > MAX_PART {
        return Err(Unsupported);
    }
    let size = file.size() as usize;
    if buffer.len() < size {
        buffer.resize(size, 0);
    }
    file.read_exact(&mut buffer[..size])
        .map_err(|_| Unsupported)?;
    // The declared size must be the whole part; reading on to its end also checks its CRC.
    if file.read(&mut [0]).map_err(|_| Unsupported)? != 0 {
        return Err(Unsupported);
    }
    Ok(Some(&buffer[..size]))
}

/// Every sheet's name and part, in the workbook's order (calamine's sheet order); `None` for a
/// workbook this reader does not follow.
pub(super) fn sheet_parts<R: Read + Seek>(
    package: &mut ZipArchive<R>,
) -> Option<Vec<(String, String)>> {
    workbook(package).ok().map(|book| book.sheets)
}

/// The workbook part: its sheets (name and part) and its date system.
struct Workbook {
    /// The folder of the workbook part, with its slash ("xl/").
    folder: String,
    sheets: Vec<(String, String)>,
    is_1904: bool,
}

fn workbook<R: Read + Seek>(package: &mut ZipArchive<R>) -> Scan<Workbook> {
    let office = merges::part(package, "_rels/.rels").ok_or(Unsupported)?;
    let path = merges::relationships(&office)
        .ok_or(Unsupported)?
        .into_iter()
        .find(|(_, kind, _)| kind.ends_with("/relationships/officeDocument"))
        .map(|(_, _, target)| target.trim_start_matches('/').to_string())
        .ok_or(Unsupported)?;
    let folder = path.rfind('/').map_or("", |at| &path[..=at]).to_string();
    let file = &path[folder.len()..];
    let links = merges::part(package, &format!("{folder}_rels/{file}.rels"))
        .and_then(|text| merges::relationships(&text))
        .ok_or(Unsupported)?;
    let text = merges::part(package, &path).ok_or(Unsupported)?;
    let mut reader = quick_xml::Reader::from_reader(text.as_slice());
    let mut book = Workbook {
        folder,
        sheets: Vec::new(),
        is_1904: false,
    };
    loop {
        match reader.read_event().map_err(|_| Unsupported)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sheet" if e.name().as_ref() != "sheet" => return Err(Unsupported),
                "sheet" => {
                    let mut name = None;
                    let mut id = None;
                    for attribute in e.attributes() {
                        let attribute = attribute.map_err(|_| Unsupported)?;
                        let value = attribute.value.as_ref();
                        match attribute.key.as_ref() {
                            "name" => name = Some(decoded(value.as_bytes())?.into_owned()),
                            "state" if !matches!(value, "visible" | "hidden" | "veryHidden") => {
                                return Err(Unsupported)
                            }
                            "r:id" => id = Some(value.to_string()),
                            _ => {}
                        }
                    }
                    let (name, id) = name.zip(id).ok_or(Unsupported)?;
                    let (_, kind, target) = links
                        .iter()
                        .find(|(link, _, _)| *link == id)
                        .ok_or(Unsupported)?;
                    if !kind.ends_with("/worksheet") {
                        return Err(Unsupported);
                    }
                    let part = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("{}{target}", book.folder),
                    };
                    book.sheets.push((name, part));
                }
                "workbookPr" => {
                    if let Some(value) = merges::attribute(&e, |key| key == "date1904") {
                        book.is_1904 = value == "1" || value == "true";
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(book)
}

/// What a cell's number format makes of its number (calamine's `CellFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Number,
    DateTime,
    Duration,
}

/// The number kind of every `cellXfs` entry, by style index.
fn number_formats(text: &[u8]) -> Scan<Vec<NumberKind>> {
    let mut reader = quick_xml::Reader::from_reader(text);
    let mut custom: Vec<(String, String)> = Vec::new();
    let mut kinds = Vec::new();
    let mut section = None;
    loop {
        match reader.read_event().map_err(|_| Unsupported)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmts" | "numFmt" | "cellXfs" | "xf" if e.name().as_ref().contains(':') => {
                    return Err(Unsupported)
                }
                "numFmts" | "cellXfs" => section = Some(e.name().as_ref().to_string()),
                "numFmt" if section.as_deref() == Some("numFmts") => {
                    let id = merges::attribute(&e, |key| key == "numFmtId");
                    let code = merges::attribute(&e, |key| key == "formatCode");
                    if let (Some(id), Some(code)) = (id, code) {
                        custom.push((id, code));
                    }
                }
                "xf" if section.as_deref() == Some("cellXfs") => {
                    let kind = match merges::attribute(&e, |key| key == "numFmtId") {
                        None => NumberKind::Number,
                        Some(id) => match custom.iter().rev().find(|(custom, _)| *custom == id) {
                            Some((_, code)) => custom_format_kind(code),
                            None => builtin_format_kind(&id),
                        },
                    };
                    kinds.push(kind);
                }
                _ => {}
            },
            Event::End(e) if matches!(e.name().as_ref(), "numFmts" | "cellXfs") => section = None,
            Event::Eof => return Ok(kinds),
            _ => {}
        }
    }
}

/// calamine's reading of built-in number formats (ECMA-376 §18.8.30, with the East Asian
/// date formats).
fn builtin_format_kind(id: &str) -> NumberKind {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" | "27"
        | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52"
        | "53" | "54" | "55" | "56" | "57" | "58" => NumberKind::DateTime,
        "46" => NumberKind::Duration,
        _ => NumberKind::Number,
    }
}

/// calamine's test of a custom number format (`detect_custom_number_format`, MIT licence): a
/// date or time token in the first section, outside quotes, escapes and brackets; `[h]`,
/// `[m]` or `[s]` alone makes a duration.
fn custom_format_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Number,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberKind::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberKind::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Number
}

/// One tag: `<name attributes>`, `<name attributes/>` or `</name>`.
#[derive(Debug, Clone, Copy)]
struct Tag<'a> {
    name: &'a [u8],
    attributes: &'a [u8],
    closing: bool,
    empty: bool,
}

impl Tag<'_> {
    fn opens(&self, name: &[u8]) -> bool {
        !self.closing && self.name == name
    }

    fn closes(&self, name: &[u8]) -> bool {
        self.closing && self.name == name
    }
}

/// The tags of an unpacked part in order. Like calamine's XML reader it refuses a closing tag
/// that does not close the element open, so a damaged part is never read differently.
struct Tags<'a> {
    xml: &'a [u8],
    /// Where the next tag is looked for.
    at: usize,
    /// The names of the elements open, outermost first.
    open: Vec<&'a [u8]>,
}

impl<'a> Tags<'a> {
    fn new(xml: &'a [u8]) -> Tags<'a> {
        Tags {
            xml,
            at: 0,
            open: Vec::new(),
        }
    }

    /// The next tag (the text before it skipped); `None` at the end of the part. A comment,
    /// CDATA or declaration is unsupported.
    fn next(&mut self) -> Scan<Option<Tag<'a>>> {
        let xml = self.xml;
        loop {
            let Some(open) = memchr(b'<', &xml[self.at..]).map(|n| self.at + n) else {
                self.at = xml.len();
                return Ok(None);
            };
            let rest = &xml[open + 1..];
            match rest.first() {
                Some(b'?') => {
                    let end = memchr::memmem::find(rest, b"?>").ok_or(Unsupported)?;
                    self.at = open + 1 + end + 2;
                    continue;
                }
                Some(b'!') | None => return Err(Unsupported),
                _ => {}
            }
            let closing = rest[0] == b'/';
            let from = open + 1 + usize::from(closing);
            let name_len = xml[from..]
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
                .ok_or(Unsupported)?;
            let name = &xml[from..from + name_len];
            if name.is_empty()
                || name
                    .iter()
                    .any(|b| matches!(b, b'<' | b'&' | b'"' | b'\'' | b'='))
            {
                return Err(Unsupported);
            }
            // The tag ends at the first '>' outside a quoted attribute value. Tags are short:
            // a plain loop beats a vector search restarted at every quote.
            let mut end = from + name_len;
            let mut quote = None;
            loop {
                let byte = *xml.get(end).ok_or(Unsupported)?;
                match (quote, byte) {
                    (Some(q), _) if byte == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'>') => break,
                    (None, b'"' | b'\'') => quote = Some(byte),
                    (None, _) => {}
                }
                end += 1;
            }
            let empty = !closing && xml[end - 1] == b'/';
            let attributes = &xml[from + name_len..end - usize::from(empty)];
            if closing {
                if self.open.pop() != Some(name) || !attributes.trim_ascii().is_empty() {
                    return Err(Unsupported);
                }
            } else if !empty {
                self.open.push(name);
            }
            self.at = end + 1;
            return Ok(Some(Tag {
                name,
                attributes,
                closing,
                empty,
            }));
        }
    }

    /// Moves past the tag closing the element just opened.
    fn skip_element(&mut self, name: &[u8]) -> Scan<()> {
        let depth = self.open.len();
        while !(self.next()?.ok_or(Unsupported)?.closes(name) && self.open.len() == depth - 1) {}
        Ok(())
    }

    /// The raw text up to the tag closing `name`, which must come next.
    fn text_until(&mut self, name: &[u8]) -> Scan<&'a [u8]> {
        let start = self.at;
        let end = memchr(b'<', &self.xml[start..]).map_or(self.xml.len(), |n| start + n);
        self.at = end;
        match self.next()? {
            Some(tag) if tag.closes(name) => Ok(&self.xml[start..end]),
            _ => Err(Unsupported),
        }
    }
}

/// Calls `each(key, raw value)` for every attribute of a tag.
fn attributes<'a>(mut text: &'a [u8], mut each: impl FnMut(&'a [u8], &'a [u8])) -> Scan<()> {
    loop {
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        text = &text[start..];
        if text.is_empty() {
            return Ok(());
        }
        let equals = text.iter().position(|&b| b == b'=').ok_or(Unsupported)?;
        let key = text[..equals].trim_ascii_end();
        let after = text[equals + 1..].trim_ascii_start();
        let quote = *after.first().ok_or(Unsupported)?;
        if quote != b'"' && quote != b'\'' {
            return Err(Unsupported);
        }
        let length = after[1..]
            .iter()
            .position(|&b| b == quote)
            .ok_or(Unsupported)?;
        each(key, &after[1..1 + length]);
        text = &after[1 + length + 1..];
    }
}

/// A tag name without a namespace prefix, as the parts this reader knows write them.
fn plain(tag: Tag) -> Scan<Tag> {
    match tag.name.contains(&b':') {
        true => Err(Unsupported),
        false => Ok(tag),
    }
}

/// Character data with its entity references resolved. A carriage return (which XML would
/// turn into a line feed) is unsupported.
fn decoded(raw: &[u8]) -> Scan<Cow<'_, str>> {
    let text = std::str::from_utf8(raw).map_err(|_| Unsupported)?;
    if text.contains('\r') {
        return Err(Unsupported);
    }
    if !text.contains('&') {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').ok_or(Unsupported)? + at;
        let entity = &rest[at + 1..end];
        match entity {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = match entity.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => entity.strip_prefix('#').ok_or(Unsupported)?.parse(),
                }
                .map_err(|_| Unsupported)?;
                match char::from_u32(code) {
                    Some(c) if c != '\0' => out.push(c),
                    _ => return Err(Unsupported),
                }
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Text that calamine would pass through its `_xHHHH_` unescaping unchanged.
fn without_escapes(text: Cow<'_, str>) -> Scan<Cow<'_, str>> {
    match text.contains("_x") {
        true => Err(Unsupported),
        false => Ok(text),
    }
}

/// The shared strings part.
fn shared_strings(xml: &[u8]) -> Scan<Vec<Arc<str>>> {
    let mut strings = Vec::new();
    let mut tags = Tags::new(xml);
    while let Some(tag) = tags.next()? {
        if plain(tag)?.opens(b"si") {
            strings.push(match tag.empty {
                true => "".into(),
                false => string_item(&mut tags, b"si")?.into(),
            });
        }
    }
    Ok(strings)
}

/// A string item (`<si>` or an inline `<is>`): every `<t>` outside phonetic runs, joined; a
/// `<t>` without `xml:space="preserve"` loses its surrounding ASCII whitespace.
fn string_item(tags: &mut Tags, closing: &[u8]) -> Scan<String> {
    let mut text = String::new();
    loop {
        let tag = plain(tags.next()?.ok_or(Unsupported)?)?;
        if tag.closes(closing) {
            return Ok(text);
        }
        if tag.opens(b"rPh") && !tag.empty {
            tags.skip_element(b"rPh")?;
        } else if tag.opens(b"t") && !tag.empty {
            let mut preserve = false;
            attributes(tag.attributes, |key, value| {
                if key == b"xml:space" {
                    preserve = value == b"preserve";
                }
            })?;
            let value = decoded(tags.text_until(b"t")?)?;
            let value = match preserve {
                true => &value,
                false => value.trim_matches([' ', '\t', '\r', '\n']),
            };
            text.push_str(&without_escapes(Cow::Borrowed(value))?);
        }
    }
}

/// What the cells of every sheet are read with.
struct Context<'a> {
    strings: &'a [Arc<str>],
    formats: &'a [NumberKind],
    is_1904: bool,
}

/// A sheet part is unpacked this many bytes at a time, so a sheet of any size costs one piece
/// of memory (the tests use a tiny piece, so that pieces end everywhere).
const PIECE: usize = if cfg!(test) { 61 } else { 4 << 20 };

/// The cells of a sheet part into `cells`, reading it piece by piece; its merged regions. Each
/// piece ends after a `</row>`, where no element but the sheet's outer ones is open.
fn read_sheet(
    part: &mut impl Read,
    context: &Context,
    cells: &mut SparseCells,
    buffer: &mut Vec<u8>,
) -> Scan<Vec<Merge>> {
    buffer.clear();
    let mut ended = false;
    // Everything up to `<sheetData>` comes in the first piece.
    while !ended
        && memchr::memmem::find(buffer, b"<sheetData")
            .is_none_or(|at| memchr(b'>', &buffer[at..]).is_none())
    {
        ended = more(part, buffer)?;
    }
    let mut tags = Tags::new(buffer);
    if !sheet_data(&mut tags)? {
        let tail = tags.at;
        return merges_after(part, buffer, tail, ended);
    }
    let outer: Vec<Vec<u8>> = tags.open.iter().map(|name| name.to_vec()).collect();
    let mut at = tags.at;
    let mut position = (0u32, 0u32);
    loop {
        let piece_end = match ended {
            true => buffer.len(),
            false => match memchr::memmem::rfind(&buffer[at..], b"</row>") {
                Some(n) => at + n + b"</row>".len(),
                None => {
                    ended = more(part, buffer)?;
                    continue;
                }
            },
        };
        let mut tags = Tags {
            xml: &buffer[..piece_end],
            at,
            open: outer.iter().map(Vec::as_slice).collect(),
        };
        match rows(&mut tags, &mut position, context, cells)? {
            RowsEnd::OverBudget => return Ok(Vec::new()),
            RowsEnd::SheetDataClosed(tail) => return merges_after(part, buffer, tail, ended),
            RowsEnd::PieceEnded if ended => return Err(Unsupported),
            RowsEnd::PieceEnded => {
                buffer.drain(..piece_end);
                at = 0;
                ended = more(part, buffer)?;
            }
        }
    }
}

/// The merged regions in the rest of the part, which follows `buffer[tail..]`.
fn merges_after(
    part: &mut impl Read,
    buffer: &mut Vec<u8>,
    tail: usize,
    mut ended: bool,
) -> Scan<Vec<Merge>> {
    while !ended {
        ended = more(part, buffer)?;
    }
    merges::merges_in(&buffer[tail..]).ok_or(Unsupported)
}

/// Appends up to a piece of the part to `buffer`; true once the part has ended (its checksum
/// then checked by the reader).
fn more(part: &mut impl Read, buffer: &mut Vec<u8>) -> Scan<bool> {
    let read = part
        .take(PIECE as u64)
        .read_to_end(buffer)
        .map_err(|_| Unsupported)?;
    Ok(read < PIECE)
}

/// Moves past `<sheetData>`, checking the declared range on the way as calamine does; false
/// when the sheet has no rows (`<sheetData/>`).
fn sheet_data(tags: &mut Tags) -> Scan<bool> {
    loop {
        let tag = tags.next()?.ok_or(Unsupported)?;
        if tag.opens(b"dimension") {
            // calamine refuses a sheet whose declared range it cannot read.
            let mut range = None;
            attributes(tag.attributes, |key, value| {
                if key == b"ref" {
                    range = Some(value);
                }
            })?;
            for corner in range.ok_or(Unsupported)?.split(|b| *b == b':') {
                cell_reference(corner)?;
            }
        }
        if tag.opens(b"sheetData") {
            return Ok(!tag.empty);
        }
    }
}

/// Where reading the rows of one piece stopped.
enum RowsEnd {
    /// At `</sheetData>`; the merged regions follow from this offset.
    SheetDataClosed(usize),
    /// At the end of the piece, between rows.
    PieceEnded,
    /// The sheet went over the cell budget: it will be refused, so reading stops.
    OverBudget,
}

/// The cells of the rows in a piece into `cells`; `position` is the (row, column) a cell
/// without a reference takes, carried from piece to piece.
fn rows(
    tags: &mut Tags,
    position: &mut (u32, u32),
    context: &Context,
    cells: &mut SparseCells,
) -> Scan<RowsEnd> {
    let depth = tags.open.len();
    let (row, col) = position;
    loop {
        let Some(tag) = tags.next()? else {
            return match tags.open.len() == depth {
                true => Ok(RowsEnd::PieceEnded),
                false => Err(Unsupported),
            };
        };
        let tag = plain(tag)?;
        match (tag.name, tag.closing) {
            (b"sheetData", true) => return Ok(RowsEnd::SheetDataClosed(tags.at)),
            (b"row", false) => {
                let mut number = None;
                attributes(tag.attributes, |key, value| {
                    if key == b"r" {
                        number = Some(value);
                    }
                })?;
                if let Some(number) = number {
                    *row = digits(number)?.checked_sub(1).ok_or(Unsupported)?;
                }
                if tag.empty {
                    *row += 1;
                    *col = 0;
                }
            }
            (b"row", true) => {
                *row += 1;
                *col = 0;
            }
            (b"c", false) => {
                let (mut reference, mut style, mut kind) = (None, None, None);
                attributes(tag.attributes, |key, value| match key {
                    b"r" => reference = Some(value),
                    b"s" => style = Some(value),
                    b"t" => kind = Some(value),
                    _ => {}
                })?;
                let at = match reference {
                    Some(reference) => {
                        let at = cell_reference(reference)?;
                        *col = at.1;
                        at
                    }
                    None => (*row, *col),
                };
                let value = match tag.empty {
                    true => Cell::Empty,
                    false => cell_value(tags, style, kind, context)?,
                };
                *col += 1;
                if !cells.keep(at.0, at.1, value) {
                    return Ok(RowsEnd::OverBudget);
                }
            }
            _ => {}
        }
    }
}

/// A cell's value from its children, up to `</c>`: the last of `<v>`, `<f>` (no value) and
/// `<is>` decides, as in calamine.
fn cell_value(
    tags: &mut Tags,
    style: Option<&[u8]>,
    kind: Option<&[u8]>,
    context: &Context,
) -> Scan<Cell> {
    // Nearly every cell is `<v>…</v></c>`: read it without the general tag loop.
    let xml = tags.xml;
    if let Some(inner) = xml[tags.at..].strip_prefix(b"<v>") {
        if let Some(length) = memchr(b'<', inner) {
            if inner[length..].starts_with(b"</v></c>") {
                let value = typed_value(&inner[..length], style, kind, context)?;
                tags.open.pop();
                tags.at += 3 + length + 8;
                return Ok(value);
            }
        }
    }
    let mut value = Cell::Empty;
    loop {
        let tag = plain(tags.next()?.ok_or(Unsupported)?)?;
        if tag.closes(b"c") {
            return Ok(value);
        }
        if tag.closing {
            continue;
        }
        value = match tag.name {
            b"v" if tag.empty => Cell::Empty,
            b"v" => typed_value(tags.text_until(b"v")?, style, kind, context)?,
            b"f" => {
                if !tag.empty {
                    tags.skip_element(b"f")?;
                }
                Cell::Empty
            }
            b"is" if tag.empty => Cell::Text("".into()),
            b"is" => Cell::Text(string_item(tags, b"is")?.into()),
            _ => return Err(Unsupported),
        };
    }
}

/// The value of a `<v>` by the cell's type and style (calamine's `read_v`). Numbers, indices,
/// booleans and errors are taken raw, as calamine takes them; an entity there is unsupported.
fn typed_value(
    raw: &[u8],
    style: Option<&[u8]>,
    kind: Option<&[u8]>,
    context: &Context,
) -> Scan<Cell> {
    let plain_text = matches!(kind, None | Some(b"n" | b"s" | b"b" | b"e"));
    if plain_text && raw.contains(&b'&') {
        return Err(Unsupported);
    }
    let text = &*decoded(raw)?;
    Ok(match kind {
        None | Some(b"n") => {
            if text.is_empty() {
                return Ok(Cell::Empty);
            }
            if !text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            {
                return Err(Unsupported);
            }
            let number: f64 = text.parse().map_err(|_| Unsupported)?;
            let format = match style {
                Some(style) => context.formats.get(digits(style)? as usize).copied(),
                None => Some(NumberKind::Number),
            };
            let date = |kind| {
                to_cell(Data::DateTime(ExcelDateTime::new(
                    number,
                    kind,
                    context.is_1904,
                )))
            };
            match format {
                Some(NumberKind::DateTime) => date(ExcelDateTimeType::DateTime),
                Some(NumberKind::Duration) => date(ExcelDateTimeType::TimeDelta),
                _ => Cell::Number(number),
            }
        }
        Some(b"s") => match text.is_empty() {
            true => Cell::Empty,
            false => Cell::Text(
                context
                    .strings
                    .get(digits(text.as_bytes())? as usize)
                    .ok_or(Unsupported)?
                    .clone(),
            ),
        },
        Some(b"b") => match text.trim() {
            "" => Cell::Empty,
            v if v == "0" || v.eq_ignore_ascii_case("false") => Cell::Bool(false),
            v if v == "1" || v.eq_ignore_ascii_case("true") => Cell::Bool(true),
            _ => return Err(Unsupported),
        },
        Some(b"e") => match text {
            "" => Cell::Empty,
            "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" => {
                Cell::Error(text.to_string())
            }
            _ => return Err(Unsupported),
        },
        Some(b"str") => Cell::Text(without_escapes(Cow::Borrowed(text))?.into()),
        Some(b"d") => Cell::Text(text.into()),
        Some(b"inlineStr") => Cell::Empty,
        Some(_) => return Err(Unsupported),
    })
}

/// A row number or index: ASCII digits only.
fn digits(text: &[u8]) -> Scan<u32> {
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return Err(Unsupported);
    }
    Ok(text.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// "AB12" as a 0-based (row, column).
fn cell_reference(text: &[u8]) -> Scan<(u32, u32)> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return Err(Unsupported);
    }
    let column = text[..letters].iter().fold(0, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = digits(&text[letters..])?;
    Ok((row.checked_sub(1).ok_or(Unsupported)?, column - 1))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::Reader;
    use rust_xlsxwriter::{ExcelDateTime as WriterDate, Format, Formula, Workbook};

    use super::super::read::streamed_sheets;
    use super::*;

    #[test]
    fn a_plain_package_reads_as_calamine_reads_it() {
        let mut workbook = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let sheet = workbook.add_worksheet().set_name("台账&汇总").unwrap();
        sheet
            .merge_range(0, 0, 0, 4, "2026年重点项目 <台账>", &Format::new())
            .unwrap();
        sheet.write(2, 0, "  丹朱镇  ").unwrap();
        sheet.write(2, 1, 1234.5).unwrap();
        sheet
            .write_with_format(2, 2, WriterDate::from_ymd(2026, 3, 1).unwrap(), &date)
            .unwrap();
        sheet.write(2, 3, true).unwrap();
        sheet
            .write_formula(2, 4, Formula::new("=B3*2").set_result("2469"))
            .unwrap();
        sheet
            .merge_range(3, 0, 6, 0, "色头镇", &Format::new())
            .unwrap();
        sheet.write(9, 27, "A&B \"引号\"").unwrap();
        workbook.add_worksheet().set_name("说明").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let mut package = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let fast = read_sheets(&mut package, Limits::NONE).unwrap();
        let calamine = streamed_sheets(
            Some(ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap()),
            calamine::Xlsx::new(Cursor::new(bytes.as_slice())).unwrap(),
            Limits::NONE,
        )
        .unwrap();
        assert_eq!(fast, calamine);
        assert_eq!(fast[0].name, "台账&汇总");
        assert_eq!(fast[0].rows[2][0], Cell::Text("  丹朱镇  ".into()));
        assert!(matches!(fast[0].rows[2][2], Cell::Date(_)));
        assert_eq!(fast[0].merges.len(), 2);
        assert_eq!(fast[1].rows.len(), 0);
    }

    /// A package of hand-written parts: the workbook (`date1904` as given), the styles, the
    /// shared strings and one worksheet per entry of `sheets`.
    fn package(date1904: bool, styles: &str, strings: &str, sheets: &[&str]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let mut put = |name: &str, text: &str| {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
        };
        let relationship = |id: &str, kind: &str, target: &str| {
            format!(
                r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/{kind}" Target="{target}"/>"#
            )
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        );
        put(
            "_rels/.rels",
            &format!(
                "<Relationships>{}</Relationships>",
                relationship(
                    "rId1",
                    "officeDocument/2006/relationships/officeDocument",
                    "xl/workbook.xml"
                )
            ),
        );
        let mut links = relationship(
            "rIdS",
            "officeDocument/2006/relationships/styles",
            "styles.xml",
        );
        links += &relationship(
            "rIdT",
            "officeDocument/2006/relationships/sharedStrings",
            "sharedStrings.xml",
        );
        let mut entries = String::new();
        for (index, sheet) in sheets.iter().enumerate() {
            let n = index + 1;
            links += &relationship(
                &format!("rId{n}"),
                "officeDocument/2006/relationships/worksheet",
                &format!("worksheets/sheet{n}.xml"),
            );
            entries += &format!(r#"<sheet name="表{n}" sheetId="{n}" r:id="rId{n}"/>"#);
            put(&format!("xl/worksheets/sheet{n}.xml"), sheet);
        }
        put(
            "xl/workbook.xml",
            &format!(
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="{date1904}"/><sheets>{entries}</sheets></workbook>"#
            ),
        );
        put(
            "xl/_rels/workbook.xml.rels",
            &format!("<Relationships>{links}</Relationships>"),
        );
        put("xl/styles.xml", styles);
        put("xl/sharedStrings.xml", strings);
        zip.finish().unwrap().into_inner()
    }

    /// calamine's reading of a package, or why it could not read it (a panic counts as an error).
    fn calamine_reading(bytes: &[u8]) -> Result<Vec<RawSheet>, String> {
        std::panic::catch_unwind(|| {
            let workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
            streamed_sheets(
                Some(ZipArchive::new(Cursor::new(bytes)).unwrap()),
                workbook,
                Limits::NONE,
            )
        })
        .unwrap_or_else(|_| Err("panic".into()))
    }

    fn scanner_reading(bytes: &[u8]) -> Scan<Vec<RawSheet>> {
        read_sheets(
            &mut ZipArchive::new(Cursor::new(bytes)).unwrap(),
            Limits::NONE,
        )
    }

    const STYLES: &str = r#"<styleSheet><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/><numFmt numFmtId="177" formatCode="0.00_ "/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/><xf numFmtId="177"/><xf numFmtId="14"/><xf numFmtId="46"/></cellXfs></styleSheet>"#;
    const STRINGS: &str = r#"<sst count="3"><si><t>项目名称</t></si><si><r><t>丹朱</t></r><r><t xml:space="preserve">镇 </t></r></si><si><t/></si></sst>"#;

    /// Sheets written as other producers write them: rows and cells without `r`, inline
    /// strings, error and formula-string cells, `<v/>`, whitespace between tags, single quotes,
    /// a style outside `cellXfs`, an ISO date cell and the 1904 date system.
    #[test]
    fn hand_written_sheets_read_as_calamine_reads_them() {
        let without_references = r#"<worksheet><dimension ref="A1:D4"/><sheetData>
            <row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c s="1"><v>46082</v></c></row>
            <row><c t="inlineStr"><is><t> 行内 </t></is></c><c/><c t="e"><v>#N/A</v></c><c s="3"><v>45658.5</v></c></row>
            <row/>
            <row><c t="str"><f>A1&amp;"x"</f><v>公式 结果</v></c><c t="b"><v>1</v></c><c s="4"><v>1.25</v></c><c s="9"><v>7</v></c></row>
        </sheetData></worksheet>"#;
        let with_gaps = r#"<worksheet><sheetData><row r="3"><c r="C3" s='2'><v>-1.5E3</v></c><c><v>2</v></c></row><row r="7" spans="1:3"><c r="A7" t="d"><v>2026-03-01T00:00:00</v></c><c r="B7" t="s"><v>2</v></c><c r="C7" t="s"><v></v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A7:A9"/></mergeCells></worksheet>"#;
        let empty = r#"<worksheet><sheetData/></worksheet>"#;
        for date1904 in [false, true] {
            let bytes = package(
                date1904,
                STYLES,
                STRINGS,
                &[without_references, with_gaps, empty],
            );
            let fast = scanner_reading(&bytes).unwrap();
            assert_eq!(
                Ok(fast.clone()),
                calamine_reading(&bytes),
                "date1904 {date1904}"
            );
            assert_eq!(fast[0].rows[0][1], Cell::Text("丹朱镇 ".into()));
            assert_eq!(fast[0].rows[1][0], Cell::Text("行内".into()));
            assert!(matches!(fast[0].rows[0][2], Cell::Date(_)));
            assert_eq!(fast[1].first_row, 2);
            assert_eq!(fast[1].merges.len(), 1);
        }
    }

    /// A random sheet from the pieces cells are made of: rows and cells with and without
    /// references, every cell type, odd values, formulas and inline strings.
    fn random_sheet(rng: &mut rand_chacha::ChaCha8Rng) -> String {
        use rand::Rng;
        const VALUES: &[&str] = &[
            "0",
            "1",
            "2",
            "3",
            "7",
            "12.5",
            "-1.5E3",
            "1e400",
            "46082",
            "45658.75",
            "",
            " 7",
            "x",
            "#N/A",
            "#REF!",
            "#BAD",
            "true",
            "TRUE",
            "2026-03-01",
            "&amp;",
            "&#x41;",
            ".5",
            "5.",
            "+5",
            "NaN",
            "inf",
            "1_0",
            "0x1",
            "-0",
            "１",
        ];
        const TYPES: &[&str] = &[
            "",
            " t=\"s\"",
            " t=\"n\"",
            " t=\"b\"",
            " t=\"e\"",
            " t=\"str\"",
            " t=\"inlineStr\"",
            " t=\"d\"",
            " t=\"x\"",
        ];
        const STYLES: &[&str] = &[
            "",
            " s=\"0\"",
            " s=\"1\"",
            " s=\"2\"",
            " s=\"3\"",
            " s=\"4\"",
            " s=\"99\"",
        ];
        let mut pick = |options: &[&'static str]| options[rng.random_range(0..options.len())];
        let mut xml = String::from("<worksheet>");
        xml += pick(&[
            "",
            r#"<dimension ref="A1:C9"/>"#,
            r#"<dimension ref="A1"/>"#,
        ]);
        xml += "<sheetData>";
        for row in 1..=pick(&["0", "1", "3", "5"]).parse().unwrap_or(0) {
            let number = pick(&["", "r", "r+2"]);
            xml += &match number {
                "" => "<row>".to_string(),
                "r" => format!(r#"<row r="{row}">"#),
                _ => format!(r#"<row r="{}" spans="1:4">"#, row + 2),
            };
            for _ in 0..pick(&["0", "1", "2", "4"]).parse().unwrap_or(0) {
                let reference = pick(&[
                    "",
                    " r=\"A2\"",
                    " r=\"B1\"",
                    " r=\"c4\"",
                    " r=\"D9\"",
                    " r=\"AA3\"",
                ]);
                let kind = pick(TYPES);
                let style = pick(STYLES);
                let value = pick(VALUES);
                let children = match pick(&["v", "v", "v", "fv", "f", "is", "none", "vv"]) {
                    "v" => format!("<v>{value}</v>"),
                    "fv" => format!("<f>A1+1</f><v>{value}</v>"),
                    "f" => "<f/>".to_string(),
                    "is" => format!("<is><t>{value}</t></is>"),
                    "vv" => format!("<v>{value}</v><v>{}</v>", pick(VALUES)),
                    _ => String::new(),
                };
                xml += &match children.is_empty() {
                    true => format!("<c{reference}{kind}{style}/>"),
                    false => format!("<c{reference}{kind}{style}>{children}</c>"),
                };
            }
            xml += "</row>";
        }
        xml += "</sheetData>";
        xml += pick(&[
            "",
            r#"<mergeCells count="1"><mergeCell ref="A1:B3"/></mergeCells>"#,
        ]);
        xml + "</worksheet>"
    }

    /// Random sheets, some damaged: whatever the scanner accepts, calamine reads the same.
    #[test]
    fn random_sheets_are_read_as_calamine_reads_them_or_left_to_it() {
        use rand::{Rng, SeedableRng};
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/",
            "\"",
            "'",
            " ",
            "=",
            "&amp;",
            "&#10;",
            "&bogus;",
            "\r",
            "_x000D_",
            "<!-- -->",
            "<![CDATA[x]]>",
            "x:",
            "<f/>",
            "</c>",
            "<row>",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261201);
        let mut readings = std::collections::HashSet::new();
        let (mut accepted, mut compared) = (0, 0);
        for _ in 0..4_000 {
            let mut text = random_sheet(&mut rng).into_bytes();
            if rng.random_bool(0.3) {
                let at = rng.random_range(0..=text.len());
                match rng.random_bool(0.5) {
                    true => {
                        let end = (at + rng.random_range(1..12)).min(text.len());
                        text.drain(at..end);
                    }
                    false => {
                        let piece = PIECES[rng.random_range(0..PIECES.len())];
                        text.splice(at..at, piece.bytes());
                    }
                }
            }
            let Ok(text) = String::from_utf8(text) else {
                continue;
            };
            let bytes = package(rng.random_bool(0.2), STYLES, STRINGS, &[&text]);
            if let Ok(fast) = scanner_reading(&bytes) {
                accepted += 1;
                readings.insert(format!("{fast:?}"));
                assert_eq!(Ok(fast), calamine_reading(&bytes), "{text}");
            }
            compared += 1;
        }
        // Many sheets must be read, and read differently, or the test proves little (an odd
        // cell anywhere leaves the whole sheet to calamine).
        assert!(
            accepted > compared / 4 && readings.len() > 200,
            "{accepted}/{compared}, {} readings",
            readings.len()
        );
    }

    #[test]
    fn rich_and_phonetic_runs_are_joined_and_escapes_left_to_calamine() {
        let xml = br#"<?xml version="1.0"?><sst><si><r><t> a</t></r><r><rPr/><t xml:space="preserve"> b </t></r><rPh><t>x</t></rPh></si><si/><si><t>&lt;&#x4E2D;&amp;</t></si></sst>"#;
        assert_eq!(
            shared_strings(xml),
            Ok(vec!["a b ".into(), "".into(), "<中&".into()])
        );
        assert_eq!(
            shared_strings(b"<sst><si><t>a_x000D_b</t></si></sst>"),
            Err(Unsupported)
        );
        assert_eq!(
            shared_strings(b"<x:sst><x:si><x:t>a</x:t></x:si></x:sst>"),
            Err(Unsupported)
        );
        assert_eq!(shared_strings(b"<sst><!-- c --></sst>"), Err(Unsupported));
    }

    #[test]
    fn custom_number_formats_as_calamine_reads_them() {
        assert_eq!(
            custom_format_kind("yyyy\"年\"m\"月\"d\"日\""),
            NumberKind::DateTime
        );
        assert_eq!(custom_format_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(
            custom_format_kind("#,##0.00_);[Red](#,##0.00)"),
            NumberKind::Number
        );
        assert_eq!(custom_format_kind("\"d\"0"), NumberKind::Number);
        assert_eq!(builtin_format_kind("14"), NumberKind::DateTime);
        assert_eq!(builtin_format_kind("2"), NumberKind::Number);
    }
}
