"""Bundles: what scientists hand over, checked and opened, and the model's scores kept on disk.

- `contract`: `bundle.yaml` field by field (`parse_manifest`, `BundleSpec`, `OperatingPoint`, `BundleError`);
- `bundle`: finding, verifying and opening bundles (`discover`, `load_bundle`, `Bundle`, `read_spec`);
- `scoring`: predictions for every evaluation row, computed once and cached by content hash;
- `stored`: arrays on disk, written in one step and read within size and shape limits;
- `native`: a library's own model objects (LightGBM and XGBoost Boosters, CatBoost core models)
  made to answer like scikit-learn, and objects that cannot score refused with the way out;
- `cluster`: the Dask path (the same chunks scored and explained on a cluster's workers);
- `memory`: large freed blocks handed back to the system at once.

Other wings use: `contract.{BundleSpec, OperatingPoint, BundleError, describe, Tolerance, Business}`,
`bundle.{Bundle, load_bundle, read_spec, discover, artifacts_root, file_sha256, class_index}`,
`scoring.{scores, compute_scores, cache_dir, truth_index}` and `stored.{read_arrays, write_arrays}`.
"""
