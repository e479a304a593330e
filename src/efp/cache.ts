// Start-up cost of EFPSet: the plan of a selection is built once per process (memo below), and the plans of the
// standard selections d<=1 .. d<=7 ship in data/efp-plans.json (scripts/gen-efp-catalog.mjs writes them; a test
// checks them against buildPlan), so `new EFPSet('d<=7')` does not pay the ~100 ms planner in a fresh process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../backend/native.js';
import { PLAN_VERSION, type Plan, type PlanGraph, buildPlan, planFromParts } from './plan.js';

export const PLANS_FILE = join(packageRoot, 'data', 'efp-plans.json');

/** One shipped plan: the program as base64 of its int32 little-endian bytes. */
export interface PlanFileEntry {
  key: string;
  selection: string;
  W: number;
  maxRank: number;
  costTerms: number[];
  flopTerms: [number, number][];
  program: string;
}

/**
 * Content key of a plan: the planner version, the prime graphs (canonical ids, orders) and the column factors,
 * hashed with two 32-bit FNV-1a lanes (node:crypto alone costs more to load than this takes; the column lists are
 * also compared exactly against the program in planFor).
 */
export function planKey(primes: { id: string; order: number[] }[], columns: number[][]): string {
  const parts = [`v${PLAN_VERSION}`, primes.length, columns.length];
  for (const p of primes) parts.push(p.id, p.order.join(','));
  for (const c of columns) parts.push(c.join(','));
  const s = parts.join('|');
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${s.length.toString(16)}-${(a >>> 0).toString(16)}-${(b >>> 0).toString(16)}`;
}

/** The column lists at the end of a program (see plan.ts) equal `columns`. */
function sameColumns(program: Int32Array, columns: number[][]): boolean {
  let i = program.length;
  for (let c = columns.length - 1; c >= 0; c--) i -= columns[c].length + 1;
  if (program[i - 1] !== columns.length) return false;
  for (const c of columns) {
    if (program[i++] !== c.length) return false;
    for (const f of c) if (program[i++] !== f) return false;
  }
  return true;
}

export function planToEntry(plan: Plan, key: string, selection: string): PlanFileEntry {
  const bytes = Buffer.from(plan.program.buffer, plan.program.byteOffset, plan.program.byteLength);
  return { key, selection, W: plan.W, maxRank: plan.maxRank, costTerms: plan.costTerms, flopTerms: plan.flopTerms, program: bytes.toString('base64') };
}

function planFromEntry(e: PlanFileEntry): Plan {
  const b = Buffer.from(e.program, 'base64');
  const program = new Int32Array(b.byteLength / 4);
  new Uint8Array(program.buffer).set(b);
  return planFromParts(program, e.W, e.maxRank, e.costTerms, e.flopTerms);
}

let shipped: Map<string, PlanFileEntry> | undefined;

function shippedPlans(): Map<string, PlanFileEntry> {
  if (!shipped) {
    shipped = new Map();
    if (existsSync(PLANS_FILE)) {
      for (const e of JSON.parse(readFileSync(PLANS_FILE, 'utf8')) as PlanFileEntry[]) shipped.set(e.key, e);
    }
  }
  return shipped;
}

/** The plan for these primes and columns: shipped if it is one of the standard selections, built otherwise. */
export function planFor(primes: (PlanGraph & { id: string })[], columns: number[][]): Plan {
  const e = shippedPlans().get(planKey(primes, columns));
  const plan = e && planFromEntry(e);
  return plan && sameColumns(plan.program, columns) ? plan : buildPlan(primes, columns);
}

/** A small bounded memo (insertion order evicts first): built selections reused within a process. */
export class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit = 64) {}
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, v);
    return v;
  }
}
