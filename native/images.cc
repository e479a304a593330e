// Jet images, threads over jets. Mirrors jetImage in src/jss/images.ts step by step
// (same operation order, so images agree with the reference to float32 rounding).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "common.h"
#include "jss.h"

namespace jetlens {
namespace {

using namespace jss;

struct ImageJob {
  int npix = 33;
  double width = 1.0;
  int center = 0;  // 0 centroid, 1 leading, 2 none
  int rotate = 0;  // 0 none, 1 principal, 2 subjet
  bool flip = false;
  bool normalize = true;
};

struct ImageScratch {
  std::vector<double> dy, dp, img;
  std::vector<std::pair<double, double>> subjets;
  KtScratch kt;
};

// The two hardest exclusive-kT subjets (y, phi), hardest first (fewer for M < 2).
void kt_subjets(const double* pt, const double* y, const double* phi, const double* mass, size_t M, ImageScratch& s,
                const Control* ctl) {
  s.subjets.clear();
  if (M > 2) {
    kt_axes(pt, y, phi, nullptr, M, 2, false, s.kt, mass, ctl);
    for (int k = 0; k < 2; ++k) s.subjets.emplace_back(s.kt.ay[2][k], s.kt.aphi[2][k]);
    if (s.kt.apt[2][1] > s.kt.apt[2][0]) std::swap(s.subjets[0], s.subjets[1]);
  } else {
    for (size_t k = 0; k < M; ++k) s.subjets.emplace_back(y[k], phi[k]);
    if (M == 2 && pt[1] > pt[0]) std::swap(s.subjets[0], s.subjets[1]);
  }
}

// Returns the number of particles dropped; s.img (npix^2, float64) holds the image.
size_t jet_image(const double* pt, const double* y, const double* phi, const double* mass, size_t M, const ImageJob& o,
                 ImageScratch& s, const Control* ctl) {
  s.img.assign((size_t)o.npix * o.npix, 0.0);
  if (M == 0) return 0;
  double px = 0, py = 0;
  for (size_t i = 0; i < M; ++i) {
    px += pt[i] * std::cos(phi[i]);
    py += pt[i] * std::sin(phi[i]);
  }
  double phi0 = o.center == 2 ? 0 : std::atan2(py, px);
  s.dy.resize(M), s.dp.resize(M);
  double *dy = s.dy.data(), *dp = s.dp.data();
  for (size_t i = 0; i < M; ++i) dy[i] = y[i], dp[i] = wrap_phi(phi[i] - phi0);
  s.subjets.clear();
  if (o.center == 1 || o.rotate == 2) kt_subjets(pt, y, phi, mass, M, s, ctl);  // O(M^2): polls ctl
  double cy = 0, cp = 0;
  if (o.center == 0) {
    double sum = 0;
    for (size_t i = 0; i < M; ++i) cy += pt[i] * dy[i], cp += pt[i] * dp[i], sum += pt[i];
    cy /= sum;
    cp /= sum;
  } else if (o.center == 1) {
    cy = s.subjets[0].first;
    cp = wrap_phi(s.subjets[0].second - phi0);
  }
  for (size_t i = 0; i < M; ++i) dy[i] -= cy, dp[i] -= cp;
  // rotation: the angle (from +y) of the direction brought to +phi
  bool rotate = false;
  double theta = 0;
  if (o.rotate == 1) {
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < M; ++i) {
      sxx += pt[i] * dy[i] * dy[i];
      syy += pt[i] * dp[i] * dp[i];
      sxy += pt[i] * dy[i] * dp[i];
    }
    if (!(sxy == 0 && sxx == syy)) rotate = true, theta = 0.5 * std::atan2(2 * sxy, sxx - syy);
  } else if (o.rotate == 2 && s.subjets.size() == 2) {
    double sy = s.subjets[1].first - cy, sp = wrap_phi(s.subjets[1].second - phi0) - cp;
    if (!(sy == 0 && sp == 0)) rotate = true, theta = std::atan2(sp, sy);
  }
  if (rotate) {
    double c = std::cos(kPi / 2 - theta), sn = std::sin(kPi / 2 - theta);
    for (size_t i = 0; i < M; ++i) {
      double a = dy[i], b = dp[i];
      dy[i] = c * a - sn * b;
      dp[i] = sn * a + c * b;
    }
  }
  // Snap coordinates within 1e-12 of an axis onto it (see images.ts): rounding must not decide a flip or a pixel.
  for (size_t i = 0; i < M; ++i) {
    if (std::fabs(dy[i]) < 1e-12) dy[i] = 0;
    if (std::fabs(dp[i]) < 1e-12) dp[i] = 0;
  }
  if (o.flip) {
    double ly = 0, ry = 0, lp = 0, rp = 0;
    for (size_t i = 0; i < M; ++i) {
      if (dy[i] > 0) ry += pt[i];
      else if (dy[i] < 0) ly += pt[i];
      if (dp[i] > 0) rp += pt[i];
      else if (dp[i] < 0) lp += pt[i];
    }
    for (size_t i = 0; i < M; ++i) {
      if (ly > ry) dy[i] = -dy[i];
      if (lp > rp) dp[i] = -dp[i];
    }
  }
  size_t dropped = 0;
  double total = 0;
  const double w = o.width;
  const int n = o.npix;
  for (size_t i = 0; i < M; ++i) {
    double c = std::floor(((dy[i] + w) / (2 * w)) * n);
    double r = std::floor(((dp[i] + w) / (2 * w)) * n);
    if (!(c >= 0 && c < n && r >= 0 && r < n)) {
      ++dropped;
      continue;
    }
    s.img[(size_t)r * n + (size_t)c] += pt[i];
    total += pt[i];
  }
  if (o.normalize && total > 0)
    for (double& v : s.img) v /= total;
  return dropped;
}

}  // namespace

