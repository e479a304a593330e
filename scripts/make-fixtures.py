"""Writes the small numpy fixtures the I/O tests read (run: python3 scripts/make-fixtures.py)."""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)

# EnergyFlow quark/gluon layout: X (N, M, 4) float64 columns pt, y, phi, pid; zero-padded; y labels.
N, M = 5, 4
X = np.zeros((N, M, 4))
mult = [4, 2, 3, 1, 3]
for j, m in enumerate(mult):
    X[j, :m, 0] = rng.uniform(1, 100, m)
    X[j, :m, 1] = rng.normal(0.5, 0.3, m)
    X[j, :m, 2] = rng.normal(3.0, 0.3, m)
    X[j, :m, 3] = rng.choice([22.0, 211.0, -211.0], m)
y = np.array([1, 0, 1, 0, 1], dtype=np.float64)
np.savez_compressed(os.path.join(out, 'qg_small.npz'), X=X, y=y)
np.savez(os.path.join(out, 'qg_small_stored_f32.npz'), X=X.astype(np.float32), y=y.astype(np.int64))
np.save(os.path.join(out, 'qg_small_X.npy'), X)
np.save(os.path.join(out, 'fortran_f8.npy'), np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)))
np.save(os.path.join(out, 'bigendian_f8.npy'), np.arange(6, dtype='>f8').reshape(2, 3))
np.save(os.path.join(out, 'labels_bool.npy'), np.array([True, False, True]))
np.save(os.path.join(out, 'labels_i8.npy'), np.array([1, 0, 1], dtype=np.int64))
np.save(os.path.join(out, 'strings.npy'), np.array(['a', 'b']))

# The same arrays with zip64 records everywhere (central-directory extra fields and the zip64 end record), as numpy
# writes for members or archives past 4 GiB; the limits are lowered so that a small file takes that path.
import io
import zipfile


def savez_zip64(path, **arrays):
    saved = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 64, 1
    try:
        with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, allowZip64=True) as z:
            for name, a in arrays.items():
                buf = io.BytesIO()
                np.save(buf, a)
                z.writestr(name + '.npy', buf.getvalue())
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved


savez_zip64(os.path.join(out, 'qg_small_zip64.npz'), X=X, y=y)
