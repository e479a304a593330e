// Deterministic cost of the native trimmer (instructions and mispredicted branches, no timing noise): trims N
// untrimmed QCD tower jets with NativeTrimmer, meant to run under callgrind with collection limited to the addon call.
// Usage: npm run build && valgrind --tool=callgrind --branch-sim=yes --collect-atstart=no \
//          --toggle-collect='*GenTrim*' --callgrind-out-file=/tmp/cg.out node bench/generator-trim-cg.mjs [n=300] \
//        && callgrind_annotate /tmp/cg.out | head -30
// (Ir: instructions; Bcm: mispredicted conditional branches; per jet = total / n.) A checkout's own copy of this file
// measures that checkout's addon, so two builds compare exactly, whatever the load.
import { generate } from '../dist/jets/generator/index.js';
import { JetParticles } from '../dist/jets/generator/particles.js';
import { NativeTrimmer } from '../dist/jets/generator/trim-native.js';

const n = Number(process.argv[2] ?? 300);
const b = generate({ process: 'qcd', n, seed: 3, trim: false });
const p = new JetParticles();
const t = NativeTrimmer.create(0.2, 0.05);
for (let j = 0; j < b.length; j++) {
  const lo = b.offsets[j], hi = b.offsets[j + 1];
  p.reserve(hi - lo);
  p.n = hi - lo;
  p.pt.set(b.pt.subarray(lo, hi));
  for (let i = lo; i < hi; i++) {
    p.dy[i - lo] = b.y[i] - b.y[lo];
    p.dphi[i - lo] = b.phi[i] - b.phi[lo];
  }
  t.run(p);
}
console.log(`trimmed ${n} QCD tower jets (${(b.size / n).toFixed(1)} towers on average), trimmer ${t.mode ?? 'typescript'}`);
