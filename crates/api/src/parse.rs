//! JSON text to a [`Value`]: a small recursive-descent reader that the widget uses instead of
//! `serde_json::from_str`.
//!
//! Why: serde_json's reader is a generic `Deserializer` driven through serde's visitor traits,
//! and its text reader (visitors, number and string paths, error positions) was the largest
//! part of serde_json in the widget's wasm. Everything the widget reads goes through a `Value`
//! anyway (see `json`), so a direct text-to-`Value` reader does the same job in far less code.
//!
//! It accepts exactly what serde_json accepts and builds the value its `Value` holds (ours is
//! [`crate::value::Value`]; tests compare both on
//! a corpus and on fuzzed input): integers that fit are `u64`/`i64`, `-0` and integers out of
//! range are floats, strings must be valid escapes with no raw control characters, lone
//! surrogates are errors, the last of duplicate keys wins, nesting stops below 128 levels.
//! Floats read as serde_json's default reader (not `float_roundtrip`) reads them, bit for bit.
//! Errors name the line and column like serde_json's syntax errors.

use crate::json::{Map, Number, Value};

use crate::json::Error;

/// serde_json's nesting limit (127 levels are read, 128 are an error): deeper input is an
/// error, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// Parses JSON text into a [`Value`] (whitespace around it allowed, nothing else after it).
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let value = reader.value()?;
    reader.skip_whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("trailing characters"));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    /// An error at the current position, worded like serde_json's (`… at line L column C`).
    fn error(&self, what: &str) -> Error {
        let seen = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = 1 + seen.iter().filter(|&&b| b == b'\n').count();
        // 1-based, of the byte the reader stopped at, or of the last one at the end (as
        // serde_json; bytes, not characters: for logs only).
        let column = seen.iter().rev().take_while(|&&b| b != b'\n').count()
            + usize::from(self.pos < self.bytes.len());
        Error::custom(format!("{what} at line {line} column {column}"))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.skip_whitespace();
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a value"));
        };
        match byte {
            b'n' => self.literal(b"null", Value::Null),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'"' => {
                self.pos += 1;
                self.string().map(Value::String)
            }
            b'-' | b'0'..=b'9' => self.number(),
            b'[' | b'{' => {
                self.depth += 1;
                if self.depth >= MAX_DEPTH {
                    return Err(self.error("recursion limit exceeded"));
                }
                self.pos += 1;
                let value = if byte == b'[' {
                    self.array()
                } else {
                    self.object()
                };
                self.depth -= 1;
                value
            }
            _ => Err(self.error("expected value")),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, Error> {
        for &expected in word {
            match self.peek() {
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return Err(self.error("expected ident")),
                None => return Err(self.error("EOF while parsing a value")),
            }
        }
        Ok(value)
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.after_item(b']', "expected `,` or `]`", "EOF while parsing a list")? {
                return Ok(Value::Array(items));
            }
        }
    }

    /// After an item of a list or an object: `,` (another follows: `false`) or `close` (the
    /// end: `true`); a comma right before `close` is an error, as in serde_json.
    fn after_item(&mut self, close: u8, expected: &str, eof: &str) -> Result<bool, Error> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    return Err(self.error("trailing comma"));
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Err(self.error(expected)),
            None => Err(self.error(eof)),
        }
    }

    /// After `{`.
    fn object(&mut self) -> Result<Value, Error> {
        let mut map = Map::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            match self.peek() {
                Some(b'"') => self.pos += 1,
                Some(_) => return Err(self.error("key must be a string")),
                None => return Err(self.error("EOF while parsing an object")),
            }
            let key = self.string()?;
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(_) => return Err(self.error("expected `:`")),
                None => return Err(self.error("EOF while parsing an object")),
            }
            let value = self.value()?;
            // As serde_json's `Value`: a repeated key keeps its last value.
            map.insert(key, value);
            if self.after_item(b'}', "expected `,` or `}`", "EOF while parsing an object")? {
                return Ok(Value::Object(map));
            }
        }
    }

    /// After the opening quote; consumes the closing one.
    fn string(&mut self) -> Result<String, Error> {
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            match byte {
                b'"' | b'\\' => {
                    // Runs between escapes are whole UTF-8 sequences: both bytes are ASCII.
                    out.push_str(self.text(start, self.pos));
                    self.pos += 1;
                    if byte == b'"' {
                        return Ok(out);
                    }
                    self.escape(&mut out)?;
                    start = self.pos;
                }
                0..=0x1f => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The text between two ASCII positions of the input (so always on character boundaries).
    fn text(&self, start: usize, end: usize) -> &str {
        std::str::from_utf8(&self.bytes[start..end]).unwrap_or_default()
    }

    /// After a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error("lone leading surrogate in hex escape"))
                    }
                    _ => u32::from(unit),
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))?
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let mut unit = 0u16;
        for _ in 0..4 {
            let Some(byte) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                b'A'..=b'F' => byte - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            unit = unit * 16 + u16::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(self.error("invalid number")),
            None => return Err(self.error("EOF while parsing a value")),
        }
        let int_end = self.pos;
        let mut frac = (self.pos, self.pos);
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let start = self.pos;
            if self.digits() == 0 {
                return Err(self.error(if self.peek().is_some() {
                    "invalid number"
                } else {
                    "EOF while parsing a value"
                }));
            }
            frac = (start, self.pos);
        }
        let mut exponent: i64 = 0;
        let mut has_exponent = false;
        if let Some(b'e' | b'E') = self.peek() {
            has_exponent = true;
            self.pos += 1;
            let minus = match self.peek() {
                Some(b'+') => {
                    self.pos += 1;
                    false
                }
                Some(b'-') => {
                    self.pos += 1;
                    true
                }
                _ => false,
            };
            let start = self.pos;
            if self.digits() == 0 {
                return Err(self.error(if self.peek().is_some() {
                    "invalid number"
                } else {
                    "EOF while parsing a value"
                }));
            }
            for &b in &self.bytes[start..self.pos] {
                // Saturates: an exponent this large is infinity or zero either way.
                exponent = (exponent * 10 + i64::from(b - b'0')).min(1 << 40);
            }
            if minus {
                exponent = -exponent;
            }
        }
        let int_digits = &self.bytes[int_start..int_end];
        let frac_digits = &self.bytes[frac.0..frac.1];

        if frac_digits.is_empty() && !has_exponent {
            // An integer: exact when it fits, as serde_json (which makes `-0` a float).
            if let Some(n) = accumulate(int_digits) {
                if !negative {
                    return Ok(Value::Number(n.into()));
                }
                if n != 0 && n <= 1 << 63 {
                    return Ok(Value::Number((n as i64).wrapping_neg().into()));
                }
            }
        }
        self.float(negative, int_digits, frac_digits, exponent)
    }

    /// The float of `int.frac e exponent`: the significant digits as an integer (the ones past
    /// what a `u64` holds only move the exponent), then one multiplication or division by a
    /// power of ten, as serde_json does.
    fn float(
        &self,
        negative: bool,
        int_digits: &[u8],
        frac_digits: &[u8],
        mut exponent: i64,
    ) -> Result<Value, Error> {
        let mut significand: u64 = 0;
        let mut full = false;
        for (i, &b) in int_digits.iter().chain(frac_digits).enumerate() {
            let is_int = i < int_digits.len();
            let next = significand
                .checked_mul(10)
                .and_then(|s| s.checked_add(u64::from(b - b'0')));
            match next {
                Some(s) if !full => {
                    significand = s;
                    if !is_int {
                        exponent -= 1;
                    }
                }
                // Past u64 (and every digit after): an integer digit scales by ten, a fraction
                // digit is dropped, as serde_json.
                _ => {
                    full = true;
                    if is_int {
                        exponent += 1;
                    }
                }
            }
        }
        // serde_json's `f64_from_parts`: one operation with 10^|exponent| (its table holds the
        // nearest double to each power, so does `pow10`), past 10^308 steps of 1e308 down.
        let mut f = significand as f64;
        loop {
            let e = exponent.unsigned_abs();
            if e <= 308 {
                if exponent >= 0 {
                    f *= pow10(e);
                    if f.is_infinite() {
                        return Err(self.error("number out of range"));
                    }
                } else {
                    f /= pow10(e);
                }
                break;
            }
            if f == 0.0 {
                break;
            }
            if exponent >= 0 {
                return Err(self.error("number out of range"));
            }
            f /= 1e308;
            exponent += 308;
        }
        let f = if negative { -f } else { f };
        // Finite by construction (overflow is an error above).
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| self.error("number out of range"))
    }
}

