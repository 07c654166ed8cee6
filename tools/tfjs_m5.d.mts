// Types of tools/tfjs_m5.mjs for tests/www/tfjs_m5.test.ts.
/** The last `to` of every `from`-long row of a row-major uint16 matrix. */
export function lastColumns(buf: Buffer, from: number, to: number): Buffer;
/** A temporary copy of the TF.js peer at `peerDir` that also trains M5; returns its folder. */
export function peerWithM5(peerDir: string): string;