// jssImages({offsets, pt, y, phi, mass?, out: Float32Array(N * npix * npix), npix, width,
//            center: 'centroid'|'leading'|'none', rotate: 'none'|'principal'|'subjet', flip: boolean,
//            normalize: boolean, threads?, control?}) -> Promise<number of particles dropped>
static Napi::Value JssImages(const Napi::CallbackInfo& info) {
  Opts opts(info[0], "jssImages");
  JetView jets = jets_from(opts);
  // Optional constituent masses (jetops): they enter the E-scheme kT subjets (center leading, rotate subjet).
  const double* mass = masses_from(opts, jets);
  auto out = opts.typed<float>("out");
  ImageJob o;
  o.npix = (int)opts.integer("npix", 1, 4096);
  o.width = opts.number("width");
  if (!(std::isfinite(o.width) && o.width > 0)) fail("jssImages.width: expected a finite number > 0");
  o.center = opts.choice("center", {"centroid", "leading", "none"});
  o.rotate = opts.choice("rotate", {"none", "principal", "subjet"});
  o.flip = opts.boolean("flip");
  o.normalize = opts.boolean("normalize");
  int threads = resolve_threads((int)opts.integer("threads", 0, 256, 0));
  Control control = control_from(opts.raw("control"));
  opts.done();
  size_t px = (size_t)o.npix * o.npix;
  if (out.size != jets.n() * px) fail("jssImages.out: expected length N * npix * npix = " + std::to_string(jets.n() * px));
  auto dropped = std::make_shared<std::atomic<size_t>>(0);
  auto work = [jets, out, o, px, threads, control, dropped, mass]() -> std::string {
    parallel_for(jets.n(), threads, [&](size_t j) {
      if (control.cancelled()) return;
      thread_local ImageScratch s;
      size_t a = jets.begin(j);
      size_t d = jet_image(jets.pt.data + a, jets.y.data + a, jets.phi.data + a, mass ? mass + a : nullptr, jets.end(j) - a, o, s,
                           &control);
      float* dst = out.data + j * px;
      for (size_t k = 0; k < px; ++k) dst[k] = (float)s.img[k];
      dropped->fetch_add(d, std::memory_order_relaxed);
      control.add_done(1);
    }, 16, "jet");
    return "";
  };
  return run_async(info.Env(), opts.keep(), work, [dropped](Napi::Env env) { return Napi::Number::New(env, (double)dropped->load()); });
}
JETLENS_EXPORT_GUARDED("jssImages", JssImages);

}  // namespace jetlens
