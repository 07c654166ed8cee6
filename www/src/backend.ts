// Which backend a run uses, and a sentence saying why. The worker calls
// chooseBackend(navigator.gpu, choice); the rest is pure and unit-tested.

import type { Backend, BackendChoice } from "./protocol.js";

/** The part of WebGPU's GPUAdapterInfo we read (lib.dom has no WebGPU types). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface Adapter {
  info?: AdapterInfo;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfo>; // older Chromium
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<Adapter | null>;
}

export interface BackendDecision {
  backend: Backend;
  reason: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

/** "SwiftShader" for a software adapter, otherwise null. */
export function softwareAdapterName(info: AdapterInfo, isFallback: boolean): string | null {
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ");
  const m = SOFTWARE.exec(text);
  if (m) {
    const word = m[0].toLowerCase();
    const names: Record<string, string> = {
      swiftshader: "SwiftShader",
      llvmpipe: "llvmpipe",
      lavapipe: "lavapipe",
      software: "a software renderer",
      "microsoft basic": "Microsoft Basic Render Driver",
    };
    return names[word] ?? m[0];
  }
  return isFallback || info.isFallbackAdapter === true ? "a fallback (software) adapter" : null;
}

export function describeAdapter(info: AdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.description].filter((s): s is string => !!s && s.length > 0);
  return parts.length > 0 ? parts.join(" ") : "unnamed";
}

async function adapterInfo(adapter: Adapter): Promise<AdapterInfo> {
  if (adapter.info) return adapter.info;
  if (adapter.requestAdapterInfo) {
    try {
      return await adapter.requestAdapterInfo();
    } catch {
      return {};
    }
  }
  return {};
}

/** Decide the backend. Rejects only for an explicit "webgpu" the browser lacks. */
export async function chooseBackend(gpu: Gpu | undefined, choice: BackendChoice): Promise<BackendDecision> {
  if (choice === "cpu") return { backend: "cpu", reason: "CPU backend chosen in the form" };
  if (!gpu) {
    if (choice === "webgpu") {
      throw new Error("WebGPU is not available in this browser (navigator.gpu is missing): choose the auto or CPU backend");
    }
    return { backend: "cpu", reason: "This browser has no WebGPU (navigator.gpu is missing): using CPU" };
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null);
  if (!adapter) {
    if (choice === "webgpu") throw new Error("WebGPU is present but no adapter is available: choose the auto or CPU backend");
    return { backend: "cpu", reason: "WebGPU found no GPU adapter: using CPU" };
  }
  const info = await adapterInfo(adapter);
  const software = softwareAdapterName(info, adapter.isFallbackAdapter === true);
  if (choice === "webgpu") {
    const what = software ? `${software}, a software emulation` : describeAdapter(info);
    return { backend: "webgpu", reason: `WebGPU chosen in the form (adapter: ${what})` };
  }
  if (software) {
    return {
      backend: "cpu",
      reason: `WebGPU adapter is ${software}, a software emulation slower than the CPU backend: using CPU`,
    };
  }
  return { backend: "webgpu", reason: `WebGPU adapter ${describeAdapter(info)}: using WebGPU` };
}
