/** The jetlens version, read once from package.json (the one place it is written). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // src/util/version.ts and dist/util/version.js both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION: string = readVersion();
