//! Fixed-point number text without core's float formatting.
//!
//! Why: `format!("{:.2}", x)` links core's float formatter (Grisu, Dragon4 and their bignums),
//! about 13 KB of wasm for two fallback strings. [`fixed`] writes the same text with integer
//! arithmetic.

/// `x` with `decimals` digits after the point, the same text as `format!("{x:.decimals$}")`:
/// the exact binary value rounded half to even, a `-` on any negative value (also `-0.00`),
/// `NaN`/`inf` as Rust spells them. `decimals` is at most 3 (larger values are treated as 3),
/// which keeps every intermediate in a `u64`.
pub fn fixed(x: f64, decimals: u32) -> String {
    let decimals = decimals.min(3);
    if x.is_nan() {
        return "NaN".to_owned();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    // |x| = mantissa * 2^exponent, exactly.
    let bits = x.abs().to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let scaled = mantissa * 10u64.pow(decimals); // < 2^53 * 1000 < 2^63
    let digits = if exponent >= 0 {
        // An integer: double its decimal digits `exponent` times (fine for any f64).
        let mut digits: Vec<u8> = scaled.to_string().bytes().map(|b| b - b'0').collect();
        for _ in 0..exponent {
            let mut carry = 0;
            for d in digits.iter_mut().rev() {
                let v = *d * 2 + carry;
                *d = v % 10;
                carry = v / 10;
            }
            if carry > 0 {
                digits.insert(0, carry);
            }
        }
        digits.into_iter().map(|d| char::from(b'0' + d)).collect()
    } else {
        // scaled / 2^shift, rounded half to even.
        let shift = exponent.unsigned_abs();
        let rounded = if shift >= 64 {
            0 // scaled < 2^63 <= half of 2^shift: rounds down to zero
        } else {
            let quotient = scaled >> shift;
            let remainder = scaled & ((1 << shift) - 1);
            let half = 1 << (shift - 1);
            let up = remainder > half || (remainder == half && quotient % 2 == 1);
            quotient + u64::from(up)
        };
        rounded.to_string()
    };
    let decimals = decimals as usize;
    let digits = format!("{digits:0>width$}", width = decimals + 1);
    let (whole, frac) = digits.split_at(digits.len() - decimals);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}
