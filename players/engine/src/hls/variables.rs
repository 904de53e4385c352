//! Variable substitution (draft-pantos-hls-rfc8216bis §4.3): `#EXT-X-DEFINE` gives
//! names values, and `{$name}` in URI lines and quoted-string attribute values is
//! replaced by them. A reference to an undefined name makes the playlist invalid.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::error::{ErrorKind, MAX_SUBSTITUTED};

/// A variable defined by `#EXT-X-DEFINE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// Its name: `[a-zA-Z0-9_-]+`, case-sensitive.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Whether `name` is a valid variable name (rfc8216bis §4.4.2.3).
pub(crate) fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The variables in scope while a playlist is parsed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Variables {
    pub list: Vec<Variable>,
}

impl Variables {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    /// Defines `name`; a second definition of a name is an error.
    pub(crate) fn define(&mut self, name: &str, value: &str) -> Result<(), ErrorKind> {
        if self.get(name).is_some() {
            return Err(ErrorKind::VariableRedefined);
        }
        self.list
            .try_reserve(1)
            .map_err(|_| ErrorKind::OutOfMemory)?;
        self.list.push(Variable {
            name: super::context::owned(name)?,
            value: super::context::owned(value)?,
        });
        Ok(())
    }

    /// `text` with every `{$name}` replaced. Text that only looks like a reference
    /// (`{$` without `}`, or an invalid name) is kept as it is.
    pub(crate) fn substitute<'t>(&self, text: &'t str) -> Result<Cow<'t, str>, ErrorKind> {
        if !text.contains("{$") {
            return Ok(Cow::Borrowed(text));
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{$") {
            let (before, reference) = rest.split_at(start);
            push(&mut out, before)?;
            let body = reference.get(2..).unwrap_or("");
            match body.split_once('}') {
                Some((name, after)) if is_name(name) => {
                    push(
                        &mut out,
                        self.get(name).ok_or(ErrorKind::UndefinedVariable)?,
                    )?;
                    rest = after;
                }
                _ => {
                    push(&mut out, "{$")?;
                    rest = body;
                }
            }
        }
        push(&mut out, rest)?;
        Ok(Cow::Owned(out))
    }
}

fn push(out: &mut String, s: &str) -> Result<(), ErrorKind> {
    if out.len().saturating_add(s.len()) > MAX_SUBSTITUTED {
        return Err(ErrorKind::SubstitutionTooLong);
    }
    out.try_reserve(s.len())
        .map_err(|_| ErrorKind::OutOfMemory)?;
    out.push_str(s);
    Ok(())
}

/// The value of query parameter `name` in `url` (for `QUERYPARAM`, rfc8216bis
/// §4.4.2.3), as written (not percent-decoded).
pub(crate) fn query_parameter<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let query = url.split('#').next()?.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        let mut v = Variables::default();
        v.define("host", "cdn.example").unwrap();
        v.define("q", "a=1").unwrap();
        v
    }

    #[test]
    fn references_are_replaced() {
        let v = vars();
        assert_eq!(
            v.substitute("https://{$host}/x.ts?{$q}").unwrap(),
            "https://cdn.example/x.ts?a=1"
        );
        assert!(matches!(
            v.substitute("plain").unwrap(),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn undefined_reference_is_an_error_and_lookalikes_are_kept() {
        let v = vars();
        assert_eq!(v.substitute("{$nope}"), Err(ErrorKind::UndefinedVariable));
        assert_eq!(v.substitute("{$ bad}{$host").unwrap(), "{$ bad}{$host");
        assert_eq!(v.substitute("{${$host}}").unwrap(), "{$cdn.example}");
    }

    #[test]
    fn redefinition_is_an_error() {
        let mut v = vars();
        assert_eq!(v.define("host", "x"), Err(ErrorKind::VariableRedefined));
    }

    #[test]
    fn expansion_is_bounded() {
        let mut v = Variables::default();
        let big = "x".repeat(40_000);
        v.define("big", &big).unwrap();
        assert!(v.substitute("{$big}").is_ok());
        assert_eq!(
            v.substitute("{$big}{$big}"),
            Err(ErrorKind::SubstitutionTooLong)
        );
    }

    #[test]
    fn query_parameters_are_found_by_name() {
        let url = "https://h/p.m3u8?token=abc&x=1#frag";
        assert_eq!(query_parameter(url, "token"), Some("abc"));
        assert_eq!(query_parameter(url, "x"), Some("1"));
        assert_eq!(query_parameter(url, "y"), None);
        assert_eq!(query_parameter("https://h/p.m3u8", "x"), None);
    }
}
