//! A Conv1D or recurrent layer on an Embedding's ids (CPU), natively: embedded_common.rs.

#[path = "embedded_common.rs"]
mod embedded_common;

#[test]
fn layers_on_ids_match_layers_on_looked_up_values() {
    embedded_common::layers_on_ids_match_layers_on_looked_up_values();
}
