import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled addon: op functions registered by native/*.cc plus build facts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeAddon = Record<string, any> & { cudaCompiled: boolean; hardwareThreads: number };

let cached: NativeAddon | null | undefined;
let warned = false;

/** Repository root (the same from src/ under ts-node and from dist/ when compiled). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Loads build/Release/jetlens.node once. Returns null (after one clear warning) when it is missing or cannot
 * load, so everything still runs on the TypeScript reference kernels. JETLENS_NO_NATIVE=1 disables it.
 */
export function loadNative(): NativeAddon | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.JETLENS_NO_NATIVE === '1') return cached;
  const file = join(packageRoot, 'build', 'Release', 'jetlens.node');
  try {
    if (!existsSync(file)) throw new Error(`${file} not found (was \`npm install\` run with a C++ compiler?)`);
    cached = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    if (!warned) {
      warned = true;
      process.stderr.write(`jetlens: warning: native addon unavailable, using the slower TypeScript kernels: ${(e as Error).message}\n`);
    }
  }
  return cached;
}

/** Number of CUDA devices usable at run time (0 without CUDA build, driver or GPU). */
export function cudaDevices(): number {
  const n = loadNative();
  if (!n || !n.cudaCompiled) return 0;
  try {
    return n.cudaDeviceCount() as number;
  } catch {
    return 0;
  }
}
