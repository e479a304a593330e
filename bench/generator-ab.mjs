// Generator A/B on a busy machine: this build against another built checkout, runs interleaved (A, B, A, B, ...),
// the fastest of each kept (CPU time of this one-threaded process), so both builds see the same load.
// Usage: npm run build && node bench/generator-ab.mjs DIR [n=5000] [reps=8] [cases=quark,gluon,wt,qcdt,wp,qcdp]
//        node bench/generator-ab.mjs --trim [jets=5000]   (trim.ts's Trimmer vs NativeTrimmer, on untrimmed QCD towers)
//        node bench/generator-ab.mjs DIR --split [n=1000] [reps=25]   (where a towers+trim jet's time goes, both builds:
//        particle level, + towers, + trimming, for qcd and w; microseconds per jet, the fastest of reps interleaved runs)
//        node bench/generator-ab.mjs --towers [jets=2000] [reps=20]   (this build's tower step on the same QCD hadrons:
//        JetMaker.toJetCoordinates + applyTowers, the path kept for UE/smearing, against towersFromMomenta, the default)
// Prints one line per case (jets per CPU-second of each build, speed-up of this build: fastest run of each, and the
// median over the reps of each interleaved pair's ratio) and a JSON line.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '../dist/jets/generator/index.js';
import { JetParticles } from '../dist/jets/generator/particles.js';
import { Trimmer } from '../dist/jets/generator/trim.js';
import { JetMaker } from '../dist/jets/generator/jet.js';
import { resolveOptions } from '../dist/jets/generator/options.js';
import { JetRng } from '../dist/jets/generator/rng.js';
import { MomentumList } from '../dist/jets/generator/momenta.js';
import { applyTowers, towersFromMomenta } from '../dist/jets/generator/detector.js';
import { streamSeed } from '../dist/jets/generator/generate.js';
import { NativeTrimmer } from '../dist/jets/generator/trim-native.js';

const args = process.argv.slice(2);
const cpu = (f) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

if (args[0] === '--trim') {
  const n = Number(args[1] ?? 5000);
  const b = generate({ process: 'qcd', n, seed: 3, trim: false });
  const jets = [];
  for (let j = 0; j < b.length; j++) {
    const lo = b.offsets[j], hi = b.offsets[j + 1];
    jets.push([b.pt.slice(lo, hi), b.y.slice(lo, hi).map((v) => v - b.y[lo]), b.phi.slice(lo, hi).map((v) => v - b.phi[lo])]);
  }
  const p = new JetParticles();
  const all = (tr) => () => {
    for (const [pt, y, f] of jets) {
      p.reserve(pt.length);
      p.n = pt.length;
      p.pt.set(pt);
      p.dy.set(y);
      p.dphi.set(f);
      tr.run(p);
    }
  };
  const ts = new Trimmer(0.2, 0.05), nat = NativeTrimmer.create(0.2, 0.05);
  for (let r = 0; r < 2; r++) [ts, nat].forEach((t) => all(t)());
  let a = Infinity, c = Infinity;
  for (let r = 0; r < 5; r++) {
    a = Math.min(a, cpu(all(ts)));
    c = Math.min(c, cpu(all(nat)));
  }
  const mode = nat.mode ?? 'typescript';
  console.log(`trimming ${n} QCD tower jets (mean ${(b.size / n).toFixed(1)} towers), load ${loadavg()[0].toFixed(2)}: trim.ts ${(1e6 * a / n).toFixed(1)} us/jet, NativeTrimmer (${mode}) ${(1e6 * c / n).toFixed(1)} us/jet, ${(a / c).toFixed(2)}x`);
  console.log(JSON.stringify({ bench: 'generator-trim', n, usPerJetTs: 1e6 * a / n, usPerJetNative: 1e6 * c / n, mode }));
  process.exit(0);
}

if (args[0] === '--towers') {
  const n = Number(args[1] ?? 2000), reps = Number(args[2] ?? 20);
  // The jet-frame hadrons of n QCD jets (particle level, no cone), copied out of the generator.
  const mk = new JetMaker(resolveOptions({ process: 'qcd', n, seed: 1, towers: 0, trim: false, cone: false }));
  const rng = new JetRng();
  const jets = [];
  for (let j = 0; j < n; j++) {
    mk.make(rng.reseed(streamSeed(1, j)));
    const h = mk.hadrons, c = new MomentumList(h.n + 1);
    for (let i = 0; i < h.n; i++) c.push(h.px[i], h.py[i], h.pz[i], h.tag[i], h.m[i]);
    jets.push([c, mk.truth.y, mk.truth.phi]);
  }
  const cfg = resolveOptions({ process: 'qcd', n, seed: 1 });
  const mk2 = new JetMaker(cfg), p = mk2.particles;
  const paths = {
    old: () => { for (let j = 0; j < n; j++) { const [h, y0, f0] = jets[j]; rng.reseed(j); mk2.toJetCoordinates(h); applyTowers(rng, p, cfg.towers, y0, f0, cfg.calorimeter, cfg.towerPosition); } },
    fused: () => { for (let j = 0; j < n; j++) { const [h, y0, f0] = jets[j]; rng.reseed(j); towersFromMomenta(rng, h, p, cfg.towers, y0, f0, cfg.calorimeter, cfg.towerPosition); } },
  };
  for (let r = 0; r < 3; r++) for (const f of Object.values(paths)) f();
  const best = { old: Infinity, fused: Infinity };
  const load0 = loadavg()[0];
  for (let r = 0; r < reps; r++) for (const [k, f] of Object.entries(paths)) best[k] = Math.min(best[k], cpu(f));
  const us = (k) => (1e6 * best[k]) / n;
  console.log(`tower step on ${n} QCD jets (${(jets.reduce((s, x) => s + x[0].n, 0) / n).toFixed(1)} hadrons each), load ${load0.toFixed(2)}: toJetCoordinates + applyTowers ${us('old').toFixed(2)} us/jet, towersFromMomenta ${us('fused').toFixed(2)} us/jet, ${(best.old / best.fused).toFixed(3)}x`);
  console.log(JSON.stringify({ bench: 'generator-towers', n, reps, usPerJetOld: us('old'), usPerJetFused: us('fused') }));
  process.exit(0);
}

