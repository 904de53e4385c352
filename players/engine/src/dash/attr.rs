//! Reading typed attributes and children off `roxmltree` nodes, with the element and
//! attribute named in every error. Unknown elements and attributes are never looked at,
//! so they are ignored (ISO/IEC 23009-1 §5.2.1: extensions are allowed).

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use roxmltree::Node;

use super::datetime::parse_date_time;
use super::duration::parse_duration;
use super::error::MpdError;
use crate::media::ByteRange;
use crate::time::Micros;

/// An element being read, for error messages.
#[derive(Clone, Copy)]
pub(crate) struct El<'a, 'i> {
    pub node: Node<'a, 'i>,
    pub name: &'static str,
}

impl<'a, 'i> El<'a, 'i> {
    pub fn new(node: Node<'a, 'i>, name: &'static str) -> Self {
        Self { node, name }
    }

    /// The trimmed value of an un-namespaced attribute.
    pub fn str(&self, attribute: &str) -> Option<&'a str> {
        self.node.attribute(attribute).map(str::trim)
    }

    /// An owned copy of an attribute, allocated fallibly.
    pub fn string(&self, attribute: &str) -> Result<Option<String>, MpdError> {
        self.str(attribute).map(owned).transpose()
    }

    fn bad(&self, attribute: &'static str) -> MpdError {
        MpdError::BadValue {
            element: self.name,
            attribute,
        }
    }

    /// An `xs:unsignedLong` that also fits in `i64` (so tick arithmetic cannot overflow
    /// its representation).
    pub fn u63(&self, attribute: &'static str) -> Result<Option<u64>, MpdError> {
        self.str(attribute)
            .map(|s| {
                parse_u64(s)
                    .filter(|v| i64::try_from(*v).is_ok())
                    .ok_or(self.bad(attribute))
            })
            .transpose()
    }

    /// An `xs:unsignedInt`.
    pub fn u32(&self, attribute: &'static str) -> Result<Option<u32>, MpdError> {
        self.str(attribute)
            .map(|s| {
                parse_u64(s)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or(self.bad(attribute))
            })
            .transpose()
    }

    /// An `xs:int`.
    pub fn i64(&self, attribute: &'static str) -> Result<Option<i64>, MpdError> {
        self.str(attribute)
            .map(|s| {
                let (negative, digits) = match s.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, s),
                };
                let v = parse_u64(digits)
                    .and_then(|v| i64::try_from(v).ok())
                    .ok_or(self.bad(attribute))?;
                Ok(if negative { -v } else { v })
            })
            .transpose()
    }

    /// An `xs:boolean` (`true`, `false`, `1`, `0`).
    pub fn bool(&self, attribute: &'static str) -> Result<Option<bool>, MpdError> {
        self.str(attribute)
            .map(|s| match s {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(self.bad(attribute)),
            })
            .transpose()
    }

    /// An `xs:duration` in microseconds.
    pub fn duration(&self, attribute: &'static str) -> Result<Option<Micros>, MpdError> {
        self.str(attribute)
            .map(|s| {
                parse_duration(s).ok_or(MpdError::BadDuration {
                    element: self.name,
                    attribute,
                })
            })
            .transpose()
    }

    /// An `xs:dateTime` in milliseconds since the Unix epoch.
    pub fn date_time(&self, attribute: &'static str) -> Result<Option<i64>, MpdError> {
        self.str(attribute)
            .map(|s| {
                parse_date_time(s).ok_or(MpdError::BadDateTime {
                    element: self.name,
                    attribute,
                })
            })
            .transpose()
    }

    /// A byte range `first-last` (inclusive, RFC 9110 §14.1.2 form, as in
    /// ISO/IEC 23009-1 §5.3.9.2 `@indexRange`, `@mediaRange`, `Initialization@range`).
    pub fn range(&self, attribute: &'static str) -> Result<Option<ByteRange>, MpdError> {
        self.str(attribute)
            .map(|s| parse_range(s).ok_or(self.bad(attribute)))
            .transpose()
    }

    /// A value with its own parser.
    pub fn parsed<T>(
        &self,
        attribute: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, MpdError> {
        self.str(attribute)
            .map(|s| parse(s).ok_or(self.bad(attribute)))
            .transpose()
    }

    /// A required attribute.
    pub fn required<T>(
        &self,
        attribute: &'static str,
        value: Result<Option<T>, MpdError>,
    ) -> Result<T, MpdError> {
        value?.ok_or(MpdError::MissingAttribute {
            element: self.name,
            attribute,
        })
    }

    /// Child elements with this local name (any namespace: MPDs without `xmlns` exist).
    pub fn children(&self, name: &'static str) -> impl Iterator<Item = El<'a, 'i>> + use<'a, 'i> {
        self.node
            .children()
            .filter(move |n| n.is_element() && n.tag_name().name() == name)
            .map(move |node| El { node, name })
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &'static str) -> Option<El<'a, 'i>> {
        self.children(name).next()
    }

    /// The trimmed text content (`BaseURL`, `Location`), if any.
    pub fn text(&self) -> &'a str {
        self.node.text().map(str::trim).unwrap_or("")
    }
}

