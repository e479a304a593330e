/**
 * The jet-substructure ops behind the dispatcher, one file for the area (as src/efp/kernels.ts and
 * src/metrics/kernels.ts): 'observables', 'images' and 'groom', each with a 'reference' kernel (plain TypeScript:
 * reference.ts, jetImage in images.ts, groomJet in groom.ts) and a 'native' kernel (native/jss.cc, native/images.cc,
 * native/groom.cc) registered when the addon has it. Facades (observables.ts, images.ts, groom.ts) validate options
 * and import this file; kernels take validated inputs.
 *
 * images.ts and groom.ts import this file and this file imports their per-jet functions: the cycle is safe because
 * nothing here touches their bindings while the modules load (only inside kernels, at call time).
 */
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import { registerKernel } from '../backend/dispatch.js';
import { loadNative } from '../backend/native.js';
import type { JetBatch } from '../jets/batch.js';
import { groomJet, type GroomOutput, type GroomSpecPlain } from './groom.js';
import { jetImage, type ImageCenter, type ImageRotate, type JetImages, type ResolvedImageOptions } from './images.js';
import { fillRows } from './reference.js';
import { rowLength, type AxesKind, type ObsRequest } from './request.js';

/** A kernel fills the base rows (N x rowLength) for the whole batch. */
export type ObservablesKernel = (batch: JetBatch, request: ObsRequest, run: RunOptions) => Promise<Float64Array>;
export type ImagesKernel = (batch: JetBatch, o: ResolvedImageOptions, run: RunOptions) => Promise<JetImages>;
export type GroomKernel = (batch: JetBatch, spec: Required<GroomSpecPlain>, run: RunOptions) => Promise<GroomOutput>;

// ---------- observables ----------

export const referenceObservables: ObservablesKernel = async (batch, request, run) => {
  const out = new Float64Array(batch.length * rowLength(request));
  await chunked(batch.length, run, (s, e) => fillRows(batch, request, out, s, e), 64);
  return out;
};
registerKernel('observables', 'reference', referenceObservables);

// ---------- images ----------

export const referenceImages: ImagesKernel = async (batch, o, run) => {
  const n = batch.length;
  const px = o.npix * o.npix;
  const data = new Float32Array(n * px);
  const img = new Float64Array(px);
  let dropped = 0;
  await chunked(n, run, (s, e) => {
    for (let j = s; j < e; j++) {
      const [a, b] = [batch.offsets[j], batch.offsets[j + 1]];
      img.fill(0);
      dropped += jetImage(batch.pt.subarray(a, b), batch.y.subarray(a, b), batch.phi.subarray(a, b), o, img, batch.mass?.subarray(a, b));
      data.set(img, j * px);
    }
  });
  return { data, shape: [n, o.npix, o.npix], dropped };
};
registerKernel('images', 'reference', referenceImages);

// ---------- groom ----------

export const referenceGroom: GroomKernel = async (batch, spec, run) => {
  const out: GroomOutput = { keep: new Uint8Array(batch.size), info: new Float64Array(2 * batch.length) };
  await chunked(batch.length, run, (s, e) => {
    for (let j = s; j < e; j++) groomJet(batch, j, spec, out);
  }, 64);
  return out;
};
registerKernel('groom', 'reference', referenceGroom);

// ---------- native ----------

const AXES_CODE: Record<AxesKind, number> = { kt: 0, wta: 1, onepass: 2 };
const CENTER_CODE: Record<ImageCenter, number> = { centroid: 0, leading: 1, none: 2 };
const ROTATE_CODE: Record<ImageRotate, number> = { none: 0, principal: 1, subjet: 2 };

const native = loadNative();
if (native?.jssObservables) {
  const nativeObservables: ObservablesKernel = (batch, r, run) => {
    const out = new Float64Array(batch.length * rowLength(r));
    return withControl(batch.length, run, async (control) => {
      await native.jssObservables(
        batch, out, Float64Array.from(r.ecfBetas), Uint8Array.from(r.needE3, (b) => (b ? 1 : 0)),
        Float64Array.from(r.tauBetas), r.nMax, AXES_CODE[r.axes], run.threads ?? 0, control,
      );
      return out;
    });
  };
  registerKernel('observables', 'native', nativeObservables);
}

if (native?.jssImages) {
  const nativeImages: ImagesKernel = (batch, o, run) => {
    const data = new Float32Array(batch.length * o.npix * o.npix);
    return withControl(batch.length, run, async (control) => {
      const dropped: number = await native.jssImages(
        batch, data, o.npix, o.width, CENTER_CODE[o.center], ROTATE_CODE[o.rotate], o.flip ? 1 : 0, o.normalize ? 1 : 0,
        run.threads ?? 0, control,
      );
      return { data, shape: [batch.length, o.npix, o.npix], dropped };
    });
  };
  registerKernel('images', 'native', nativeImages);
}

if (native?.jssGroom) {
  const nativeGroom: GroomKernel = (batch, spec, run) => {
    const out: GroomOutput = { keep: new Uint8Array(batch.size), info: new Float64Array(2 * batch.length) };
    return withControl(batch.length, run, async (control) => {
      await native.jssGroom({
        offsets: batch.offsets, pt: batch.pt, y: batch.y, phi: batch.phi, mass: batch.mass, keep: out.keep, info: out.info,
        method: spec.method, algorithm: spec.algorithm, rSub: spec.rSub, fCut: spec.fCut, zCut: spec.zCut, beta: spec.beta,
        R0: spec.R0, threads: run.threads ?? 0, control,
      });
      return out;
    });
  };
  registerKernel('groom', 'native', nativeGroom);
}
