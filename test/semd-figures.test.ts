import t from 'tap';
import { existsSync } from 'node:fs';
import { generateMixture } from '../src/jets/generator/index.js';
import { renderReport, writeReportJson } from '../src/report/index.js';
import { nnScaling } from '../src/studies/smearing/evt.js';
import { nnScalingSections, smearSections } from '../src/studies/smearing/figures.js';
import { smearedLikelihood } from '../src/studies/smearing/smear.js';
import { tempDir } from './fixtures/tmp.js';

t.test('smear and nn-scaling results make valid report figures', async (t) => {
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 300, seed: 2 });
  const s = await smearedLikelihood(jets, { bootstrap: 20, seed: 1 });
  const e = await nnScaling(jets, { sizes: [100, 200, 400], repeats: 2, seed: 1 });
  const sections = [...smearSections(s, { label: 'reference', auc: 0.9 }), ...nnScalingSections(e)];
  t.equal(sections.length, 2 + 3 + 1);
  const dir = tempDir('jetlens-semdfig-');
  await writeReportJson(dir, sections); // validates every section
  const r = await renderReport(dir, { png: false });
  t.ok(existsSync(r.index));
  t.equal(r.figures.length, sections.length, 'one SVG per figure');
});
