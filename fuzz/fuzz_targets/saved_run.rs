//! A saved run file's info, read without building the run. How the input is read: `kiln_fuzz::saved_run`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::saved_run(data);
});
