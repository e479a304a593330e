// Report sections for `uncertainty tradeoff` (the warm-started decorrelation scan): AUC against 1/JSD and against
// dCorr, one point per (method, lambda), error bars = spread over seeds; the nuisance AUC; the summary table.
import type { LineSeries, Section, TableCell } from '../../report/schema.js';
import type { WarmScanResult, WarmSummary } from './warm-scan.js';

export interface TradeoffFigureSettings {
  against: string;
  features: string[];
  nEval: number;
  effBackground: number;
  penaltyOn: string;
  seeds: number;
}

const fmt = (x: number | null, d = 4) => (x !== null && Number.isFinite(x) ? Number(x.toFixed(d)) : null);

function byMethod(s: WarmSummary[], x: (r: WarmSummary) => number): LineSeries[] {
  const plain = s.filter((r) => r.method === 'none');
  const methods = [...new Set(s.map((r) => r.method).filter((m) => m !== 'none'))];
  const curve = (label: string, rs: WarmSummary[], dashed = false): LineSeries => ({
    label, x: rs.map(x), y: rs.map((r) => r.auc), yErr: rs.map((r) => (Number.isFinite(r.auc_err) ? r.auc_err : 0)), mark: 'linepoints', dashed,
  });
  return [
    ...methods.map((m, k) => curve(m === 'disco' ? 'DisCo' : 'adversary (Louppe et al.)', [...plain, ...s.filter((r) => r.method === m)], k > 0)),
    curve('lambda = 0 (pretrained)', plain),
  ];
}

export function tradeoffSections(r: WarmScanResult, s: TradeoffFigureSettings): Section[] {
  const setup = `DNN on ${s.features.join(', ')}; decorrelated from ${s.against} (penalty on ${s.penaltyOn}); pretrained at lambda = 0, ` +
    `then lambda raised stage by stage from the previous weights; ${s.nEval} held-out events; error bars: spread (std) over ${s.seeds} seed(s)`;
  const sum = r.summary;
  const sections: Section[] = [
    {
      type: 'line', title: `Trade-off: AUC versus 1/JSD (${s.against})`, x: `1 / JSD of background ${s.against}, before vs after the cut`, y: 'AUC', logX: true,
      series: byMethod(sum, (x) => x.inv_jsd),
      caption: `${setup}. One point per lambda (increasing to the right as the cut at ${s.effBackground} background efficiency sculpts less).`,
    },
    {
      type: 'line', title: `Trade-off: AUC versus dCorr(score, ${s.against})`, x: `distance correlation of score and ${s.against} (background)`, y: 'AUC',
      series: byMethod(sum, (x) => x.dCorr),
      caption: `${setup}. 0 = independent (the finite-sample floor is about 1/sqrt(events) on the background).`,
    },
  ];
  if (r.binary) {
    sections.push({
      type: 'line', title: `How well the score tells the two settings of ${s.against} apart`, x: 'lambda', y: 'AUC(setting 1 vs 0 | background)',
      series: [...new Set(sum.map((x) => x.method).filter((m) => m !== 'none'))].map((m) => {
        const rs = [...sum.filter((x) => x.method === 'none'), ...sum.filter((x) => x.method === m)];
        return { label: m, x: rs.map((x) => Math.max(x.lambda, 1e-3)), y: rs.map((x) => x.nuisanceAuc ?? NaN), yErr: rs.map((x) => (Number.isFinite(x.nuisanceAuc_err ?? NaN) ? x.nuisanceAuc_err! : 0)), mark: 'linepoints' as const };
      }),
      caption: `${setup}. 1/2: the background score is the same at both generator settings (lambda 0 drawn at 1e-3).`,
    });
  }
  sections.push({
    type: 'table', title: 'Decorrelation trade-off', columns: ['method', 'lambda', 'AUC', '+-', 'dCorr', '+-', 'JSD', '+-', 'nuisance AUC', 'agreement with lambda 0'],
    rows: sum.map((x): TableCell[] => [x.method, x.lambda, fmt(x.auc), fmt(x.auc_err), fmt(x.dCorr), fmt(x.dCorr_err), fmt(x.jsd, 5), fmt(x.jsd_err, 5), fmt(x.nuisanceAuc), fmt(x.agreement, 3)]),
    caption: `${setup}. Agreement: Pearson correlation of the scores with the same seed's lambda = 0 scores (negative = the direction flipped).`,
  });
  return sections;
}
