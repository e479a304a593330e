/**
 * One place for the angles every op uses (the C++ twin is native/kinematics.h). Every kernel, reference and
 * native, takes Delta phi from here so that |phi| up to any finite value gives the same answer as phi in (-pi, pi].
 */
export const TWO_PI = 2 * Math.PI;

/** phi wrapped into (-pi, pi]; exact for any finite phi. */
export function wrapPhi(phi: number): number {
  if (phi > -Math.PI && phi <= Math.PI) return phi; // already wrapped: same bits, no division
  let r = phi % TWO_PI; // (-2pi, 2pi)
  if (r > Math.PI) r -= TWO_PI;
  else if (r <= -Math.PI) r += TWO_PI;
  return r;
}

/** phi_a - phi_b wrapped into (-pi, pi]. */
export function deltaPhi(a: number, b: number): number {
  return wrapPhi(a - b);
}

/** Delta R^2 = Delta y^2 + Delta phi^2 with Delta phi wrapped. */
export function deltaR2(y1: number, phi1: number, y2: number, phi2: number): number {
  const dy = y1 - y2;
  const dp = wrapPhi(phi1 - phi2);
  return dy * dy + dp * dp;
}

export function deltaR(y1: number, phi1: number, y2: number, phi2: number): number {
  return Math.sqrt(deltaR2(y1, phi1, y2, phi2));
}
