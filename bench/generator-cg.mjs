// Deterministic cost of the whole generator (instructions, no timing noise): generates N jets of one case, meant to
// run under callgrind; the difference of two sizes cancels start-up and JIT compilation. Usage (per jet, QCD towers +
// trim; --single-threaded: V8's background compiler otherwise moves the totals by ~5%):
//   for n in 3000 9000; do valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded \
//     bench/generator-cg.mjs $n 2>&1 | grep refs; done      # per jet = (I(9000) - I(3000)) / 6000
// Optional: node bench/generator-cg.mjs N [process=qcd] [JSON options], e.g. 3000 w '{"towers":0,"trim":false}'.
// A checkout's own copy measures that checkout's build, so two builds compare exactly, whatever the load.
import { generate } from '../dist/jets/generator/index.js';

const n = Number(process.argv[2] ?? 3000);
const extra = process.argv[4] ? JSON.parse(process.argv[4]) : {};
generate({ process: process.argv[3] ?? 'qcd', n, seed: 1, ...extra });
