// The worker's view of the WebGPU devices wgpu creates inside the wasm module:
// navigator.gpu.requestAdapter is wrapped once so each device's `lost` promise
// is observed. A destroyed device makes the run's next read fail with a
// mapping error; this says why, so the worker can carry on on the CPU.

import type { Adapter, Gpu } from "./backend.js";

/** The part of GPUDevice we use (lib.dom has no WebGPU types). */
interface GpuDevice {
  lost: Promise<{ reason?: string; message?: string }>;
}
type RequestDevice = (...args: unknown[]) => Promise<GpuDevice>;

export class GpuWatch {
  /** Why the device was lost ("destroyed: …"), once it is. */
  lost: string | null = null;
  private readonly devices: GpuDevice[] = [];
  private readonly waiting: (() => void)[] = [];

  constructor(gpu: Gpu | undefined) {
    if (!gpu) return;
    const requestAdapter = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = async (options) => {
      const adapter = await requestAdapter(options);
      if (adapter) this.wrap(adapter as Adapter & { requestDevice?: RequestDevice });
      return adapter;
    };
  }

  private wrap(adapter: { requestDevice?: RequestDevice }): void {
    const requestDevice = adapter.requestDevice?.bind(adapter);
    if (!requestDevice) return;
    adapter.requestDevice = async (...args: unknown[]) => {
      const device = await requestDevice(...args);
      this.devices.push(device);
      void device.lost.then((info) => {
        this.lost = [info.reason, info.message].filter(Boolean).join(": ") || "unknown reason";
        for (const wake of this.waiting.splice(0)) wake();
      });
      return device;
    };
  }

  /** Whether a device was lost, waiting up to `ms` for its `lost` promise (it may settle after the failed read). */
  async wasLost(ms: number): Promise<boolean> {
    if (this.lost !== null || this.devices.length === 0) return this.lost !== null;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      setTimeout(resolve, ms);
    });
    return this.lost !== null;
  }
}
