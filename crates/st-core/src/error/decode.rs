//! `DecodeError`: a body that did not have the expected shape, described without its content.

use std::fmt;

/// A response body that did not decode. Names where (the JSON path, e.g. `data[3].createdOn`, and
/// line/column) and what (e.g. `invalid type: string, expected i64`), never the body or a value
/// from it: serde messages quote the offending value (`invalid type: string "Jane"`), so those
/// quotes are removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    path: Option<String>,
    message: String,
    position: Option<(usize, usize)>,
}

impl DecodeError {
    /// A decode error with a message written by the caller; it must not quote the body.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            path: None,
            message: message.into(),
            position: None,
        }
    }

    /// The same error, located at `path` (e.g. `data[0].id`).
    pub fn at(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = (!path.is_empty()).then_some(path);
        self
    }

    /// Describes `err`, which serde_json raised while decoding `body`: the message with quoted
    /// values removed, and the JSON path found by re-reading `body` up to the error position.
    pub fn from_json(body: &[u8], err: &serde_json::Error) -> Self {
        let mut this = Self::from(err);
        if err.line() > 0 {
            this.path = json_path_at(body, err.line(), err.column());
        }
        this
    }

    /// The JSON path of the failure, when known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What went wrong, without values from the body.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Line and column (1-based) of the failure in the body, when known.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position
    }
}

impl From<&serde_json::Error> for DecodeError {
    fn from(err: &serde_json::Error) -> Self {
        Self {
            path: None,
            message: sanitize_serde_message(super::strip_position(&err.to_string())),
            position: (err.line() > 0).then(|| (err.line(), err.column())),
        }
    }
}

impl From<serde_json::Error> for DecodeError {
    fn from(err: serde_json::Error) -> Self {
        Self::from(&err)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not decode the response")?;
        if let Some(path) = &self.path {
            write!(f, " at `{path}`")?;
        }
        if let Some((line, column)) = self.position {
            write!(f, " (line {line}, column {column})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Removes values that serde quotes into its messages: `"…"` strings (serde writes them with
/// `Debug`, so inner quotes are escaped) and the backticked number, boolean, character or variant
/// after `integer`, `floating point`, `boolean`, `character` or `variant`. Field names and the
/// `expected …` part stay: they come from the schema.
pub(crate) fn sanitize_serde_message(message: &str) -> String {
    const VALUE_WORDS: [&str; 5] = ["integer ", "point ", "boolean ", "character ", "variant "];
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                trim_space(&mut out);
            }
            '`' if VALUE_WORDS.iter().any(|w| out.ends_with(w)) => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
                trim_space(&mut out);
            }
            _ => out.push(c),
        }
    }
    out
}

fn trim_space(s: &mut String) {
    while s.ends_with(' ') {
        s.pop();
    }
}

/// Finds the JSON path of the value at (`line`, `column`) as serde_json counts them (1-based
/// lines; the column counts the bytes of the line consumed so far). Returns `None` at the root
/// or when `body` ends before that position.
fn json_path_at(body: &[u8], line: usize, column: usize) -> Option<String> {
    let end = byte_offset(body, line, column)?;
    enum Frame {
        Object { key: Option<String>, in_value: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match body[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                in_value: false,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    in_value: false,
                }) = stack.last_mut()
                {
                    let raw = &body[start..i.min(body.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

fn byte_offset(body: &[u8], line: usize, column: usize) -> Option<usize> {
    let mut current = 1;
    let mut line_start = 0;
    if line > 1 {
        for (i, b) in body.iter().enumerate() {
            if *b == b'\n' {
                current += 1;
                if current == line {
                    line_start = i + 1;
                    break;
                }
            }
        }
        if current != line {
            return None;
        }
    }
    Some((line_start + column).min(body.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Customer {
        id: i64,
        name: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Customer>,
    }

    fn decode(body: &str) -> DecodeError {
        let err = serde_json::from_str::<Page>(body).unwrap_err();
        DecodeError::from_json(body.as_bytes(), &err)
    }

    #[test]
    fn locates_the_failing_field_without_quoting_it() {
        let e = decode(r#"{"data":[{"id":1,"name":"Ann"},{"id":"Jane Doe","name":"x"}]}"#);
        assert_eq!(e.path(), Some("data[1].id"));
        assert_eq!(e.message(), "invalid type: string, expected i64");
        assert!(!e.to_string().contains("Jane"), "{e}");

        let e = decode("{\n  \"data\": [\n    {\"id\": 1, \"name\": 7}\n  ]\n}");
        assert_eq!(e.path(), Some("data[0].name"));
        assert_eq!(e.message(), "invalid type: integer, expected a string");

        let e = decode(r#"{"data":[{"id":1}]}"#);
        assert_eq!(e.path(), Some("data[0]"));
        assert_eq!(e.message(), "missing field `name`");

        let e = decode("not json at all");
        assert_eq!(e.path(), None);
    }

    #[test]
    fn strips_quoted_values_from_serde_messages() {
        let cases = [
            (
                r#"invalid type: string "Jane \"J\" Doe", expected i64"#,
                "invalid type: string, expected i64",
            ),
            (
                "invalid value: integer `-5`, expected u8",
                "invalid value: integer, expected u8",
            ),
            (
                "unknown variant `Secretive`, expected `A` or `B`",
                "unknown variant, expected `A` or `B`",
            ),
            ("missing field `id`", "missing field `id`"),
            (
                "invalid type: floating point `1.5`, expected i32",
                "invalid type: floating point, expected i32",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_serde_message(input), expected);
        }
    }
}
