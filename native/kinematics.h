// One place for the angles every op uses (phi wrapping, Delta phi, Delta R), so no kernel writes its own.
#pragma once
#include <cmath>

namespace jetlens {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2 * kPi;

// phi wrapped into (-pi, pi]; exact for any finite phi (fmod, not a fixed number of 2 pi shifts).
inline double wrap_phi(double phi) {
  if (phi > -kPi && phi <= kPi) return phi;  // already wrapped: same bits, no division
  double r = std::fmod(phi, kTwoPi);  // (-2pi, 2pi)
  if (r > kPi) r -= kTwoPi;
  else if (r <= -kPi) r += kTwoPi;
  return r;
}
inline double delta_phi(double a, double b) { return wrap_phi(a - b); }
inline double delta_r2(double y1, double phi1, double y2, double phi2) {
  double dy = y1 - y2, dp = delta_phi(phi1, phi2);
  return dy * dy + dp * dp;
}
inline double delta_r(double y1, double phi1, double y2, double phi2) { return std::sqrt(delta_r2(y1, phi1, y2, phi2)); }

}  // namespace jetlens
