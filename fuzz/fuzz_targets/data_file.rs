//! A data file as the page reads it (CSV/TSV, JSON lines, fastText, gzip, bzip2, zip). How the input is read: `kiln_fuzz::data_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::data_file(data);
});
