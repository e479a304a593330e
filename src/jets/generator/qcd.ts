/**
 * QCD constants, the one-loop running coupling and the collinear splitting functions used by the toy shower.
 * References: Ellis, Stirling, Webber, "QCD and collider physics", ch. 5; Altarelli & Parisi, Nucl. Phys. B126 (1977) 298.
 */
export const CF = 4 / 3;
export const CA = 3;
export const TR = 1 / 2;
export const NF = 5;

export const MZ = 91.1876;
export const ALPHAS_MZ = 0.118;
/** Shower cut-off: no emission with k_t below mu0 (GeV); the coupling is frozen below it. */
export const MU0 = 1.0;

const B0 = (33 - 2 * NF) / (12 * Math.PI);

/** One-loop alpha_s(k_t) with n_f = 5, alpha_s(M_Z) = 0.118, frozen below k_t = mu0. */
export function alphaS(kt: number): number {
  const q = kt < MU0 ? MU0 : kt;
  return ALPHAS_MZ / (1 + ALPHAS_MZ * B0 * Math.log((q * q) / (MZ * MZ)));
}

/** The largest value the coupling takes above the cut-off (used by the veto algorithm's overestimate). */
export const ALPHAS_MAX = alphaS(MU0);

/** q -> q g, z = gluon energy fraction: C_F (1 + (1-z)^2) / z. */
export function pGQ(z: number): number {
  return (CF * (1 + (1 - z) * (1 - z))) / z;
}

/** g -> g g: C_A [z/(1-z) + (1-z)/z + z(1-z)]. */
export function pGG(z: number): number {
  return CA * (z / (1 - z) + (1 - z) / z + z * (1 - z));
}

/** g -> q qbar, summed over n_f flavours: T_R n_f (z^2 + (1-z)^2). */
export function pQG(z: number): number {
  return TR * NF * (z * z + (1 - z) * (1 - z));
}
