// Moment pooling evaluated (issue #22 item 4; docs/moments.md): test AUC against the latent size L for pooling
// orders k = 1, 2, 3 on quark/gluon and W/QCD generator-v2 jets, several initialisation seeds (error bar = spread
// over seeds, std). The claim under test (Thaler et al., moment pooling): a small L with k > 1 matches a large L
// with k = 1, since order-k moments of L filters give C(L + k, k) - 1 pooled features.
// Usage: npx tsc -p tsconfig.json && node bench/moments.mjs [--quick] [--n 1500] [--latent 1,2,4,8,16] [--orders 1,2,3]
//          [--seeds 0,1] [--epochs 8] [--samples qg,wq] [--out moments.json] [--report DIR]
import { writeFileSync } from 'node:fs';
import { generateMixture } from '../dist/jets/generator/index.js';
import { createModel, efnInputs, evalPhi, initTf, momentFeatureCount, predict, takeSamples, train } from '../dist/models/index.js';
import { writeReportJson, renderReport } from '../dist/report/index.js';

const args = process.argv.slice(2);
// --quick: a smoke run (seconds): 200 jets per class, L 1,4, k 1,2, one seed, 2 epochs, quark/gluon only.
const QUICK = { '--n': '200', '--latent': '1,4', '--orders': '1,2', '--seeds': '0', '--epochs': '2', '--samples': 'qg' };
const arg = (k, d) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : args.includes('--quick') && QUICK[k] ? QUICK[k] : d);
const nums = (k, d) => arg(k, d).split(',').map(Number);
const n = Number(arg('--n', '1500'));
const latents = nums('--latent', '1,2,4,8,16');
const orders = nums('--orders', '1,2,3');
const seeds = nums('--seeds', '0,1');
const epochs = Number(arg('--epochs', '8'));
const samples = arg('--samples', 'qg,wq').split(',');
const out = arg('--out', 'moments.json');
const reportDir = arg('--report', null);
const SAMPLES = { qg: { signal: 'quark', background: 'gluon', label: 'quark vs gluon' }, wq: { signal: 'w', background: 'qcd', label: 'W vs QCD' } };
// Small networks so that the whole scan runs in minutes on 2 shared cores; the same for every (L, k).
const ARCH = { phiSizes: [32, 32], hidden: [32, 32] };
const MAX_PARTICLES = 40;

/**
 * Angles (y, phi relative to the axis) divided by their spread over real particles: Phi (ReLU, zero biases) is
 * positively homogeneous, so raw angles of about 0.1 give pooled moments of 1e-3 (1e-6 at k = 2) and the F network
 * starts with nothing to learn from (test AUC exactly 1/2 at small L). Same scaling for every (L, k).
 */
function standardiseAngles(data) {
  const x = data.inputs[0].data, z = data.inputs[1].data;
  let s2 = 0, c = 0;
  for (let i = 0; i < z.length; i++) if (z[i] > 0) { s2 += x[2 * i] ** 2 + x[2 * i + 1] ** 2; c += 2; }
  const scale = 1 / Math.sqrt(s2 / c);
  for (let i = 0; i < x.length; i++) x[i] *= scale;
  return scale;
}

/**
 * A dead initialisation cannot train: Phi zero on every probe particle, or (ReLU paths with zero biases) the same
 * output for every probe jet. It is redrawn (seed + 1000 t) and counted.
 */
async function deadAtInit(model, probe, nProbe, jets) {
  if (evalPhi(model, probe, nProbe).every((v) => v === 0)) return true;
  const out = await predict(model, jets);
  return Math.max(...out) - Math.min(...out) < 1e-7;
}

