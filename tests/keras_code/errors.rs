//! Code Kiln cannot read fails with `KilnError::Code` at the right line and column.

use kiln::error::KilnError;
use kiln::keras::parse;

use super::base;

/// (code, line, column, words the message must contain)
const BAD: [(&str, usize, usize, &str); 13] = [
    (
        "model = Sequential()\nmodel.add(Embedding(1000, 8))\nmodel.add(layers.Conv2D(8, 3))",
        3,
        11,
        "unknown layer `Conv2D`",
    ),
    ("model = Sequential()\nmodel.add(Dense('ten'))", 2, 17, "`units` of Dense must be a positive whole number"),
    ("model = Sequential()\nmodel.add(Dropout(1.5))", 2, 19, "`rate` of Dropout"),
    ("model = Sequential()\nmodel.add(Dense(1, activation='leaky'))", 2, 31, "unknown activation"),
    ("model = Sequential()\nmodel.add(LSTM(8, stateful=True))", 2, 28, "stateful"),
    ("model = Sequential()\nmodel.add(LSTM(8, foo=1))", 2, 19, "unknown argument `foo` of LSTM"),
    ("model = Sequential([\n    Embedding(1000, 8),\n    Dense(1)\n", 1, 20, "unclosed `[`"),
    ("x = layers.Conv1D(64. 5. activation='relu')(x)", 1, 23, "expected `,` or `)`"),
    (
        "inp = Input(shape=(100,))\nemb = Embedding(1000, 8)(inp)\na = LSTM(8)(emb)\nb = GRU(8)(emb)\nout = Dense(1)(a)\nmodel = Model(inp, out)",
        4,
        5,
        "the model branches: `emb` (line 2) feeds 2 layers",
    ),
    (
        "inp = Input(shape=(100,))\nx = Embedding(1000, 8)(inp)\na = LSTM(4)(x)\nb = GRU(4)(x)\nx = concatenate([a, b])",
        5,
        5,
        "combines several tensors",
    ),
    (
        "model = Sequential([Dense(1)])\nmodel.compile(optimizer='adamw', loss='binary_crossentropy')",
        2,
        25,
        "unknown optimizer `adamw`",
    ),
    ("model = Sequential([Dense(1)])\nmodel.fit(x, y, callbacks=[LearningRateScheduler(f)])", 2, 28, "unknown callback"),
    ("model = Sequential([Conv1D(8, 3, strides=2, dilation_rate=2)])", 1, 21, "dilation_rate > 1"),
];

#[test]
fn bad_code_names_the_line_and_column() {
    for (code, line, column, words) in BAD {
        match parse(code, &base()) {
            Err(KilnError::Code { line: l, column: c, message }) => {
                assert_eq!((l, c), (line, column), "{code:?}: {message}");
                assert!(message.contains(words), "{code:?}: {message}");
            }
            other => panic!("{code:?}: expected a code error, got {other:?}"),
        }
    }
    let err = parse("import numpy as np\nprint('hello')", &base()).expect_err("no model");
    assert!(err.to_string().contains("found no model"), "{err}");
}
