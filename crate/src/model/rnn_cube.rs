//! The time loop of Keras' recurrent cells as two CubeCL kernels (WGSL on
//! WebGPU): the forward pass and its BPTT, each ONE dispatch for the whole
//! sequence. The same maths as `kiln_kernels::rnn` on the CPU.
//!
//! A cube (workgroup) takes `tile` batch rows and loops over time inside the
//! kernel; the rows' states live in workgroup memory, so a step costs barriers
//! (one forward, two backward) instead of launches. In the forward pass a thread
//! owns a unit: all its gate columns of `z = h·U` and then its cell, in registers.
//! Backward, a thread owns a unit of a row for the cell's gradients, then a unit
//! (`per` units) for `dh = dz·Uᵀ`. Every weight is read once per step for all `tile` rows.
//! On a software adapter the forward is `unrolled` and the backward takes `per` 4
//! (their docs say why; `fused_gpu` chooses).
//!
//! Layouts are row-major and batch-major: `xz`, `pre`, `dxz` `[batch, seq, g·u]`,
//! `hs`, `cs`, `prev` `[batch, seq, u]`, indexed by time (with `backwards`, step
//! `s` reads time `seq − 1 − s`). With `masked`, gate `g` reads `h ⊙ mask[g]`
//! (Keras' recurrent dropout, `mask` `[g, batch, u]`).

use cubecl::prelude::*;

pub const SIMPLE_RNN: u32 = 0;
pub const LSTM: u32 = 1;
pub const GRU: u32 = 2;

pub const LINEAR: u32 = 0;
pub const RELU: u32 = 1;
pub const SIGMOID: u32 = 2;
pub const TANH: u32 = 3;
pub const ELU: u32 = 4;
pub const SELU: u32 = 5;
pub const SWISH: u32 = 6;

const SELU_ALPHA: f32 = 1.673_263_2;
const SELU_SCALE: f32 = 1.050_701;

/// `1/(1 + e^−x)`, clamped so `exp` never overflows (WGSL leaves overflow undefined).
#[cube]
fn sigmoid<F: Float>(x: F) -> F {
    let x = F::clamp(x, F::new(-80.0_f32), F::new(80.0_f32));
    F::new(1.0_f32) / (F::new(1.0_f32) + F::exp(F::new(0.0_f32) - x))
}

/// `tanh`, clamped: some WGSL `tanh`s compute `e^2x` and return NaN for large `x`.
#[cube]
fn tanh<F: Float>(x: F) -> F {
    F::tanh(F::clamp(x, F::new(-15.0_f32), F::new(15.0_f32)))
}

/// The cell activation.
#[cube]
fn act_value<F: Float>(x: F, #[comptime] act: u32) -> F {
    if comptime!(act == RELU) {
        F::max(x, F::new(0.0_f32))
    } else if comptime!(act == SIGMOID) {
        sigmoid::<F>(x)
    } else if comptime!(act == TANH) {
        tanh::<F>(x)
    } else if comptime!(act == ELU) {
        let e = F::exp(F::min(x, F::new(0.0_f32))) - F::new(1.0_f32);
        select(x < F::new(0.0_f32), e, x)
    } else if comptime!(act == SELU) {
        let e = F::new(SELU_ALPHA) * (F::exp(F::min(x, F::new(0.0_f32))) - F::new(1.0_f32));
        F::new(SELU_SCALE) * select(x < F::new(0.0_f32), e, x)
    } else if comptime!(act == SWISH) {
        x * sigmoid::<F>(x)
    } else {
        x
    }
}

/// The activation's slope at `x`.
#[cube]
fn act_slope<F: Float>(x: F, #[comptime] act: u32) -> F {
    let zero = F::new(0.0_f32);
    let one = F::new(1.0_f32);
    if comptime!(act == RELU) {
        select(x > zero, one, zero)
    } else if comptime!(act == SIGMOID) {
        let s = sigmoid::<F>(x);
        s * (one - s)
    } else if comptime!(act == TANH) {
        let t = tanh::<F>(x);
        one - t * t
    } else if comptime!(act == ELU) {
        select(x < zero, F::exp(F::min(x, zero)), one)
    } else if comptime!(act == SELU) {
        F::new(SELU_SCALE) * select(x < zero, F::new(SELU_ALPHA) * F::exp(F::min(x, zero)), one)
    } else if comptime!(act == SWISH) {
        let s = sigmoid::<F>(x);
        s * (one + x * (one - s))
    } else {
        one
    }
}

