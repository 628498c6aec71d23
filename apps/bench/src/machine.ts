import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine a run was measured on. */
export interface MachineInfo {
  cpuModel: string;
  /** Logical cores the OS reports. */
  cores: number;
  totalMemoryGiB: number;
  freeMemoryGiB: number;
  platform: string;
  arch: string;
  nodeVersion: string;
  v8Version: string;
  /** 1, 5 and 15-minute load averages when the run started: above ~0.5 per core, expect noise. */
  loadAverage: number[];
  /** Whether this engine validates a WebAssembly SIMD module. */
  wasmSimd: boolean;
  /** The commit the working tree is on, with `+dirty` when it has changes; `unknown` outside git. */
  gitCommit: string;
  /** Filled in by the GPU probe: the renderer string, or why no GPU backend was created. */
  gpu: string;
}

/** A minimal module using one `v128` instruction: validates only where wasm SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

function gitCommit(): string {
  try {
    const options = {
      encoding: 'utf8' as const,
      stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[],
    };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], options).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], options).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

const gib = (bytes: number): number => Math.round((bytes / 2 ** 30) * 10) / 10;

/** CPU model, cores, memory, Node and V8 versions, load, wasm SIMD, git commit. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: gib(os.totalmem()),
    freeMemoryGiB: gib(os.freemem()),
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    wasmSimd: WebAssembly.validate(SIMD_PROBE),
    gitCommit: gitCommit(),
    gpu: 'not probed',
  };
}
