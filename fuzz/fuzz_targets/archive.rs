//! Archives of class folders: zip, tar.gz, tar.bz2. How the input is read: `kiln_fuzz::archive`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::archive(data);
});
