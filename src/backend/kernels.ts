/**
 * The registration list: every module that registers kernels, one line per area. Importing this file registers
 * every kernel of every op (the ops' own modules import their kernels too, so a single op stays cheap to load).
 * docs/architecture.md gives, per op, the facade, this registration, the reference and the native kernel.
 */
import '../efp/kernels.js'; // efp: reference, native, gpujs, brute
import '../jss/observables.js'; // observables: reference, native
import '../jss/images.js'; // images: reference, native
import '../jss/groom.js'; // groom: reference, native
import '../metrics/kernels.js'; // auc, ado, adoDisagree, adoDisagreeBatch: reference, native
import '../semd/spectrum.js'; // semd.spectra: reference, native
import '../semd/distance.js'; // semd.matrix: reference, native
import '../semd/gpujs.js'; // semd.matrix: gpujs
import '../semd/embed.js'; // semd.embed: reference, native
import '../semd/knn.js'; // semd.knn, semd.ballCounts: reference, native
