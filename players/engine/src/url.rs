//! URI reference resolution (RFC 3986 §5.2), for playlist and MPD URIs relative to the
//! document that names them (RFC 8216 §4.1, ISO/IEC 23009-1 §5.6 `BaseURL`).

use alloc::string::String;

/// The parts of a URI reference (RFC 3986 §3; components keep their delimiters out).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// Splits a reference per RFC 3986 Appendix B.
fn split(s: &str) -> Parts<'_> {
    let (s, fragment) = match s.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let (s, query) = match s.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (s, None),
    };
    // A scheme is letters, digits, '+', '-', '.' starting with a letter, before ':'.
    let (scheme, rest) = match s.find(':') {
        Some(i)
            if s.get(..i).is_some_and(|p| {
                p.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            }) && !s.get(..i).is_some_and(|p| p.contains('/')) =>
        {
            (s.get(..i), s.get(i + 1..).unwrap_or(""))
        }
        _ => (None, s),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (after.get(..end), after.get(end..).unwrap_or(""))
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 §5.2.4: removes `.` and `..` segments.
fn remove_dot_segments(path: &str) -> String {
    let mut out: alloc::vec::Vec<&str> = alloc::vec::Vec::new();
    let absolute = path.starts_with('/');
    let segments: alloc::vec::Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => trailing_slash = i == last,
            ".." => {
                out.pop();
                trailing_slash = i == last;
            }
            s => {
                out.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut result = String::with_capacity(path.len());
    if absolute {
        result.push('/');
    }
    result.push_str(&out.join("/"));
    if trailing_slash && !result.ends_with('/') {
        result.push('/');
    }
    result
}

/// RFC 3986 §5.2.3: merges a relative path with the base's.
fn merge(base: &Parts<'_>, reference_path: &str) -> String {
    let mut merged = String::new();
    if base.authority.is_some() && base.path.is_empty() {
        merged.push('/');
    } else if let Some(i) = base.path.rfind('/') {
        merged.push_str(base.path.get(..=i).unwrap_or(""));
    }
    merged.push_str(reference_path);
    merged
}

fn recompose(
    scheme: Option<&str>,
    authority: Option<&str>,
    path: &str,
    query: Option<&str>,
    fragment: Option<&str>,
) -> String {
    let mut s = String::new();
    if let Some(scheme) = scheme {
        s.push_str(scheme);
        s.push(':');
    }
    if let Some(authority) = authority {
        s.push_str("//");
        s.push_str(authority);
    }
    s.push_str(path);
    if let Some(q) = query {
        s.push('?');
        s.push_str(q);
    }
    if let Some(f) = fragment {
        s.push('#');
        s.push_str(f);
    }
    s
}

/// Resolves `reference` against `base` (RFC 3986 §5.2.2, strict).
pub fn resolve(base: &str, reference: &str) -> String {
    let r = split(reference.trim());
    let b = split(base.trim());
    if r.scheme.is_some() {
        return recompose(
            r.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    if r.authority.is_some() {
        return recompose(
            b.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    if r.path.is_empty() {
        return recompose(
            b.scheme,
            b.authority,
            b.path,
            r.query.or(b.query),
            r.fragment,
        );
    }
    let path = if r.path.starts_with('/') {
        remove_dot_segments(r.path)
    } else {
        remove_dot_segments(&merge(&b, r.path))
    };
    recompose(b.scheme, b.authority, &path, r.query, r.fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §5.4.1 and §5.4.2, every example.
    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        for (reference, expected) in [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"),
        ] {
            assert_eq!(resolve(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn playlist_forms() {
        assert_eq!(
            resolve("https://cdn.example/v/master.m3u8", "720p/index.m3u8"),
            "https://cdn.example/v/720p/index.m3u8"
        );
        assert_eq!(
            resolve("https://cdn.example/v/720p/index.m3u8?tok=1", "seg1.ts"),
            "https://cdn.example/v/720p/seg1.ts"
        );
        assert_eq!(
            resolve("mem://sample/master.m3u8", "v0.m3u8"),
            "mem://sample/v0.m3u8"
        );
        assert_eq!(
            resolve("file:///media/a/b.mpd", "../c/seg.m4s"),
            "file:///media/c/seg.m4s"
        );
        assert_eq!(
            resolve("https://h/a/", " https://other/x "),
            "https://other/x"
        );
    }
}
