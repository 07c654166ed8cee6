//! The Keras 3 export: `weights.npz` (every layer's `get_weights()` arrays, named
//! `{layer}.{weight}`), `model.py` (builds the same `Sequential`, `set_weights` layer by
//! layer, and checks Kiln's probabilities and, through `tokenizer.json`, Kiln's ids for the
//! first test reviews), `tokenizer.json` and `expected.json`.

use std::fmt::Write;

use super::{Export, NpyArray, check_weights, json, layer_names, npz, py_string, zip_files};
use crate::dto::{EmbeddingInit, LayerConfig, Padding, TokenUnit};
use crate::error::Result;
use crate::keras::layer_code;

/// The `.npz` arrays and, per layer, their names in `set_weights` order.
fn arrays(e: &Export) -> (Vec<NpyArray>, Vec<Vec<String>>) {
    let names = layer_names(&e.config.layers);
    let mut arrays = Vec::new();
    let mut per_layer = Vec::new();
    for (layer, (name, _)) in e.weights.iter().zip(&names) {
        let mut keys = Vec::new();
        for w in &layer.weights {
            let key = format!("{name}.{}", w.name);
            arrays.push(NpyArray { name: key.clone(), shape: w.shape.clone(), values: w.values.clone() });
            keys.push(key);
        }
        per_layer.push(keys);
    }
    (arrays, per_layer)
}

/// `layers.X(...)` for the export: the Embedding's `input_dim` as trained, its start irrelevant
/// (the weights are loaded).
fn export_layer_code(layer: &LayerConfig, rows: Option<usize>) -> String {
    match layer {
        LayerConfig::Embedding(emb) => {
            let mut emb = emb.clone();
            emb.input_dim = rows.or(emb.input_dim);
            emb.embeddings_initializer = EmbeddingInit::Uniform;
            layer_code(&LayerConfig::Embedding(emb))
        }
        other => layer_code(other),
    }
}

fn padding(p: Padding) -> &'static str {
    match p {
        Padding::Pre => "pre",
        Padding::Post => "post",
    }
}

/// `model.py`: a script and a module (`build_model()`, `load_weights(model)`, `texts_to_x(texts)`).
pub fn model_py(e: &Export, per_layer: &[Vec<String>]) -> String {
    let c = e.config;
    let t = &c.text;
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "\"\"\"Kiln run `{}` exported for Keras 3.\n", e.expected.model);
    let _ = writeln!(w, "Rebuilds the model, loads Kiln's trained weights (weights.npz) and checks that it gives");
    let _ = writeln!(w, "Kiln's probabilities for the first test reviews (expected.json) and, with tokenizer.json");
    let _ = writeln!(w, "(Keras' Tokenizer.to_json()), Kiln's ids for their texts.\n");
    let _ = writeln!(w, "    pip install keras tensorflow numpy\n    python model.py\n");
    let _ = writeln!(w, "In your own code: `from model import build_model, load_weights, texts_to_x`, then");
    let _ = writeln!(w, "`load_weights(build_model()).predict(texts_to_x([\"a great film\"]))`.\n\"\"\"");
    let _ = writeln!(w, "import json\nimport os\nimport re\nimport sys\n\nimport numpy as np\nimport keras\nfrom keras import layers\n");
    let _ = writeln!(w, "HERE = os.path.dirname(os.path.abspath(__file__))");
    let _ = writeln!(w, "MAXLEN = {}\nNUM_WORDS = {}", c.maxlen, c.num_words);
    let _ = writeln!(w, "PADDING, TRUNCATING = \"{}\", \"{}\"", padding(c.padding), padding(c.truncating));
    let normalize = serde_json::to_value(t.normalize).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let _ = writeln!(w, "NORMALIZE = \"{normalize}\"  # Kiln's clean-up before the Tokenizer");
    let stop: Vec<String> = t.stopwords.iter().map(|s| py_string(&if t.lower { s.to_lowercase() } else { s.clone() })).collect();
    let _ = writeln!(w, "STOPWORDS = {{{}}}", stop.join(", "));
    let reserved = if t.reserved { "True" } else { "False" };
    let _ = writeln!(w, "RESERVED = {reserved}  # seed 004's <PAD> 0, <BOS> 1, <UNK> 2, <UNUSED> 3, words from index + 3");
    let subword = matches!(t.tokens, TokenUnit::Bpe | TokenUnit::Wordpiece);
    let _ = writeln!(w, "KERAS_TOKENIZER = {}  # False: a BPE/WordPiece vocabulary, not Keras' Tokenizer", if subword { "False" } else { "True" });
    let _ = writeln!(w, "# Each layer's arrays for layer.set_weights([...]), in Keras' get_weights() order.");
    let _ = writeln!(w, "WEIGHTS = [");
    for keys in per_layer {
        let keys: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
        let _ = writeln!(w, "    [{}],", keys.join(", "));
    }
    let _ = writeln!(w, "]\n\n\ndef build_model():\n    return keras.Sequential([\n        keras.Input(shape=(MAXLEN,)),");
    for (layer, weights) in c.layers.iter().zip(e.weights) {
        let rows = weights.weights.first().filter(|w| w.name == "embeddings").and_then(|w| w.shape.first().copied());
        let _ = writeln!(w, "        {},", export_layer_code(layer, rows));
    }
    let _ = writeln!(w, "    ])\n");
    s.push_str(MODEL_PY_TAIL);
    s
}

