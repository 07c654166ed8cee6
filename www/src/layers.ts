// Keras layers as the Rust side serialises them (crate/src/dto/layers.rs):
// `kind` is the layer's snake_case name, every other field the Keras argument
// of that name. Fields Rust always writes are required here; `?` marks the
// ones it omits (input_dim when None, trainable when true, pooling strides).
// tests/fixtures/protocol_sample.json holds one of each, checked on both sides.

export type Activation = "linear" | "relu" | "sigmoid" | "tanh" | "softmax" | "elu" | "selu" | "gelu" | "swish";
export type MergeMode = "concat" | "sum" | "ave" | "mul";
export type ConvPadding = "valid" | "same" | "causal";
export type PoolPadding = "valid" | "same";

export interface EmbeddingConfig {
  output_dim: number;
  /** Defaults to the run's num_words. */
  input_dim?: number;
  /** Omitted when true. */
  trainable?: boolean;
  /** Omitted when "uniform" (Keras' default); "word2vec": start from the page's word2vec vectors. */
  embeddings_initializer?: EmbeddingInit;
}

export type EmbeddingInit = "uniform" | "word2vec";
export interface DenseConfig {
  units: number;
  activation: Activation;
}
export interface ActivationConfig {
  activation: Activation;
}
export interface DropoutConfig {
  rate: number;
}
/** SimpleRNN, LSTM and GRU. */
export interface RecurrentConfig {
  units: number;
  activation: Activation;
  return_sequences: boolean;
  dropout: number;
  recurrent_dropout: number;
}
export interface BidirectionalConfig {
  /** A simple_rnn, lstm or gru (the Rust type allows any; the build rejects others). */
  layer: LayerConfig;
  merge_mode: MergeMode;
}
export interface Conv1dConfig {
  filters: number;
  kernel_size: number;
  strides: number;
  padding: ConvPadding;
  dilation_rate: number;
  activation: Activation;
}
export interface Pooling1dConfig {
  pool_size: number;
  /** Defaults to pool_size. */
  strides?: number;
  padding: PoolPadding;
}
export interface BatchNormalizationConfig {
  momentum: number;
  epsilon: number;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Empty = {};

/** Every layer's `kind` and its arguments. */
export interface LayerArgs {
  embedding: EmbeddingConfig;
  dense: DenseConfig;
  activation: ActivationConfig;
  dropout: DropoutConfig;
  spatial_dropout1d: DropoutConfig;
  simple_rnn: RecurrentConfig;
  lstm: RecurrentConfig;
  gru: RecurrentConfig;
  bidirectional: BidirectionalConfig;
  conv1d: Conv1dConfig;
  max_pooling1d: Pooling1dConfig;
  average_pooling1d: Pooling1dConfig;
  global_max_pooling1d: Empty;
  global_average_pooling1d: Empty;
  batch_normalization: BatchNormalizationConfig;
  flatten: Empty;
}

export type LayerKind = keyof LayerArgs;

/** One Keras layer, `kind`-tagged like the Rust `LayerConfig` enum. */
export type LayerConfig = { [K in LayerKind]: { kind: K } & LayerArgs[K] }[LayerKind];

/** The layer of one kind. */
export type LayerOf<K extends LayerKind> = Extract<LayerConfig, { kind: K }>;
