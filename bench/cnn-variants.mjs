// CNN variants for bench/cnn-diagnose.mjs: image geometry, pixel scaling, an optional jet-pT input, architecture.
// Built with tfjs layers here (not src/models) so a variant costs no library change; the winner goes into buildCnn.
import { jetImages } from '../dist/jss/images.js';
import { tf } from '../dist/models/index.js';
import { Rng } from '../dist/util/rng.js';

const STUDY = { npix: 33, width: 1.0, pixels: 'norm', convs: [[32, 4], [32, 4], [32, 4]], pools: 2, dense: 64 };
/** name -> settings (defaults: the study's CNN before this work). */
export const VARIANTS = {
  base: { ...STUDY, desc: 'study CNN: 33x33 on [-1,1]^2, normalised pixels, 3 conv 32x4x4, 2 pools, dense 64' },
  x100: { ...STUDY, pixels: 'norm100', desc: 'base, normalised pixels x 100' },
  gev: { ...STUDY, pixels: 'gev', desc: 'base, pixels in units of 100 GeV (not normalised: keeps the jet pT)' },
  sqrt: { ...STUDY, pixels: 'sqrt', desc: 'base, sqrt(pixel pT / GeV) / 4 (not normalised)' },
  pt: { ...STUDY, pixels: 'norm100', ptInput: true, desc: 'normalised x 100 + standardised jet pT into the dense layer' },
  small: { ...STUDY, npix: 16, width: 0.8, pixels: 'gev', convs: [[32, 3], [32, 3], [32, 3]], pools: 1, desc: '16x16 on [-0.8,0.8]^2 (0.1 = tower size), GeV/100, 3 conv 32x3x3, 1 pool' },
  smallpt: { ...STUDY, npix: 16, width: 0.8, pixels: 'norm100', ptInput: true, convs: [[32, 3], [32, 3], [32, 3]], pools: 1, desc: 'small, normalised x 100 + jet pT input' },
  mid: { ...STUDY, npix: 25, width: 0.8, pixels: 'gev', convs: [[32, 5], [32, 3], [32, 3]], pools: 2, dense: 128, desc: '25x25 on [-0.8,0.8]^2, GeV/100, conv 32x5x5, 32x3x3 x2, dense 128' },
  midpt: { ...STUDY, npix: 25, width: 0.8, pixels: 'norm100', ptInput: true, convs: [[32, 5], [32, 3], [32, 3]], pools: 2, dense: 128, desc: 'mid, normalised x 100 + jet pT input' },
  occ: { ...STUDY, npix: 25, width: 0.8, pixels: 'gev+occ', convs: [[32, 5], [32, 3], [32, 3]], pools: 2, dense: 128, desc: 'mid with 2 channels: pT / 100 GeV and occupancy (pixel > 0: counts towers)' },
  log: { ...STUDY, npix: 25, width: 0.8, pixels: 'log', convs: [[32, 5], [32, 3], [32, 3]], pools: 2, dense: 128, desc: 'mid, log(1 + pT / GeV) / 3' },
  gevlog: { ...STUDY, npix: 25, width: 0.8, pixels: 'gev+log', convs: [[32, 5], [32, 3], [32, 3]], pools: 2, dense: 128, desc: 'mid with 2 channels: pT / 100 GeV and log(1 + pT / GeV) / 3' },
  occ33: { ...STUDY, pixels: 'gev+occ', desc: 'base geometry and architecture, 2 channels pT / 100 GeV and occupancy' },
  gevlr: { ...STUDY, pixels: 'gev', lr: 3e-3, desc: 'gev, learning rate 3e-3' },
  gevb64: { ...STUDY, pixels: 'gev', batch: 64, desc: 'gev, batch 64' },
};

async function images(v, jets) {
  const im = await jetImages(jets, { npix: v.npix, width: v.width, center: 'centroid', rotate: 'principal', flip: true, normalize: v.pixels.startsWith('norm') });
  const d = im.data;
  const map = {
    norm: (x) => x, norm100: (x) => 100 * x, gev: (x) => x / 100, sqrt: (x) => Math.sqrt(x) / 4,
    occ: (x) => (x > 0 ? 1 : 0), log: (x) => Math.log1p(x) / 3,
  };
  const chans = v.pixels.split('+').map((c) => map[c]);
  const out = new Float32Array(d.length * chans.length);
  for (let k = 0; k < d.length; k++) for (let c = 0; c < chans.length; c++) out[k * chans.length + c] = chans[c](d[k]);
  return { data: out, shape: [jets.length, v.npix, v.npix, chans.length] };
}

export async function cnnVariant(v, jets, obs, seed) {
  const seeds = new Rng(seed);
  const init = () => tf.initializers.glorotUniform({ seed: seeds.int(2 ** 31) });
  const input = tf.input({ shape: [v.npix, v.npix, v.pixels.split('+').length] });
  let h = input;
  v.convs.forEach(([f, k], i) => {
    h = tf.layers.conv2d({ filters: f, kernelSize: k, padding: 'same', activation: 'relu', kernelInitializer: init() }).apply(h);
    if (i < v.pools) h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h);
  });
  h = tf.layers.flatten().apply(h);
  const inputs = [input];
  const blocks = [await images(v, jets)];
  if (v.ptInput) {
    const pt = tf.input({ shape: [1] });
    inputs.push(pt);
    h = tf.layers.concatenate().apply([h, pt]);
    blocks.push({ data: Float32Array.from(obs.pt, (p) => (p - 350) / 30), shape: [jets.length, 1] });
  }
  h = tf.layers.dense({ units: v.dense, activation: 'relu', kernelInitializer: init() }).apply(h);
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init() }).apply(h);
  const net = tf.model({ inputs, outputs: out });
  const model = { kind: 'cnn', options: { seed, head: 'sigmoid', npix: v.npix }, net, meta: { seed } };
  return { model, data: { inputs: blocks, labels: Float64Array.from(jets.labels) } };
}
