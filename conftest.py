"""Before anything is imported: one thread per test process for NumPy, OpenMP and BLAS.

The suite runs in several processes at once (pytest-xdist), each with its own Streamlit server;
libraries that start a thread per core (LightGBM, XGBoost, scikit-learn's histogram boosting,
OpenBLAS) would then fight over the cores and spin while waiting. The test processes and the
servers they start inherit these settings.
"""

import os

for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(name, "1")