const MODEL_PY_TAIL: &str = r#"
def load_weights(model, path=os.path.join(HERE, "weights.npz")):
    arrays = np.load(path)
    for layer, names in zip(model.layers, WEIGHTS):
        if names:
            layer.set_weights([arrays[name] for name in names])
    return model


def normalize(text):
    if NORMALIZE == "html":
        return re.sub(r"<br />|<br/>|<br>", " ", text, flags=re.IGNORECASE)
    if NORMALIZE == "korean":
        return re.sub("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", text)
    if NORMALIZE == "english":
        return re.sub(r"[^a-z0-9\s]", "", re.sub(r"\W", " ", text.lower()))
    return text


def texts_to_x(texts, path=os.path.join(HERE, "tokenizer.json")):
    """Kiln's ids for `texts`: its clean-up, Keras 2's Tokenizer.texts_to_sequences, pad_sequences."""
    with open(path, encoding="utf-8") as f:
        config = json.load(f)["config"]
    word_index = json.loads(config["word_index"])
    num_words, oov = config["num_words"], config["oov_token"]
    oov_id = word_index.get(oov) if oov is not None else None
    seqs = []
    for text in texts:
        text = normalize(text)
        if config["lower"]:
            text = text.lower()
        if config["char_level"]:
            tokens = list(text)
        else:
            text = text.translate(str.maketrans({c: config["split"] for c in config["filters"]}))
            tokens = [t for t in text.split(config["split"]) if t]
        tokens = [t for t in tokens if t not in STOPWORDS]
        if RESERVED:
            seq = [1] + [word_index[t] + 3 if t in word_index and word_index[t] + 3 < NUM_WORDS else 2 for t in tokens]
        else:
            seq = []
            for t in tokens:
                i = word_index.get(t)
                if i is not None and not (num_words and i >= num_words):
                    seq.append(i)
                elif oov_id is not None:
                    seq.append(oov_id)
        seqs.append(seq)
    return keras.utils.pad_sequences(seqs, maxlen=MAXLEN, padding=PADDING, truncating=TRUNCATING, value=0)


def main():
    model = load_weights(build_model())
    with open(os.path.join(HERE, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    x = np.array(expected["x"], dtype="int32")
    probs = model.predict(x, verbose=0)
    diff = float(np.max(np.abs(probs - np.array(expected["probabilities"], dtype="float32"))))
    tokens_match = None
    if KERAS_TOKENIZER and os.path.exists(os.path.join(HERE, "tokenizer.json")):
        tokens_match = bool(np.array_equal(texts_to_x(expected["texts"]), x))
    print(json.dumps({"model": expected["model"], "samples": len(x), "max_abs_diff": diff, "tokens_match": tokens_match}))
    sys.exit(0 if diff < 1e-4 and tokens_match is not False else 1)


if __name__ == "__main__":
    main()
"#;

/// The Keras zip: `model.py`, `weights.npz`, `expected.json`, and `tokenizer.json` when the
/// run's vocabulary is a Keras `Tokenizer`.
pub fn keras_zip(e: &Export) -> Result<Vec<u8>> {
    check_weights(e)?;
    let (arrays, per_layer) = arrays(e);
    let mut files = vec![
        ("model.py".to_string(), model_py(e, &per_layer).into_bytes()),
        ("weights.npz".to_string(), npz(&arrays)?),
        ("expected.json".to_string(), json(&e.expected)?),
    ];
    if let Ok(tokenizer) = &e.tokenizer {
        files.push(("tokenizer.json".to_string(), tokenizer.clone().into_bytes()));
    }
    zip_files(&files)
}
