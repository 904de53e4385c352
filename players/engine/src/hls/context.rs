//! What both playlist parsers share while they walk the lines: the playlist URL (for
//! URI resolution, RFC 8216 §4.1), the variables, the current line and the warnings,
//! and typed attribute getters that apply the "required is fatal, optional is a
//! warning" rule in one place.

use alloc::string::String;
use alloc::vec::Vec;

use super::attributes::{Attributes, Raw};
use super::error::{Error, ErrorKind, Warning, WarningKind, MAX_WARNINGS};
use super::variables::Variables;

/// An owned copy of `s`, allocated fallibly.
pub(crate) fn owned(s: &str) -> Result<String, ErrorKind> {
    let mut out = String::new();
    out.try_reserve_exact(s.len())
        .map_err(|_| ErrorKind::OutOfMemory)?;
    out.push_str(s);
    Ok(out)
}

/// Pushes onto a vector sized by the input, fallibly.
pub(crate) fn push<T>(list: &mut Vec<T>, item: T) -> Result<(), ErrorKind> {
    list.try_reserve(1).map_err(|_| ErrorKind::OutOfMemory)?;
    list.push(item);
    Ok(())
}

/// Parse state shared by the master and media parsers.
pub(crate) struct Context<'u> {
    /// The playlist's own URL, the base for relative URIs.
    pub url: &'u str,
    /// The line being parsed (1-based).
    pub line: u32,
    pub variables: Variables,
    pub warnings: Vec<Warning>,
    pub warnings_dropped: u32,
}

impl<'u> Context<'u> {
    pub(crate) fn new(url: &'u str) -> Self {
        Self {
            url,
            line: 0,
            variables: Variables::default(),
            warnings: Vec::new(),
            warnings_dropped: 0,
        }
    }

    /// `kind` as an error on the current line.
    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        Error {
            line: self.line,
            kind,
        }
    }

    /// Records a warning on the current line (at most [`MAX_WARNINGS`]).
    pub(crate) fn warn(&mut self, kind: WarningKind) {
        self.warn_at(self.line, kind);
    }

    pub(crate) fn warn_at(&mut self, line: u32, kind: WarningKind) {
        if self.warnings.len() < MAX_WARNINGS && self.warnings.try_reserve(1).is_ok() {
            self.warnings.push(Warning { line, kind });
        } else {
            self.warnings_dropped = self.warnings_dropped.saturating_add(1);
        }
    }

    /// Substituted, owned text.
    pub(crate) fn text(&self, s: &str) -> Result<String, Error> {
        let s = self.variables.substitute(s).map_err(|k| self.error(k))?;
        owned(&s).map_err(|k| self.error(k))
    }

    /// A URI (a URI line or a `URI` attribute) substituted and resolved against the
    /// playlist URL.
    pub(crate) fn uri(&self, s: &str) -> Result<String, Error> {
        let s = self.variables.substitute(s).map_err(|k| self.error(k))?;
        Ok(crate::url::resolve(self.url, &s))
    }

    /// A string attribute (quoted-strings are substituted; an unquoted value is taken
    /// as written, as players do).
    pub(crate) fn string(&self, a: &Attributes<'_>, name: &str) -> Result<Option<String>, Error> {
        match a.get(name) {
            None => Ok(None),
            Some(Raw { text, quoted: true }) => self.text(text).map(Some),
            Some(Raw { text, .. }) => owned(text).map(Some).map_err(|k| self.error(k)),
        }
    }

    /// A required string attribute.
    pub(crate) fn required_string(
        &self,
        a: &Attributes<'_>,
        name: &'static str,
    ) -> Result<String, Error> {
        self.string(a, name)?.ok_or_else(|| self.missing(a, name))
    }

    /// An optional `URI` attribute, resolved.
    pub(crate) fn uri_attribute(
        &self,
        a: &Attributes<'_>,
        name: &str,
    ) -> Result<Option<String>, Error> {
        a.get(name).map(|raw| self.uri(raw.text)).transpose()
    }

    /// A required `URI` attribute, resolved.
    pub(crate) fn required_uri(
        &self,
        a: &Attributes<'_>,
        name: &'static str,
    ) -> Result<String, Error> {
        self.uri_attribute(a, name)?
            .ok_or_else(|| self.missing(a, name))
    }

    /// An optional typed attribute: absent is `None`; malformed is `None` and a
    /// warning.
    pub(crate) fn optional<T>(
        &mut self,
        a: &Attributes<'_>,
        name: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = a.get(name)?;
        let value = parse(raw.text);
        if value.is_none() {
            self.warn(WarningKind::MalformedAttribute { tag: a.tag, name });
        }
        value
    }

    /// A typed attribute that must be right if present: malformed is an error.
    pub(crate) fn strict<T>(
        &self,
        a: &Attributes<'_>,
        name: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, Error> {
        match a.get(name) {
            None => Ok(None),
            Some(raw) => parse(raw.text)
                .map(Some)
                .ok_or_else(|| self.malformed(a, name)),
        }
    }

    /// A required typed attribute: absent or malformed is an error.
    pub(crate) fn required<T>(
        &self,
        a: &Attributes<'_>,
        name: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, Error> {
        self.strict(a, name, parse)?
            .ok_or_else(|| self.missing(a, name))
    }

    /// A `YES`/`NO` attribute, `NO` when absent or malformed (with a warning).
    pub(crate) fn flag(&mut self, a: &Attributes<'_>, name: &'static str) -> bool {
        self.optional(a, name, super::value::yes_no)
            .unwrap_or(false)
    }

    pub(crate) fn missing(&self, a: &Attributes<'_>, name: &'static str) -> Error {
        self.error(ErrorKind::MissingAttribute { tag: a.tag, name })
    }

    pub(crate) fn malformed(&self, a: &Attributes<'_>, name: &'static str) -> Error {
        self.error(ErrorKind::MalformedAttribute { tag: a.tag, name })
    }
}