if (args[1] === '--split') {
  const dir = args[0], n = Number(args[2] ?? 1000), reps = Number(args[3] ?? 25);
  const other = (await import(pathToFileURL(resolve(dir, 'dist/jets/generator/index.js')).href)).generate;
  const stages = [['particle level', { towers: 0, trim: false }], ['+ towers', { trim: false }], ['+ trimming', {}]];
  const best = new Map();
  const load0 = loadavg()[0];
  for (const g of [generate, other]) for (const p of ['qcd', 'w']) for (const [, o] of stages) g({ process: p, ...o, n: 500, seed: 1 });
  for (let r = 0; r < reps; r++) {
    for (const p of ['qcd', 'w']) {
      for (const [s, o] of stages) {
        for (const [who, g] of [['this', generate], ['other', other]]) {
          const k = `${p}|${s}|${who}`;
          best.set(k, Math.min(best.get(k) ?? Infinity, cpu(() => g({ process: p, ...o, n, seed: 7 + r }))));
        }
      }
    }
  }
  const us = (k) => (1e6 * best.get(k)) / n;
  const rows = [];
  for (const p of ['qcd', 'w']) {
    for (const [s] of stages) {
      const a = us(`${p}|${s}|this`), b = us(`${p}|${s}|other`);
      rows.push({ process: p, stage: s, usPerJet: a, otherUsPerJet: b });
      console.log(`${p.padEnd(4)} ${s.padEnd(15)} this ${a.toFixed(1).padStart(6)} us/jet  ${dir} ${b.toFixed(1).padStart(6)} us/jet`);
    }
  }
  console.log(`load average ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)} (cumulative: each stage includes the ones above)`);
  console.log(JSON.stringify({ bench: 'generator-split', n, reps, other: dir, load: [load0, loadavg()[0]], rows }));
  process.exit(0);
}

if (!args[0]) {
  console.error('usage: node bench/generator-ab.mjs DIR [n] [reps] [cases] | --trim [jets]');
  process.exit(2);
}
const dir = args[0], n = Number(args[1] ?? 5000), reps = Number(args[2] ?? 8);
const other = (await import(pathToFileURL(resolve(dir, 'dist/jets/generator/index.js')).href)).generate;
const CASES = {
  quark: { process: 'quark' },
  gluon: { process: 'gluon' },
  wt: { process: 'w' },
  qcdt: { process: 'qcd' },
  wp: { process: 'w', towers: 0, trim: false },
  qcdp: { process: 'qcd', towers: 0, trim: false },
};
const names = (args[3] ?? Object.keys(CASES).join(',')).split(',');
for (const g of [generate, other]) for (const k of names) g({ ...CASES[k], n: 1000, seed: 1 }); // JIT warm-up
const load0 = loadavg()[0];
const rows = [];
for (const k of names) {
  let a = Infinity, b = Infinity;
  const ratios = [];
  for (let r = 0; r < reps; r++) {
    // Alternate which build goes first; each pair's ratio too (its median resists a load change mid-run).
    const one = () => cpu(() => generate({ ...CASES[k], n, seed: 12345 + r }));
    const two = () => cpu(() => other({ ...CASES[k], n, seed: 12345 + r }));
    let x, y;
    if (r % 2 === 0) {
      x = one();
      y = two();
    } else {
      y = two();
      x = one();
    }
    a = Math.min(a, x);
    b = Math.min(b, y);
    ratios.push(y / x);
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)];
  rows.push({ case: k, jetsPerCpuSecond: n / a, otherJetsPerCpuSecond: n / b, speedup: b / a, medianPairSpeedup: median });
  console.log(`${k.padEnd(6)} this ${(n / a).toFixed(0).padStart(7)}  ${dir} ${(n / b).toFixed(0).padStart(7)}  speed-up ${(b / a).toFixed(3)} (fastest of each), ${median.toFixed(3)} (median of the pairs' ratios)`);
}
const load1 = loadavg()[0];
console.log(`load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}`);
console.log(JSON.stringify({ bench: 'generator-ab', n, reps, other: dir, load: [load0, load1], rows }));
