import { GPU, input } from 'gpu.js';
const gpu = new GPU();
console.log('mode', gpu.mode);
// out[jet*cells + o] = sum_s prod_f store[jet*perJet + d0 + a0*d1 + a1*d2 + a2*d3 + s*d4]
const k = gpu.createKernel(function (store, desc, nf, perJet, cells, Mpad, r) {
  const t = this.thread.x;
  const jet = Math.floor(t / cells);
  let o = t - jet * cells;
  let a2 = 0, a1 = 0, a0 = 0;
  if (r >= 3) { a2 = o % Mpad; o = Math.floor(o / Mpad); }
  if (r >= 2) { a1 = o % Mpad; o = Math.floor(o / Mpad); }
  if (r >= 1) { a0 = o; }
  const base = jet * perJet;
  let sum = 0;
  for (let s = 0; s < Mpad; s++) {
    let p = 1;
    for (let f = 0; f < nf; f++) {
      p *= store[base + desc[f * 5] + a0 * desc[f * 5 + 1] + a1 * desc[f * 5 + 2] + a2 * desc[f * 5 + 3] + s * desc[f * 5 + 4]];
    }
    sum += p;
  }
  return sum;
}, { dynamicOutput: true, dynamicArguments: true, loopMaxIterations: 64, tactic: 'precision' });
const store = new Float32Array([1,2,3, 4,5,6, 7,8,9, 10,11,12]); // 1 jet: z(3) + theta 3x3 (9) perJet 12
// matvec: out[a0] = sum_s theta[a0,s] z[s]  -> factor theta: d0=3, d1=3 (a0), d4=1; z: d0=0,d4=1
k.setOutput([3]);
const r = k(store, new Float32Array([3,3,0,0,1, 0,0,0,0,1]), 2, 12, 3, 3, 1);
console.log(Array.from(r)); // expect [4+10+18=32, 7*1+8*2+9*3=50, 10+22+36=68]
k.setOutput([1]);
console.log(Array.from(k(store, new Float32Array([0,0,0,0,1, 0,0,0,0,1]), 2, 12, 1, 3, 0))); // 14
