//! The Keras code box. How the input is read: `kiln_fuzz::keras_code`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::keras_code(data);
});