/// `digits` as a `u64`, if it fits.
fn accumulate(digits: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for &b in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// The double nearest to 10^`n` (ties to even), as serde_json's table of them holds, computed
/// instead of shipped: 10^`n` exactly in 32-bit limbs, then its top 64 bits (a sticky low bit
/// for any set bit below them) rounded once by the integer-to-float conversion (bit by bit:
/// the fewest instructions).
fn pow10(n: u64) -> f64 {
    let mut limbs: Vec<u32> = vec![1];
    for _ in 0..n {
        let mut carry = 0u64;
        for limb in &mut limbs {
            let v = u64::from(*limb) * 10 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    // The top 64 bits, most significant first; the bits below only count as sticky.
    let mut mantissa = 0u64;
    let mut kept = 0;
    let mut shift = 0u64;
    let mut sticky = false;
    for limb in limbs.iter().rev() {
        for bit in (0..32).rev() {
            let set = limb >> bit & 1 == 1;
            if kept < 64 {
                if kept > 0 || set {
                    mantissa = mantissa << 1 | u64::from(set);
                    kept += 1;
                }
            } else {
                shift += 1;
                sticky |= set;
            }
        }
    }
    // Bit 0 is far below the 53 bits kept, so it only breaks a would-be tie, as it must.
    let mantissa = mantissa | u64::from(sticky);
    // An exact power of two (10^308 needs a shift of 960, within the exponent range).
    mantissa as f64 * f64::from_bits((1023 + shift) << 52)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::Value;

    /// Both readers agree: the same value, or both an error.
    fn same(text: &str) {
        let ours = parse(text);
        let theirs = serde_json::from_str::<Value>(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(*a, crate::json::Value::from(b.clone()), "{text:?}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn every_json_value_reads_as_serde_json_reads_it() {
        for text in [
            "null",
            "true",
            "false",
            " 0 ",
            "-0",
            "1",
            "-1",
            "42",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-1.5",
            "0.1",
            "12.99",
            "1e3",
            "1E+3",
            "1e-3",
            "2.5e-7",
            "123456789012345",
            "1e400",
            "-1e400",
            "1e-400",
            "0e0",
            "0.0",
            "-0.0",
            "3.141592653589793",
            "\"\"",
            "\"a\"",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
            "\"\\u00e9\\u20AC\"",
            "\"\\ud83d\\ude00\"",
            "\"ünïcødé 😀\"",
            "[]",
            "[ ]",
            "[1,2,[3,{}]]",
            "{}",
            "{ \"a\" : 1 , \"b\" : [true] }",
            "{\"a\":1,\"a\":2}",
            "{\"nested\":{\"x\":{\"y\":null}}}",
        ] {
            same(text);
        }
    }

    #[test]
    fn what_serde_json_refuses_is_refused() {
        for text in [
            "",
            " ",
            "nul",
            "nulll",
            "tru",
            "True",
            "01",
            "-",
            "-a",
            "1.",
            "1.e3",
            ".5",
            "1e",
            "1e+",
            "+1",
            "\"",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"a\u{1}b\"",
            "[",
            "[1",
            "[1,]",
            "[1 2]",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1,}",
            "{a:1}",
            "{\"a\" 1}",
            "1 2",
            "[] x",
            "NaN",
            "Infinity",
        ] {
            assert!(parse(text).is_err(), "{text:?} should be an error");
            same(text);
        }
    }

    #[test]
    fn long_and_extreme_floats_read_as_serde_json_reads_them() {
        for text in [
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "6.02214076e23",
            "1.6e-35",
            "12345678901234567890.5",
            "0.1234567890123456789",
            "5e-324",
        ] {
            same(text);
        }
    }

    #[test]
    fn every_mutation_of_a_message_reads_as_serde_json_reads_it() {
        // Each byte of a realistic body deleted, doubled or replaced by a JSON-significant one:
        // the two readers must agree on every variant (value or refusal).
        let body = r#"{"message_id":"m1","role":"assistant","parts":[{"type":"text","text":"Hej \"du\" \u00e6\ud83d\ude00\n"},{"type":"product_card","price":12.5,"qty":-3,"ok":true,"none":null,"tags":["a",[],{}],"big":1e21}]}"#;
        let bytes = body.as_bytes();
        for i in 0..bytes.len() {
            let mut variants = vec![
                [&bytes[..i], &bytes[i + 1..]].concat(),
                [&bytes[..=i], &bytes[i..]].concat(),
            ];
            for b in *b"\"\\,:[]{}0-.e ut" {
                variants.push([&bytes[..i], &[b][..], &bytes[i + 1..]].concat());
            }
            for variant in variants {
                if let Ok(text) = std::str::from_utf8(&variant) {
                    same(text);
                }
            }
        }
    }

    #[test]
    fn powers_of_ten_are_the_nearest_doubles() {
        for n in 0..=308u64 {
            let literal: f64 = format!("1e{n}").parse().unwrap_or_default();
            assert_eq!(super::pow10(n).to_bits(), literal.to_bits(), "10^{n}");
        }
    }

    #[test]
    fn nesting_stops_at_serde_jsons_limit() {
        same(&format!("{}{}", "[".repeat(128), "]".repeat(128)));
        same(&format!("{}{}", "[".repeat(129), "]".repeat(129)));
        assert!(parse(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn errors_name_the_line_and_column_as_serde_json_does() {
        for text in [
            "{\n  \"a\": tru}",
            "[1,\n2,\n  x]",
            "{\"a\":\n\"b\"\n\n",
            "[1] 2",
        ] {
            // The whole text: the same words, line and column.
            let ours = parse(text).err().map(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(text)
                .err()
                .map(|e| e.to_string());
            assert!(ours.is_some());
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn short_floats_are_bit_for_bit_serde_jsons() {
        // Pseudo-random decimals with up to 15 digits and small exponents: the fast path.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 1_000_000_000_000_000).to_string();
            // Up to 15 fraction digits and an exponent from -7 to 7: within 10^±22 in all.
            let point = ((seed >> 50) % 16) as usize;
            let exponent = ((seed >> 40) % 15) as i64 - 7;
            let split = digits.len().saturating_sub(point);
            let text = if split == digits.len() {
                format!("{digits}e{exponent}")
            } else {
                let int = if split == 0 { "0" } else { &digits[..split] };
                format!("{int}.{}e{exponent}", &digits[split..])
            };
            same(&text);
        }
    }
}
