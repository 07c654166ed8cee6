// English texts of the page, by key. i18n_ko.ts must have exactly these keys
// (its type says so) and the same `{placeholders}`. Keys under `html.` hold a
// little markup (<code>, <strong>) and are set as HTML; all others as text.

export const en = {
  // ---- index.html: header and panels
  "page.title": "Kiln — train a text classifier in your browser",
  "header.tagline": "Train a Keras-style text classifier on IMDB movie reviews, in your browser — on WebGPU or the CPU, with nothing sent to a server.",
  "lang.label": "Language",
  "panel.setup": "Setup",
  "panel.model": "Model",
  "panel.data": "Data",
  "panel.w2v": "Word vectors (word2vec)",
  "panel.training": "Training",
  "panel.evaluation": "Evaluation",
  "panel.comparison": "Comparison",
  "panel.saved": "Saved runs",
  "results.heading": "Results",
  "model.layers": "Layers",
  "model.kerasCode": "Keras code",
  "model.codePlaceholder": "Paste a notebook's model code (model = Sequential() … model.compile(…)) and press Build from code.",
  "model.buildFromCode": "Build from code",
  "model.showCode": "Show as Keras code",

  // ---- Setup: data
  "data.legend": "Data",
  "data.dataset": "Dataset",
  "data.imdb1k": "IMDB 1k (1,000 train / 250 test)",
  "data.imdb5k": "IMDB 5k (5,000 train / 1,250 test)",
  "data.imdb20k": "IMDB 20k (20,000 train / 5,000 test)",
  "data.koSample": "Korean sample (220 reviews, ko-sample)",
  "data.file": "Your file…",
  "html.data.choose": "<strong>Choose a file</strong> or drop it here",
  "html.data.formats": "CSV/TSV with a header (NSMC's <code>id document label</code> as is), fastText <code>__label__2 text</code> lines (or <code>.bz2</code>), JSON lines, the aclImdb <code>.tar.gz</code>, a zip of one folder per class. Read here in your browser; nothing is uploaded.",
  "data.valFile": "Validation file (optional)",
  "data.valFileTitle": "Keras validation_data=(x_val, y_val): read with the same column choices as the training file; used instead of validation_split",
  "data.clear": "Clear",
  "data.testSplitTitle": "Data without a test part of its own: this share is held out at random (seed) as the test set",

  // ---- Setup: model
  "model.legend": "Model",
  "model.preset": "Preset (by notebook)",
  "html.model.paddingNote": "<strong>Why <code>pre</code>?</strong> An LSTM's last steps weigh most in its final state. With <code>post</code> padding it reads zeros last and forgets the review: seed 004's M1 reached 52 % with post padding and 87 % with pre.",

  // ---- Setup: text
  "text.legend": "Text (Keras Tokenizer)",
  "text.tokensTitle": "word: Tokenizer(); char: Tokenizer(char_level=True) (Hangul syllables for Korean); bpe / wordpiece: subwords trained on your training texts, num_words pieces",
  "text.bpe": "BPE subwords",
  "text.wordpiece": "WordPiece subwords",
  "text.normalizeTitle": "html: <br /> becomes a space; korean: keep Hangul and spaces (the Korean seeds); english: a–z, 0–9 (seed 001)",
  "text.korean": "korean (Hangul only)",
  "text.oovTitle": "Unknown words map to this token (id 1) instead of being dropped; empty: None",
  "text.reservedTitle": "seed 004's dictionary: <PAD> 0, <BOS> 1 starts every text, <UNK> 2, <UNUSED> 3, words from 4",
  "text.reserved": "reserved ids <PAD> <BOS> <UNK> <UNUSED>",
  "text.filtersTitle": "Characters replaced by spaces before splitting; \\t and \\n stand for tab and newline",
  "text.stopwords": "stopwords (comma-separated, dropped after normalize)",
  "text.stopwordsPlaceholder": "none",
  "text.koreanStopwords": "Korean stopwords",

  // ---- Setup: compile() and fit()
  "fit.backend": "Backend",
  "html.fit.note": "validation_split 0 validates on the test set after each epoch, as the notebooks do (<code>validation_data=(x_test, y_test)</code>). Backend auto: WebGPU on a real GPU, else CPU.",
  "callbacks.classWeightManual": "manual…",
  "callbacks.classWeightGiven": "weights, one per class in class order",
  "callbacks.patienceTitle": "Epochs without improvement before stopping; empty: no EarlyStopping",
  "callbacks.modeTitle": "auto: min for losses, max for accuracies",
  "callbacks.inMemory": "(kept in memory)",
  "callbacks.reducePatienceTitle": "Epochs without improvement of val_loss before the learning rate is cut; empty: none",

  // ---- made by ui modules (marked data-i18n, so a switch translates them too)
  "layers.add": "Add layer",
  "presets.notebook": "Notebook",
  "presets.notebookTitle": "the test accuracy the notebook printed (its own data and split)",
  "presets.keras": "Keras, benchmark",
  "presets.kerasTitle": "Keras 3 on Kiln's IMDB benchmark split",
  "presets.yours": "Yours",
  "presets.yoursTitle": "your last test accuracy with this model on this page",
  "presets.own": "Your own layers: train to see how they do.",
  "presets.custom": "Custom (edited layers or code)",

  // ---- buttons and the status line
  "button.train": "Train",
  "button.pause": "Pause",
  "button.resume": "Resume",
  "button.stop": "Stop",
  "badge.idle": "Ready",
  "badge.preparing": "Preparing",
  "badge.training": "Training",
  "badge.paused": "Paused",
  "badge.done": "Done",
  "badge.error": "Error",
  "status.backend": "Backend: {backend}. {reason}",
  "status.loading": "Loading Kiln…",
  "status.choose": "Choose the settings and press Train",
  "status.resuming": "Resuming…",
  "status.pausing": "Pausing after this step…",
  "status.stopping": "Stopping after this step…",
  "status.paused": "Paused",
  "status.stoppedBefore": "Stopped before training started",
  "status.building": "Tokenising the reviews and building the {model} model on {backend}…",
  "status.rebuilding": "Rebuilding {name} on {backend}…",
  "status.trainingOne": "{model} on {data}, {epochs} epoch of batch {batch_size}",
  "status.training": "{model} on {data}, {epochs} epochs of batch {batch_size}",
  "status.evaluatingStopped": "Stopped: evaluating the test set…",
  "status.stoppedEarly": "Stopped early; the test set is evaluated",
  "status.trained": "Trained and evaluated on the test set",
  "status.downloadingImdb": "Downloading the IMDB reviews…",
  "status.downloading": "Downloading the IMDB reviews: {mb} MB",
  "status.parsing": "Parsing {mb} MB of reviews…",

  // ---- errors' framing (the errors themselves come from Rust, in English)
  "error.title": "Error",
  "error.settings": "These settings are not valid:",
  "error.url": "Some settings in the address were not used:",
  "error.diverged": "Training diverged",
  "error.divergedHint": "The charts keep the run up to the last finite loss. Change the settings above and press Train again.",
  "error.workerLoad": "The training worker failed to load: {reason}",
  "error.seeConsole": "see the browser console",

  // ---- the run's output
  "fit.note": "Train on {train} samples, validate on {val} samples ({steps} steps per epoch); test on {test}; vocabulary {vocab} words; {classes} classes; {params} params.",
  "results.empty": "Test metrics appear when training is done or stopped.",
  "results.testAccuracy": "Test accuracy",
  "results.testLoss": "Test loss",
  "results.msPerStep": "Time per step (median)",
  "results.backend": "Backend",
  "results.earlyStopped": "EarlyStopping ended training after epoch {epoch}.",
  "results.earlyStoppedRestored": "EarlyStopping ended training after epoch {epoch}; the weights of epoch {restored} were restored.",
  "results.restored": "EarlyStopping restored the weights of epoch {restored}.",
  "results.stopped": "Stopped early: these are the test metrics of the model at that point.",
  "evaluation.empty": "The evaluation appears when a run is done or stopped.",
  "evaluation.pending": "The evaluation of run #{run} appears when it is done or stopped.",
  "evaluation.title": "Run #{run}: {model} on {data}, {epochs} epoch(s), {samples} test texts",
  "saved.imported": "Added the run file as {key}: open it below.",
} as const;

export type MessageKey = keyof typeof en;
/** A dictionary: every key, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
