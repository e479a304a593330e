/**
 * The registration list: every module that registers kernels, one line per area. Importing this file registers
 * every kernel of every op (the ops' own modules import their kernels too, so a single op stays cheap to load).
 * docs/architecture.md gives, per op, the facade, this registration, the reference and the native kernel.
 */
import '../efp/kernels.js'; // efp: reference, native, gpujs, brute
import '../jss/kernels.js'; // observables, images, groom: reference, native
import '../metrics/kernels.js'; // auc, ado, adoDisagree, adoDisagreeBatch: reference, native
import '../semd/kernels.js'; // semd.spectra, semd.matrix (also gpujs), semd.embed, semd.knn, semd.ballCounts: reference, native
