import type { Section } from '../../report/schema.js';
import type { NnScalingResult } from './evt.js';
import type { SmearResult } from './smear.js';
import type { SizeScanEntry } from './sizes.js';

type LineSeries = Extract<Section, { type: 'line' }>['series'][number];

/** Horizontal lines at the multiplicity and mass AUCs (the best simple discriminants) over [x0, x1]. */
function referenceLines(r: SmearResult, x0: number, x1: number): LineSeries[] {
  if (!r.references) return [];
  return Object.entries(r.references).map(([k, v]) => ({ label: `${k} AUC ${v.auc.toFixed(3)}`, x: [x0, x1], y: [v.auc, v.auc], dashed: true }));
}

/** The x-axis name: dimensionless eps, with the factor that converts it to GeV. */
function epsAxis(r: SmearResult): string {
  const f = r.settings.gev_per_unit;
  return Number.isFinite(f) ? `eps (SEMD; x ${f.toPrecision(4)} = GeV)` : 'eps (SEMD)';
}

/** One curve per subsample size against eps in GeV, with the full sample's reference lines. */
function sizeSection(r: SmearResult, sizes: SizeScanEntry[]): Section {
  const curve = (label: string, results: SmearResult['results']): LineSeries => {
    const pts = results.slice().sort((a, b) => a.eps - b.eps);
    return { label, x: pts.map((p) => p.eps * r.settings.gev_per_unit), y: pts.map((p) => p.auc), yErr: pts.map((p) => p.auc_err), mark: 'linepoints' };
  };
  const series: LineSeries[] = sizes.map((s) => curve(`N = ${s.n_per_class} per class`, s.results));
  const full = Math.min(r.settings.n_signal, r.settings.n_background);
  if (r.settings.evaluation === 'leave-one-out' && !sizes.some((s) => s.n_per_class === full)) series.push(curve(`all ${r.settings.n_signal} + ${r.settings.n_background}`, r.results));
  const xs = series.flatMap((s) => s.x);
  return {
    type: 'line', title: 'Smeared-likelihood AUC versus eps for several sample sizes', x: 'eps (GeV)', y: 'AUC', logX: true,
    series: [...series, ...referenceLines(r, Math.min(...xs), Math.max(...xs))],
    caption: `Leave-one-out on nested subsamples of the same jets (each contained in the next), one eps grid; eps in GeV = eps x ${r.settings.gev_per_unit.toPrecision(4)} ` +
      `(median scalar-sum jet pT${r.settings.scale !== 1 ? ' / scale' : ''}). The eps below which the AUC collapses moves down as N grows. Dashed: multiplicity and mass AUCs on the full sample.`,
  };
}

/**
 * Report sections for the SEMD studies (rendered by src/report): the smeared-likelihood AUC versus eps, the
 * nearest-neighbour distance distributions with their Weibull fits, and the median d_min versus N with the power law.
 */
export function smearSections(r: SmearResult, reference?: { label: string; auc: number }, sizes?: SizeScanEntry[]): Section[] {
  const pts = r.results.slice().sort((a, b) => a.eps - b.eps);
  const eps = pts.map((p) => p.eps);
  const thr = r.settings.empty_threshold;
  const pct = `${+(100 * thr).toPrecision(3)}%`;
  const ok = pts.filter((p) => !p.flagged);
  const bad = pts.filter((p) => p.flagged);
  const curve = (ps: typeof pts) => ({ x: ps.map((p) => p.eps), y: ps.map((p) => p.auc), yErr: ps.map((p) => p.auc_err) });
  const series: Extract<Section, { type: 'line' }>['series'] = [];
  if (ok.length) series.push({ label: 'smeared likelihood', ...curve(ok), mark: 'linepoints' });
  if (bad.length) series.push({ label: `smeared likelihood, empty balls > ${pct} (unreliable)`, ...curve(bad), mark: 'linepoints', dashed: true });
  if (reference) series.push({ label: reference.label, x: [eps[0], eps[eps.length - 1]], y: [reference.auc, reference.auc], dashed: true });
  series.push(...referenceLines(r, eps[0], eps[eps.length - 1]));
  return [
    {
      type: 'line', title: 'Smeared-likelihood AUC versus eps', x: epsAxis(r), y: 'AUC', logX: true, series,
      caption: `${r.settings.evaluation}, ${r.settings.n_signal} signal + ${r.settings.n_background} background reference jets; errors: bootstrap (${r.settings.bootstrap} resamples). ` +
        `Dashed: more than ${pct} of the balls are empty (they score 1/2 by construction), ${bad.length} of ${pts.length} eps values` +
        (r.references ? `; horizontal dashed lines: multiplicity and mass AUCs on the same jets.` : '.'),
    },
    {
      type: 'line', title: 'Fraction of empty balls versus eps', x: epsAxis(r), y: 'fraction of queries', logX: true,
      series: [
        { label: 'empty balls', x: eps, y: pts.map((p) => p.empty_fraction), mark: 'linepoints' },
        { label: 'resolved (ball not empty)', x: eps, y: pts.map((p) => p.resolved_fraction), mark: 'linepoints' },
        { label: `threshold ${pct}`, x: [eps[0], eps[eps.length - 1]], y: [thr, thr], dashed: true },
      ],
    },
    ...(sizes?.length ? [sizeSection(r, sizes)] : []),
  ];
}

export function nnScalingSections(r: NnScalingResult): Section[] {
  const fitted = r.sizes.filter((s) => !r.excluded_sizes.includes(s.N));
  const centres = (e: number[]) => e.slice(0, -1).map((a, i) => Math.sqrt(a * e[i + 1]));
  const pl = r.power_law;
  const Ns = fitted.map((s) => s.N);
  return [
    ...r.sizes.map((s): Section => ({
      type: 'line', title: `Nearest-neighbour SEMD, N = ${s.N}`, x: 'd_min', y: 'density', logX: true,
      caption: `Extreme-value exponent (conditional per-query Weibull fit, ${s.exponent.replicates} disjoint subsamples): ` +
        (Number.isFinite(s.exponent.shape) ? `a = ${s.exponent.shape.toFixed(3)} +- ${s.exponent.shape_err.toFixed(3)}. ` : `n/a (${s.exponent.note}). `) +
        `Pooled fit drawn (secondary, mixes per-query scales): shape ${s.weibull.shape.toFixed(3)} +- ${s.weibull.shape_err.toFixed(3)}, scale ${s.weibull.scale.toPrecision(3)}. ` +
        `Zero distances: ${s.zero_count} (${(100 * s.zero_fraction).toFixed(1)}%), not fitted.`,
      series: [
        { label: 'd_min', x: centres(s.histogram.edges), y: s.histogram.density, mark: 'points' },
        { label: 'pooled Weibull fit (secondary)', x: centres(s.histogram.edges), y: s.histogram.weibull_density, mark: 'line' },
      ],
    })),
    {
      type: 'line', title: 'Median nearest-neighbour distance versus N', x: 'N', y: 'median d_min', logX: true, logY: true,
      caption: `Power law d_min ~ N^(-1/a): 1/a = ${pl.inv_a.toFixed(3)} +- ${pl.inv_a_err.toFixed(3)}.`,
      series: [
        { label: 'median d_min', x: Ns, y: fitted.map((s) => s.median), yErr: fitted.map((s) => s.median_err), mark: 'points' },
        { label: 'power-law fit', x: Ns, y: Ns.map((n) => Math.exp(pl.c0 - pl.inv_a * Math.log(n))), dashed: true, mark: 'line' },
      ],
    },
  ];
}