/// The recurrent dropout mask `[g, batch, u]` for gate `g`, row `b`, unit `k`; a ragged
/// last tile's rows past `batch` read the last row (their states are never written out).
#[cube]
fn mask_at<F: Float>(mask: &Tensor<F>, g: usize, b: usize, k: usize, batch: usize, #[comptime] units: usize) -> F {
    let b = select(b < batch, b, batch - 1);
    mask[(g * batch + b) * units + k]
}

/// The time index of processing step `s`.
#[cube]
fn time_of(s: usize, seq: usize, #[comptime] backwards: bool) -> usize {
    if comptime!(backwards) { seq - 1 - s } else { s }
}

/// Every state `hs` from `xz = x·W + b`, the recurrent kernel `u` `[u, g·u]` and
/// GRU's recurrent bias `b_rec` `[g·u]` (a 1-element dummy otherwise); saves the
/// gate pre-activations `pre` and the LSTM carries / GRU's `h·U_h + b_rec_h` in `cs`.
/// With `last`, also the last state read in `hlast` `[batch, 1, u]` (`return_sequences=False`
/// then needs no slice, whose backward would fill a zero gradient of every state).
///
/// A thread owns unit `k`: it sums all `g` gate columns of `k` for every row of the tile
/// in registers (`g + tile` loads for `g·tile` multiply-adds) and runs the cell on them
/// at once. `h` is double-buffered (step `s` reads half `s % 2`, writes the other), so a
/// step costs one barrier.
///
/// `unrolled` (a software adapter; one unit per thread, no `mask`): the thread first copies its
/// unit's `g·u` columns of `U` into a private array, and the sum over units is written out so
/// every index into that array is a constant. SwiftShader (Subzero) compiles every read of a
/// buffer or of workgroup memory to a load, test and branch per lane, and re-reading `U` each
/// step was half of the loop's reads; a private array at a constant index is one vector load.
/// `h` is then one buffer and a step two barriers (the unrolled body twice over would double
/// the compile time, already seconds).
#[cube(launch_unchecked)]
pub fn forward_kernel<F: Float>(
    xz: &Tensor<F>,
    u: &Tensor<F>,
    b_rec: &Tensor<F>,
    mask: &Tensor<F>,
    hs: &mut Tensor<F>,
    hlast: &mut Tensor<F>,
    pre: &mut Tensor<F>,
    cs: &mut Tensor<F>,
    #[comptime] cell: u32,
    #[comptime] act: u32,
    #[comptime] units: usize,
    #[comptime] gates: usize,
    #[comptime] tile: usize,
    #[comptime] backwards: bool,
    #[comptime] masked: bool,
    #[comptime] last: bool,
    #[comptime] unrolled: bool,
    #[define(F)] _dtype: ElemType,
) {
    let batch = xz.shape(0);
    let seq = xz.shape(1);
    let width = comptime!(units * gates);
    let half = comptime!(tile * units);
    let b0 = CUBE_POS_X as usize * tile;
    let tid = UNIT_POS_X as usize;
    let threads = CUBE_DIM_X as usize;
    let zero = F::new(0.0_f32);
    let mut h = Shared::<[F]>::new_slice(comptime!(if unrolled { tile * units } else { 2 * tile * units }));
    let mut c = Shared::<[F]>::new_slice(comptime!(tile * units));
    let mut i = tid;
    while i < half {
        h[i] = zero;
        if comptime!(!unrolled) {
            h[half + i] = zero;
        }
        c[i] = zero;
        i += threads;
    }
    // unrolled: the thread's columns of U, `w[kk·g + gate]` (threads past `units` read the last unit's)
    let mut w = Array::<F>::new(comptime!(if unrolled { units * gates } else { 1 }));
    if comptime!(unrolled) {
        let kc = select(tid < units, tid, units - 1);
        #[unroll]
        for kk in 0..units {
            #[unroll]
            for g in 0..gates {
                w[comptime!(kk * gates + g)] = u[kk * width + g * units + kc];
            }
        }
    }
    sync_cube();
    for s in 0..seq {
        let t = time_of(s, seq, backwards);
        if comptime!(unrolled) {
            let mut acc = Array::<F>::new(comptime!(gates * tile));
            #[unroll]
            for e in 0..comptime!(gates * tile) {
                acc[e] = zero;
            }
            if tid < units {
                #[unroll]
                for kk in 0..units {
                    #[unroll]
                    for r in 0..tile {
                        let hv = h[comptime!(r * units + kk)];
                        #[unroll]
                        for g in 0..gates {
                            acc[comptime!(g * tile + r)] += hv * w[comptime!(kk * gates + g)];
                        }
                    }
                }
            }
            sync_cube(); // every thread has read h: the cells may overwrite it
            if tid < units {
                cells::<F>(xz, b_rec, hs, hlast, pre, cs, &mut h, &mut c, &mut acc, tid, b0, t, s, 0, 0, cell, act, units, gates, tile, last);
            }
        } else {
            let cur = (s % 2) * half;
            let nxt = half - cur;
            let mut k = tid;
            while k < units {
                // z = h_{t-1}·U for the g columns of unit k, every row of the tile
                let mut acc = Array::<F>::new(comptime!(gates * tile));
                #[unroll]
                for e in 0..comptime!(gates * tile) {
                    acc[e] = zero;
                }
                let mut wk = Array::<F>::new(gates);
                for kk in 0..units {
                    #[unroll]
                    for g in 0..gates {
                        wk[g] = u[kk * width + g * units + k];
                    }
                    #[unroll]
                    for r in 0..tile {
                        let hv = h[cur + r * units + kk];
                        #[unroll]
                        for g in 0..gates {
                            if comptime!(masked) {
                                acc[g * tile + r] += hv * mask_at::<F>(mask, g, b0 + r, kk, batch, units) * wk[g];
                            } else {
                                acc[g * tile + r] += hv * wk[g];
                            }
                        }
                    }
                }
                cells::<F>(xz, b_rec, hs, hlast, pre, cs, &mut h, &mut c, &mut acc, k, b0, t, s, cur, nxt, cell, act, units, gates, tile, last);
                k += threads;
            }
        }
        sync_cube();
    }
}

