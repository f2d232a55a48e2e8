// The split build (feature `split`) needs the linker's relocations in the wasm: `wasm-split`
// reads them to tell which code only a chunk's entry reaches (`scripts/split.mjs`).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if split && wasm {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
