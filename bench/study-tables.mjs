// docs/guided.md tables from a study run directory: the premise and the pass table, paper and ours side by side,
// and the per-phase wall / CPU seconds (OUT/timing.json) with the extrapolation to another size.
// Usage: node bench/study-tables.mjs OUT [--scale-to 100000]   (OUT: a `jetlens study --out OUT` directory)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...rest] = process.argv.slice(2);
if (!dir) throw new Error('usage: node bench/study-tables.mjs OUT [--scale-to JETS_PER_CLASS]');
const arg = (k, d) => (rest.indexOf(k) >= 0 ? rest[rest.indexOf(k) + 1] : d);
const json = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : undefined);
const pm = (v, e) => `${v.toFixed(4)} ± ${e.toFixed(4)}`;

// Faucett, Thaler & Whiteson, PRD 103 (2021) 036020, tables I-II: AUCs and the black-box-guided passes.
const PAPER_AUC = { CNN: 0.9531, 'DNN(6HL)': 0.9504, 'DNN(mass, pT)': 0.9119 };
const PAPER_PASSES = [
  ['start: mass, pT', '', '', 0.9119], ['2, 1/2, 2', 0.8144, 0.819, 0.9382], ['0, 2, 2', 0.6377, 0.8106, 0.9458],
  ['0, -, 1', 0.546, 0.6737, 0.9476], ['1, 1/2, 2', 0.5274, 0.8464, 0.9487], ['-1, -, 1', 0.545, 0.5882, 0.9504],
  ['1, 1/2, 4', 0.5382, 0.7678, 0.9523], ['-1, 1/2, 2', 0.5561, 0.5957, 0.9528],
];

const settings = json('settings.json');
if (settings) console.log(`settings: ${JSON.stringify(settings)}\n`);
const premise = json('premise.json');
if (premise) {
  console.log('| classifier | paper AUC | ours: AUC ± error | bootstrap sd | ensemble sd |\n| --- | --- | --- | --- | --- |');
  for (const e of premise.entries) console.log(`| ${e.name} | ${PAPER_AUC[e.name] ?? ''} | ${pm(e.auc, e.err)} | ${e.bootstrapStd.toFixed(4)} | ${e.ensembleSd.toFixed(4)} |`);
  for (const c of premise.comparisons) console.log(`\n- ${c.better} − ${c.worse}: ${pm(c.diff, c.err)} (${c.beyondErrors ? '' : 'NOT '}beyond ${premise.z} errors)`);
  console.log(`\nVerdict: "${premise.verdict}"\n`);
}

const g = json('guided.json');
if (g) {
  const frac = (b) => (b === undefined || Number.isNaN(b) ? '-' : b === 0.5 ? '1/2' : String(b));
  console.log('| pass | paper: kappa, beta, chrom. | paper: ADO on D | paper: AUC[EFP] | paper: AUC[DNN] | ours: EFP (edges) | kappa | beta | chrom. | IRC safe | ADO on D | wins | AUC[EFP] | AUC[DNN] | ADO[DNN, CNN] | ADO[mimic, CNN] | gain | wall s |');
  console.log('| --- '.repeat(18) + '|');
  const rows = Math.max(g.passes.length, PAPER_PASSES.length);
  for (let i = 0; i < rows; i++) {
    const [pk, pado, pauc, pdnn] = PAPER_PASSES[i] ?? ['', '', '', ''];
    const r = g.passes[i];
    const c = r?.chosen;
    const ours = !r ? Array(13).fill('')
      : [c ? c.edges.map((e) => e.join('-')).join(' ') : 'start: ' + r.features.join(', '), c ? frac(c.kappa) : '', c ? frac(c.beta) : '', c?.chi ?? '', c ? (c.kappa === 1 ? 'yes' : 'no') : '',
        c ? pm(c.adoSubset, c.adoSubsetSd) : '', c ? `${c.wins}/${r.members.auc.length}` : '', c ? c.aucEfp.toFixed(4) : '', pm(r.aucDnn, r.aucDnnSd),
        pm(r.adoDnnBlackBox, r.adoDnnBlackBoxSd), r.adoMimic === undefined ? '' : pm(r.adoMimic, r.adoMimicSd),
        r.adoGain === undefined ? '' : `${pm(r.adoGain, r.adoGainErr)}${r.significant ? '' : ' n.s.'}`, r.seconds.toFixed(0)];
    console.log(`| ${i} | ${pk} | ${pado} | ${pauc} | ${pdnn} | ${ours.join(' | ')} |`);
  }
  // The runners-up: how far the pick is from the next candidates, in units of the ADO-on-D spread over the members.
  for (const r of g.passes) {
    if (!r.top?.length) continue;
    const best = r.top[0].score;
    console.log(`pass ${r.pass} top ${r.top.length}: ${r.top.map((c) => `${c.name} ${c.score.toFixed(4)} (wins ${c.wins}, ${((c.score - best) / (r.top[0].sd || 1)).toFixed(2)} sd)`).join('; ')}`);
  }
  console.log(`\nBlack box AUC ${pm(g.aucBlackBox, g.aucBlackBoxErr)}; stopped: ${g.stopReason}; ${g.removedTotal} redundant candidates removed; guided iteration ${g.seconds.toFixed(0)} s wall.\n`);
}

const t = json('timing.json');
if (t) {
  const n = settings?.n ?? 20000;
  const to = Number(arg('--scale-to', 100000));
  console.log(`| phase | wall s | CPU-s | CPU-s extrapolated to ${to.toLocaleString('en')} per class (x ${to / n}) |\n| --- | --- | --- | --- |`);
  let total = 0;
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith('(CPU s)') || k === 'cpus' || k === 'loadavg') continue;
    const c = t[`${k} (CPU s)`];
    if (c !== undefined) total += c * (to / n);
    console.log(`| ${k} | ${v.toFixed(0)} | ${c === undefined ? '(reused)' : c.toFixed(0)} | ${c === undefined ? '' : (c * (to / n)).toFixed(0)} |`);
  }
  console.log(`| total | | ${t['total (CPU s)'].toFixed(0)} | ${total.toFixed(0)} (linear in jets; CNN and DNN epochs to convergence may differ) |`);
  console.log(`\nload average at the end: ${t.loadavg.map((x) => x.toFixed(1)).join(', ')} on ${t.cpus} CPUs`);
}
