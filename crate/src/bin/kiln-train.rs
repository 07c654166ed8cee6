//! `kiln-train key=value …`: see `kiln::cli`.

fn main() {
    #[cfg(not(target_family = "wasm"))]
    kiln::cli::main();
}
