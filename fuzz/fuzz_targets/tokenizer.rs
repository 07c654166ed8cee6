//! The text pipeline: fit, encode, decode, pad. How the input is read: `kiln_fuzz::tokenizer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::tokenizer(data);
});
