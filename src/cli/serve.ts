import { InvalidArgumentError, type Command } from 'commander';
import { defaultOps, warmUp } from '../serve/ops.js';
import { JetlensServer } from '../serve/server.js';
import { action, info, intOption } from './util.js';

const niceOption = (flag: string) => (v: string) => {
  const n = intOption(flag, 0)(v);
  if (n > 19) throw new InvalidArgumentError(`--${flag}: expected an integer 0-19, got '${v}'`);
  return n;
};

export const register = (program: Command) =>
  program
    .command('serve')
    .description('HTTP service: POST /v1/<op> with {"jets": [[[pt, y, phi], ...], ...], "options": {...}}; GET /health')
    .option('--port <n>', 'port (0 = any free port)', intOption('port', 0), 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--max-body <bytes>', 'largest request body (413 beyond)', intOption('max-body', 1), 8 << 20)
    .option('--max-jets <n>', 'jets per request (400 beyond)', intOption('max-jets', 1), 10000)
    .option('--max-particles <n>', 'particles per request, all jets together (400 beyond)', intOption('max-particles', 1), 500000)
    .option('--concurrency <n>', 'requests computed at once (503 beyond)', intOption('concurrency', 1), 4)
    .option('--max-particles-per-jet <n>', 'particles in any one jet (400 beyond)', intOption('max-particles-per-jet', 1), 5000)
    .option('--timeout <ms>', 'per-request time limit (503 beyond; the work is cancelled, inside a jet too)', intOption('timeout', 1), 60000)
    .option('--body-timeout <ms>', 'the whole request body must arrive within this long (408 beyond)', intOption('body-timeout', 1), 10000)
    .option('--max-scratch-mb <mb>', 'native scratch memory of all requests together', intOption('max-scratch-mb', 1), 1024)
    .option('--kernel-nice <n>', 'lower the OS priority of the native kernel threads by n (0-19; 0 = off) so /health stays prompt', niceOption('kernel-nice'), 10)
    .option('--workers <n>', 'request worker threads (default: min(--concurrency, cores - 1), at least 1: a core is left to the event loop)', intOption('workers', 1))
    .option('--worker-nice <n>', 'lower the OS priority of the request worker threads by n (0-19; default 0: see docs/reliability.md)', niceOption('worker-nice'), 0)
    .action(action(async (o: {
      port: number; host: string; maxBody: number; maxJets: number; maxParticles: number; maxParticlesPerJet: number; concurrency: number;
      timeout: number; bodyTimeout: number; maxScratchMb: number; kernelNice: number; workerNice: number; workers?: number;
    }) => {
      warmUp();
      const server = new JetlensServer({
        port: o.port, host: o.host, maxBodyBytes: o.maxBody, maxJets: o.maxJets, maxParticles: o.maxParticles,
        maxParticlesPerJet: o.maxParticlesPerJet, maxConcurrent: o.concurrency, timeoutMs: o.timeout, bodyTimeoutMs: o.bodyTimeout,
        maxScratchMB: o.maxScratchMb, kernelNice: o.kernelNice, workerNice: o.workerNice, workers: o.workers, ops: defaultOps,
      });
      const { port, host } = await server.listen();
      // Machine-readable first line, so a supervisor (or a test) learns the port.
      console.log(JSON.stringify({ listening: `http://${host}:${port}`, ops: Object.keys(defaultOps) }));
      const stop = () => {
        info('jetlens serve: shutting down after in-flight requests');
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }));
