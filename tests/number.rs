//! `view::number::fixed` writes exactly what `format!("{x:.N}")` writes (it exists to keep
//! core's float formatter out of the wasm; this test binary may link it to compare).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dialoge_widget::view::number::fixed;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn assert_same(x: f64) {
    for decimals in 0..=3u32 {
        assert_eq!(
            fixed(x, decimals),
            format!("{x:.*}", decimals as usize),
            "{x:e} with {decimals} decimals"
        );
    }
}

#[wasm_bindgen_test]
fn fixed_rounds_exact_ties_to_even_like_format() {
    for x in [
        0.0,
        -0.0,
        0.125,
        0.25,
        0.375,
        0.5,
        1.5,
        2.5,
        3.5,
        1.005,
        0.045,
        9.995,
        149.95,
        499.0,
        -0.001,
        1536.0 / 1024.0,
        2560.0 / 1024.0,
        1e21,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_same(x);
    }
}

#[wasm_bindgen_test]
fn fixed_matches_format_on_a_sweep_of_prices_sizes_and_bit_patterns() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..20_000u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        assert_same(match i % 3 {
            0 => f64::from_bits(state),
            1 => (state % 10_000_000) as f64 / 100.0,
            _ => (state % (1 << 40)) as f64 / 1_048_576.0,
        });
    }
}
