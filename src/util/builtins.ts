// node:zlib and node:crypto, loaded on first use: they cost ~10 M and ~16 M instructions to load (callgrind,
// Node 20, `node -e "require('node:zlib')"` against `node -e 0`), and a `jetlens efp` on a .npy uses neither.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
let zlibModule: typeof import('node:zlib') | undefined;
let cryptoModule: typeof import('node:crypto') | undefined;

export function zlib(): typeof import('node:zlib') {
  return (zlibModule ??= load('node:zlib') as typeof import('node:zlib'));
}

export function crypto(): typeof import('node:crypto') {
  return (cryptoModule ??= load('node:crypto') as typeof import('node:crypto'));
}