await initTf({ log: () => {} });
const ms = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return { mean: m, std: xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : NaN }; };
const rows = [];
const t0 = process.cpuUsage();
for (const s of samples) {
  const jets = generateMixture({ signal: SAMPLES[s].signal, background: SAMPLES[s].background, n, seed: 11 });
  const data = efnInputs(jets, { maxParticles: MAX_PARTICLES });
  const angleScale = standardiseAngles(data);
  const real = [];
  for (let i = 0; i < data.inputs[1].data.length && real.length < 2000; i++) if (data.inputs[1].data[i] > 0) real.push(data.inputs[0].data[2 * i], data.inputs[0].data[2 * i + 1]);
  const probe = Float32Array.from(real);
  const probeJets = takeSamples(data, Uint32Array.from({ length: Math.min(200, jets.length) }, (_, i) => i));
  for (const k of orders) {
    for (const L of latents) {
      const aucs = [];
      let redrawn = 0;
      for (const seed of seeds) {
        let model = createModel('moments', { ...ARCH, latent: L, order: k, seed });
        for (let tryNo = 1; (await deadAtInit(model, probe, probe.length / 2, probeJets)) && tryNo <= 5; tryNo++) {
          model.net.dispose();
          model = createModel('moments', { ...ARCH, latent: L, order: k, seed: seed + 1000 * tryNo });
          redrawn++;
        }
        // Same split for every model (seed 0): only the initialisation and batch order change with the seed.
        const r = await train(model, data, { epochs, batchSize: 128, lr: 3e-3, patience: 0, seed: 100 + seed, split: [0.6, 0.1, 0.3], worker: false });
        aucs.push(r.testAUC);
        model.net.dispose();
      }
      const a = ms(aucs);
      rows.push({ sample: s, order: k, latent: L, pooled: momentFeatureCount(L, k), auc: a.mean, auc_err: a.std, aucs, redrawn_inits: redrawn, angle_scale: angleScale });
      console.log(`${s} k=${k} L=${String(L).padStart(2)} pooled=${String(momentFeatureCount(L, k)).padStart(4)}  AUC ${a.mean.toFixed(4)} +- ${a.std.toFixed(4)}  (${aucs.map((x) => x.toFixed(4)).join(', ')})`);
    }
  }
}
const cpu = process.cpuUsage(t0);
const settings = { n_per_class: n, angles: 'divided by their rms over real particles', dead_init_rule: 'Phi zero on all probe particles, or the same output for all 200 probe jets: redrawn (seed + 1000 t)', generator_seed: 11, arch: ARCH, max_particles: MAX_PARTICLES, epochs, batch_size: 128, lr: 3e-3, split: [0.6, 0.1, 0.3], seeds, cpu_seconds: (cpu.user + cpu.system) / 1e6 };
writeFileSync(out, `${JSON.stringify({ command: `node bench/moments.mjs ${args.join(' ')}`.trim(), settings, rows }, null, 2)}\n`);
console.log(`wrote ${out}; CPU ${settings.cpu_seconds.toFixed(0)} s`);
console.log(JSON.stringify({ bench: 'moments', settings, rows: rows.map((r) => ({ ...r, aucs: undefined })) }));
if (reportDir) {
  const sections = samples.map((s) => ({
    type: 'line', title: `Moment pooling: test AUC versus latent size L (${SAMPLES[s].label})`, x: 'latent size L', y: 'test AUC', logX: true,
    series: orders.map((k) => {
      const rs = rows.filter((r) => r.sample === s && r.order === k);
      return { label: `k = ${k}`, x: rs.map((r) => r.latent), y: rs.map((r) => r.auc), yErr: rs.map((r) => (Number.isFinite(r.auc_err) ? r.auc_err : 0)), mark: 'linepoints' };
    }),
    caption: `${n} jets per class (generator v2, seed 11), ${Math.round(0.3 * 2 * n)} test jets; Phi ${ARCH.phiSizes.join('x')}, F ${ARCH.hidden.join('x')}, ` +
      `${MAX_PARTICLES} hardest particles, ${epochs} epochs; error bars: std over seeds ${seeds.join(', ')}.`,
  }));
  await writeReportJson(reportDir, sections);
  await renderReport(reportDir, { png: false });
  console.log(`figures in ${reportDir}/index.html`);
}
