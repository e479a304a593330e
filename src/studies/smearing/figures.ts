import type { Section } from '../../report/schema.js';
import type { NnScalingResult } from './evt.js';
import type { SmearResult } from './smear.js';

/**
 * Report sections for the SEMD studies (rendered by src/report): the smeared-likelihood AUC versus eps, the
 * nearest-neighbour distance distributions with their Weibull fits, and the median d_min versus N with the power law.
 */
export function smearSections(r: SmearResult, reference?: { label: string; auc: number }): Section[] {
  const eps = r.results.map((p) => p.eps);
  const series: Extract<Section, { type: 'line' }>['series'] = [
    { label: 'smeared likelihood', x: eps, y: r.results.map((p) => p.auc), yErr: r.results.map((p) => p.auc_err), mark: 'linepoints' },
  ];
  if (reference) series.push({ label: reference.label, x: [eps[0], eps[eps.length - 1]], y: [reference.auc, reference.auc], dashed: true });
  return [
    {
      type: 'line', title: 'Smeared-likelihood AUC versus eps', x: 'eps (SEMD)', y: 'AUC', logX: true, series,
      caption: `${r.settings.evaluation}, ${r.settings.n_signal} signal + ${r.settings.n_background} background reference jets; errors: bootstrap (${r.settings.bootstrap} resamples).`,
    },
    {
      type: 'line', title: 'Fraction of empty balls versus eps', x: 'eps (SEMD)', y: 'empty fraction', logX: true,
      series: [{ label: 'empty balls', x: eps, y: r.results.map((p) => p.empty_fraction), mark: 'linepoints' }],
    },
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
      caption: `Weibull fit: shape a = ${s.weibull.shape.toFixed(3)} +- ${s.weibull.shape_err.toFixed(3)}, scale ${s.weibull.scale.toPrecision(3)}.`,
      series: [
        { label: 'd_min', x: centres(s.histogram.edges), y: s.histogram.density, mark: 'points' },
        { label: 'Weibull fit', x: centres(s.histogram.edges), y: s.histogram.weibull_density },
      ],
    })),
    {
      type: 'line', title: 'Median nearest-neighbour distance versus N', x: 'N', y: 'median d_min', logX: true, logY: true,
      caption: `Power law d_min ~ N^(-1/a): 1/a = ${pl.inv_a.toFixed(3)} +- ${pl.inv_a_err.toFixed(3)}.`,
      series: [
        { label: 'median d_min', x: Ns, y: fitted.map((s) => s.median), yErr: fitted.map((s) => s.median_err), mark: 'points' },
        { label: 'power-law fit', x: Ns, y: Ns.map((n) => Math.exp(pl.c0 - pl.inv_a * Math.log(n))), dashed: true },
      ],
    },
  ];
}
