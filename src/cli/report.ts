import { Option, type Command } from 'commander';
import { renderReport } from '../report/index.js';
import { action, info } from './util.js';

export const register = (program: Command) =>
  program
    .command('report')
    .description('render RUN_DIR/report.json into RUN_DIR/index.html (self-contained) and RUN_DIR/figures/*.{svg,png}')
    .argument('<run-dir>', 'run directory holding report.json (written by a study)')
    .option('--no-png', 'write SVG figure files only (default: SVG and PNG)')
    .addOption(new Option('--embed <kind>', "figures inside index.html: 'svg' (inline, sharp) or 'png' (base64)").choices(['svg', 'png']).default('svg'))
    .option('--title <text>', "page title (default: report.json's title, else the directory name)")
    .action(
      action(async (runDir: string, o: { png: boolean; embed: 'svg' | 'png'; title?: string }) => {
        const r = await renderReport(runDir, { png: o.png, embed: o.embed, title: o.title });
        info(`wrote ${r.index} and ${r.figures.length} figure files`);
        console.log(r.index);
      }),
    );
