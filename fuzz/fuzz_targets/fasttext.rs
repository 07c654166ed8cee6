//! fastText lines read as fastText. How the input is read: `kiln_fuzz::fasttext`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::fasttext(data);
});