/// The cell of unit `k` for every row of the tile from `acc` (`z = h·U`, gate-major:
/// `acc[gate·tile + row]`): reads `h` at `cur`, writes the new state at `nxt` and to `hs`.
#[cube]
#[allow(clippy::too_many_arguments)]
fn cells<F: Float>(
    xz: &Tensor<F>,
    b_rec: &Tensor<F>,
    hs: &mut Tensor<F>,
    hlast: &mut Tensor<F>,
    pre: &mut Tensor<F>,
    cs: &mut Tensor<F>,
    h: &mut Shared<[F]>,
    c: &mut Shared<[F]>,
    acc: &mut Array<F>,
    k: usize,
    b0: usize,
    t: usize,
    s: usize,
    cur: usize,
    nxt: usize,
    #[comptime] cell: u32,
    #[comptime] act: u32,
    #[comptime] units: usize,
    #[comptime] gates: usize,
    #[comptime] tile: usize,
    #[comptime] last: bool,
) {
    let batch = xz.shape(0);
    let seq = xz.shape(1);
    let width = comptime!(units * gates);
    let one = F::new(1.0_f32);
    if comptime!(cell == GRU) {
        #[unroll]
        for g in 0..gates {
            let bias = b_rec[g * units + k];
            #[unroll]
            for r in 0..tile {
                acc[comptime!(g * tile + r)] += bias;
            }
        }
    }
    #[unroll]
    for r in 0..tile {
        let b = b0 + r;
        if b < batch {
            let i = r * units + k;
            let xrow = (b * seq + t) * width;
            let hrow = (b * seq + t) * units;
            let hn = if comptime!(cell == SIMPLE_RNN) {
                let p = xz[xrow + k] + acc[r];
                pre[xrow + k] = p;
                act_value::<F>(p, act)
            } else if comptime!(cell == LSTM) {
                let pi = xz[xrow + k] + acc[r];
                let pf = xz[xrow + units + k] + acc[comptime!(tile + r)];
                let pc = xz[xrow + 2 * units + k] + acc[comptime!(2 * tile + r)];
                let po = xz[xrow + 3 * units + k] + acc[comptime!(3 * tile + r)];
                let cn = sigmoid::<F>(pf) * c[i] + sigmoid::<F>(pi) * act_value::<F>(pc, act);
                pre[xrow + k] = pi;
                pre[xrow + units + k] = pf;
                pre[xrow + 2 * units + k] = pc;
                pre[xrow + 3 * units + k] = po;
                cs[hrow + k] = cn;
                c[i] = cn;
                sigmoid::<F>(po) * act_value::<F>(cn, act)
            } else {
                let pz = xz[xrow + k] + acc[r];
                let pr = xz[xrow + units + k] + acc[comptime!(tile + r)];
                let gz = sigmoid::<F>(pz);
                let reset = sigmoid::<F>(pr);
                let rh = acc[comptime!(2 * tile + r)];
                let ph = xz[xrow + 2 * units + k] + reset * rh;
                pre[xrow + k] = pz;
                pre[xrow + units + k] = pr;
                pre[xrow + 2 * units + k] = ph;
                cs[hrow + k] = rh;
                gz * h[cur + i] + (one - gz) * act_value::<F>(ph, act)
            };
            h[nxt + i] = hn;
            hs[hrow + k] = hn;
            if comptime!(last) {
                if s == seq - 1 {
                    hlast[b * units + k] = hn;
                }
            }
        }
    }
}

