//! word2vec / GloVe text. How the input is read: `kiln_fuzz::word_vectors`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kiln_fuzz::word_vectors(data);
});
