//! The chunk-size table of the ABR literature's canonical benchmark.

use super::{invalid, ContentError};

/// Reads the ABR literature's chunk-size table (`chunk,bytes_300kbps,...`: one row
/// per chunk, one column per rung): returns each column's bitrate from its header
/// (`bytes_<n>kbps`) and its sizes, per rung then per chunk.
///
/// # Errors
/// [`ContentError::Invalid`] naming the line of a malformed header or row.
pub fn chunk_table(csv: &str) -> Result<(Vec<u64>, Vec<Vec<u64>>), ContentError> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().ok_or_else(|| invalid("empty table"))?;
    let bitrates: Vec<u64> = header
        .split(',')
        .skip(1)
        .map(|h| {
            h.trim()
                .strip_prefix("bytes_")
                .and_then(|h| h.strip_suffix("kbps"))
                .and_then(|k| k.parse::<u64>().ok())
                .map(|k| k * 1000)
                .ok_or_else(|| invalid(format!("line 1: column {h:?} is not bytes_<n>kbps")))
        })
        .collect::<Result<_, _>>()?;
    let mut sizes = vec![Vec::new(); bitrates.len()];
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != bitrates.len() + 1 {
            return Err(invalid(format!("line {}: {} fields", i + 2, fields.len())));
        }
        for (column, field) in sizes.iter_mut().zip(fields.iter().skip(1)) {
            column.push(
                field
                    .parse()
                    .map_err(|_| invalid(format!("line {}: {field:?} is not a size", i + 2)))?,
            );
        }
    }
    Ok((bitrates, sizes))
}