/// Longest resolved BaseURL kept (CDNs refuse far shorter ones); a cap so that a long
/// BaseURL cannot be multiplied by many short relative ones below it.
pub(crate) const MAX_URL: usize = 16 * 1024;

/// The BaseURL of `el` resolved against its parent's (ISO/IEC 23009-1 §5.6.4; RFC 3986
/// §5.2), or the parent's when `el` has none. Only the first `BaseURL` is used (the
/// others are alternatives for content steering, not kept).
pub(crate) fn base_url(parent: &Rc<str>, el: &El<'_, '_>) -> Result<Rc<str>, MpdError> {
    let Some(child) = el.child("BaseURL") else {
        return Ok(parent.clone());
    };
    let resolved = crate::url::resolve(parent, child.text());
    if resolved.len() > MAX_URL {
        return Err(MpdError::BadValue {
            element: "BaseURL",
            attribute: "text",
        });
    }
    Ok(Rc::from(resolved))
}

/// Decimal digits into `u64` (no sign, no spaces).
pub(crate) fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// `first-last`, inclusive, `first <= last`, length fitting in `u32`.
pub(crate) fn parse_range(s: &str) -> Option<ByteRange> {
    let (first, last) = s.split_once('-')?;
    let (first, last) = (parse_u64(first.trim())?, parse_u64(last.trim())?);
    let length = last.checked_sub(first)?.checked_add(1)?;
    Some(ByteRange {
        offset: first,
        length: u32::try_from(length).ok()?,
    })
}

/// A fallible `String` copy (the size comes from the input).
pub(crate) fn owned(s: &str) -> Result<String, MpdError> {
    let mut out = String::new();
    out.try_reserve_exact(s.len())
        .map_err(|_| MpdError::OutOfMemory)?;
    out.push_str(s);
    Ok(out)
}

/// A fallible `Vec::push`.
pub(crate) fn push<T>(vec: &mut Vec<T>, item: T) -> Result<(), MpdError> {
    vec.try_reserve(1).map_err(|_| MpdError::OutOfMemory)?;
    vec.push(item);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_inclusive() {
        assert_eq!(
            parse_range("795-62984"),
            Some(ByteRange {
                offset: 795,
                length: 62190
            })
        );
        assert_eq!(parse_range("0-0").map(|r| r.length), Some(1));
        assert_eq!(parse_range("5-4"), None);
        assert_eq!(parse_range("5-"), None);
        assert_eq!(parse_range("0-4294967296"), None, "length beyond u32");
    }

    #[test]
    fn numbers_refuse_signs_and_overflow() {
        assert_eq!(parse_u64("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64("18446744073709551616"), None);
        assert_eq!(parse_u64("+1"), None);
        assert_eq!(parse_u64(""), None);
    }
}