/// BPTT from `dhs` (the gradient of every state, or with `last` of the last state
/// read only, `[batch, 1, u]`): the gradients of `xz` (`dxz`)
/// and of the recurrent pre-activations (`drec`, GRU only; else they equal `dxz`),
/// and `prev`, the state each step started from (for `dU = prevᵀ·drec`).
///
/// `per`: units a thread takes in `dh = dz·Uᵀ`. Each `dz` read then serves `per` units: on a
/// software adapter (`per` 4) every read of workgroup memory is a load, test and branch per lane,
/// and those reads were most of the step; a GPU wants the parallelism (`per` 1).
#[cube(launch_unchecked)]
pub fn backward_kernel<F: Float>(
    u: &Tensor<F>,
    dhs: &Tensor<F>,
    pre: &Tensor<F>,
    cs: &Tensor<F>,
    hs: &Tensor<F>,
    mask: &Tensor<F>,
    dxz: &mut Tensor<F>,
    drec: &mut Tensor<F>,
    prev: &mut Tensor<F>,
    #[comptime] cell: u32,
    #[comptime] act: u32,
    #[comptime] units: usize,
    #[comptime] gates: usize,
    #[comptime] tile: usize,
    #[comptime] backwards: bool,
    #[comptime] masked: bool,
    #[comptime] last: bool,
    #[comptime] per: usize,
    #[define(F)] _dtype: ElemType,
) {
    let batch = hs.shape(0);
    let seq = hs.shape(1);
    let width = comptime!(units * gates);
    let b0 = CUBE_POS_X as usize * tile;
    let tid = UNIT_POS_X as usize;
    let threads = CUBE_DIM_X as usize;
    let zero = F::new(0.0_f32);
    let one = F::new(1.0_f32);
    let mut dh = Shared::<[F]>::new_slice(comptime!(tile * units));
    let mut dc = Shared::<[F]>::new_slice(comptime!(tile * units));
    let mut dz = Shared::<[F]>::new_slice(comptime!(tile * width));
    let mut i = tid;
    while i < comptime!(tile * units) {
        dh[i] = zero;
        dc[i] = zero;
        i += threads;
    }
    let mut j = tid;
    while j < comptime!(tile * width) {
        dz[j] = zero;
        j += threads;
    }
    sync_cube();
    let mut s = seq;
    while s > 0 {
        s -= 1;
        let t = time_of(s, seq, backwards);
        // the cell's gradients: a unit per thread
        let mut i = tid;
        while i < comptime!(tile * units) {
            let r = i / units;
            let k = i % units;
            let b = b0 + r;
            if b < batch {
                let xrow = (b * seq + t) * width;
                let zrow = r * width;
                let hrow = (b * seq + t) * units;
                let mut hprev = zero;
                let mut cprev = zero;
                if s > 0 {
                    let tp = time_of(s - 1, seq, backwards);
                    hprev = hs[(b * seq + tp) * units + k];
                    if comptime!(cell == LSTM) {
                        cprev = cs[(b * seq + tp) * units + k];
                    }
                }
                prev[hrow + k] = hprev;
                let mut d = dh[i];
                if comptime!(last) {
                    // only the last state read has a gradient: dhs is [batch, 1, u]
                    if s == seq - 1 {
                        d += dhs[b * units + k];
                    }
                } else {
                    d += dhs[hrow + k];
                }
                if comptime!(cell == SIMPLE_RNN) {
                    let g = d * act_slope::<F>(pre[xrow + k], act);
                    dxz[xrow + k] = g;
                    dz[zrow + k] = g;
                    dh[i] = zero;
                } else if comptime!(cell == LSTM) {
                    let gi = sigmoid::<F>(pre[xrow + k]);
                    let gf = sigmoid::<F>(pre[xrow + units + k]);
                    let pc = pre[xrow + 2 * units + k];
                    let go = sigmoid::<F>(pre[xrow + 3 * units + k]);
                    let cand = act_value::<F>(pc, act);
                    let ct = cs[hrow + k];
                    let tc = act_value::<F>(ct, act);
                    let dct = dc[i] + d * go * act_slope::<F>(ct, act);
                    let d_i = dct * cand * gi * (one - gi);
                    let d_f = dct * cprev * gf * (one - gf);
                    let d_c = dct * gi * act_slope::<F>(pc, act);
                    let d_o = d * tc * go * (one - go);
                    dxz[xrow + k] = d_i;
                    dxz[xrow + units + k] = d_f;
                    dxz[xrow + 2 * units + k] = d_c;
                    dxz[xrow + 3 * units + k] = d_o;
                    dz[zrow + k] = d_i;
                    dz[zrow + units + k] = d_f;
                    dz[zrow + 2 * units + k] = d_c;
                    dz[zrow + 3 * units + k] = d_o;
                    dc[i] = dct * gf;
                    dh[i] = zero;
                } else {
                    let gz = sigmoid::<F>(pre[xrow + k]);
                    let reset = sigmoid::<F>(pre[xrow + units + k]);
                    let ph = pre[xrow + 2 * units + k];
                    let n = act_value::<F>(ph, act);
                    let rh = cs[hrow + k];
                    let dph = d * (one - gz) * act_slope::<F>(ph, act);
                    let dpz = d * (hprev - n) * gz * (one - gz);
                    let dpr = dph * rh * reset * (one - reset);
                    dxz[xrow + k] = dpz;
                    dxz[xrow + units + k] = dpr;
                    dxz[xrow + 2 * units + k] = dph;
                    drec[xrow + k] = dpz;
                    drec[xrow + units + k] = dpr;
                    drec[xrow + 2 * units + k] = dph * reset;
                    dz[zrow + k] = dpz;
                    dz[zrow + units + k] = dpr;
                    dz[zrow + 2 * units + k] = dph * reset;
                    dh[i] = d * gz; // the direct path h_t = z·h_{t-1} + …
                }
            }
            i += threads;
        }
        sync_cube();
        // through h_{t-1}·U: dh += dz·Uᵀ, `per` units a thread (their rows of U), every row of the
        // tile: a thread's units are `q + m·lanes`, `lanes = ⌈u / per⌉` threads in all
        if s > 0 {
            let lanes = comptime!(units.div_ceil(per));
            let mut q = tid;
            while q < lanes {
                let mut ks = Array::<usize>::new(per); // clamped into range: the extra ones are not written
                #[unroll]
                for m in 0..per {
                    ks[m] = select(q + m * lanes < units, q + m * lanes, units - 1);
                }
                let mut acc = Array::<F>::new(comptime!(per * tile));
                #[unroll]
                for e in 0..comptime!(per * tile) {
                    acc[e] = zero;
                }
                let mut wv = Array::<F>::new(per);
                for g in 0..gates {
                    let mut part = Array::<F>::new(comptime!(per * tile));
                    #[unroll]
                    for e in 0..comptime!(per * tile) {
                        part[e] = zero;
                    }
                    for jj in 0..units {
                        let j = g * units + jj;
                        #[unroll]
                        for m in 0..per {
                            wv[m] = u[ks[m] * width + j];
                        }
                        #[unroll]
                        for r in 0..tile {
                            let d = dz[r * width + j];
                            #[unroll]
                            for m in 0..per {
                                part[comptime!(m * tile + r)] += d * wv[m];
                            }
                        }
                    }
                    #[unroll]
                    for m in 0..per {
                        #[unroll]
                        for r in 0..tile {
                            if comptime!(masked) {
                                acc[comptime!(m * tile + r)] += part[comptime!(m * tile + r)] * mask_at::<F>(mask, g, b0 + r, ks[m], batch, units);
                            } else {
                                acc[comptime!(m * tile + r)] += part[comptime!(m * tile + r)];
                            }
                        }
                    }
                }
                #[unroll]
                for m in 0..per {
                    if q + m * lanes < units {
                        #[unroll]
                        for r in 0..tile {
                            dh[r * units + ks[m]] += acc[comptime!(m * tile + r)];
                        }
                    }
                }
                q += threads;
            }
        }
        sync_cube();
    }
}
