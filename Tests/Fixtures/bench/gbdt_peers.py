"""Peers for `make bench-gbdt` (Tests/Fixtures/bench/gbdt.sh): scikit-learn's
HistGradientBoostingClassifier and LightGBM with the parameters FairPipe's
`gradient_boosting` uses (scikit-learn's defaults: learning_rate 0.1, 100 iterations,
31 leaves, min_samples_leaf 20, l2 0, 255 bins, early stopping off), on the same rows.

    python3 gbdt_peers.py synthetic PREFIX ROWS COLS SEED   # writes PREFIX.X (float64) and PREFIX.y
    python3 gbdt_peers.py fit PREFIX COLS sklearn|lightgbm THREADS
    python3 gbdt_peers.py adult DATASET_DIR THREADS          # make-dataset folder; test accuracy
    python3 gbdt_peers.py eg DATASET_DIR THREADS             # fairlearn EG + LightGBM, DP eps 0.01
    python3 gbdt_peers.py summary METRICS_JSON               # FairPipe's side: accuracy, DP difference

Peak memory is the resident high-water mark during the fit alone (reset through
/proc/self/clear_refs after loading, as fairpipe-bench does). Prints one line per fit.
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sklearn_model(threads, categorical=None):
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=100, max_leaf_nodes=31, min_samples_leaf=20, l2_regularization=0.0,
        max_bins=255, early_stopping=False, categorical_features=categorical, random_state=0)


def lightgbm_model(threads):
    import lightgbm
    # LightGBM's equivalents of scikit-learn's defaults: num_leaves 31, min_child_samples 20,
    # min_sum_hessian 1e-3, no bagging or feature fraction, 255 bins.
    return lightgbm.LGBMClassifier(
        learning_rate=0.1, n_estimators=100, num_leaves=31, min_child_samples=20, min_child_weight=1e-3,
        reg_lambda=0.0, max_bin=255, subsample=1.0, colsample_bytree=1.0, n_jobs=threads, verbose=-1,
        random_state=0, deterministic=True, force_row_wise=True)


def synthetic(prefix, rows, cols, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, cols))
    z = X[:, 0] + 0.5 * X[:, 1] * X[:, 2] - (X[:, 3] > 0.5) + 0.2 * X[:, 4:min(cols, 10)].sum(axis=1)
    y = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(np.uint8)
    X.astype("<f8").tofile(prefix + ".X")
    y.tofile(prefix + ".y")


def fit(prefix, cols, library, threads):
    y = np.fromfile(prefix + ".y", dtype=np.uint8)
    X = np.fromfile(prefix + ".X", dtype="<f8").reshape(len(y), cols)
    model = sklearn_model(threads) if library == "sklearn" else lightgbm_model(threads)
    reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(X, y)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_mib()
    p = np.clip(model.predict_proba(X)[:, 1], 1e-15, 1 - 1e-15)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    print(f"{library}.fit_{len(y)}x{cols}: seconds={seconds:.2f} cpu_seconds={cpu:.2f} threads={threads} "
          f"train_logloss={loss:.5f} peak_fit_mib={peak:.0f}", flush=True)


def load_split(folder, split):
    """A make-dataset split: numeric columns as floats, categoricals as integer codes of
    encoding.json's levels (native categorical splits in both libraries)."""
    import pandas as pd
    encoding = json.load(open(f"{folder}/encoding.json"))
    schema = json.load(open(f"{folder}/schema.json"))
    frame = pd.read_csv(f"{folder}/{split}.csv", dtype=str, keep_default_na=False)
    columns, categorical = {}, []
    for column in encoding["columns"]:
        values = frame[column["name"]]
        if column["type"] == "numeric":
            columns[column["name"]] = values.astype(float)
        else:
            codes = {level: i for i, level in enumerate(column["levels"])}
            columns[column["name"]] = values.map(codes).astype(float)
            categorical.append(column["name"])
    X = pd.DataFrame(columns)
    y = frame[schema["label"]].astype(int).to_numpy()
    sensitive = frame[schema["sensitive"]]
    return X, y, categorical, sensitive


def adult(folder, threads):
    X, y, categorical, _ = load_split(folder, "train")
    Xt, yt, _, _ = load_split(folder, "test")
    mask = [c in categorical for c in X.columns]
    for library in ("sklearn", "lightgbm"):
        model = sklearn_model(threads, categorical=mask) if library == "sklearn" else lightgbm_model(threads)
        kwargs = {} if library == "sklearn" else {"categorical_feature": categorical}
        start = time.perf_counter()
        model.fit(X, y, **kwargs)
        seconds = time.perf_counter() - start
        accuracy = np.mean(model.predict(Xt) == yt)
        print(f"{library}.adult: fit_seconds={seconds:.2f} threads={threads} test_accuracy={accuracy:.4f} "
              f"rows={len(y)}", flush=True)


def exponentiated_gradient(folder, threads):
    from fairlearn.metrics import demographic_parity_difference
    from fairlearn.reductions import DemographicParity, ExponentiatedGradient
    X, y, categorical, sensitive = load_split(folder, "train")
    Xt, yt, _, sensitive_test = load_split(folder, "test")
    for c in categorical:
        X[c], Xt[c] = X[c].astype("category"), Xt[c].astype("category")
    groups = sensitive.agg("&".join, axis=1).to_numpy()
    eg = ExponentiatedGradient(lightgbm_model(threads), DemographicParity(difference_bound=0.01),
                               eps=0.01, max_iter=50, eta0=2.0)
    start = time.perf_counter()
    eg.fit(X, y, sensitive_features=groups)
    seconds = time.perf_counter() - start
    decisions = eg.predict(Xt, random_state=0)
    accuracy = np.mean(decisions == yt)
    dp = {a: demographic_parity_difference(yt, decisions, sensitive_features=sensitive_test[a])
          for a in sensitive_test.columns}
    dp_text = " ".join(f"dp_difference@{a}={v:.4f}" for a, v in dp.items())
    print(f"fairlearn_eg_lightgbm.adult: fit_seconds={seconds:.2f} threads={threads} oracle_calls={eg.n_oracle_calls_} "
          f"test_accuracy={accuracy:.4f} {dp_text}", flush=True)


def summary(metrics):
    """test_accuracy and the demographic-parity difference per attribute of a metrics.json."""
    d = json.load(open(metrics))
    dp = " ".join(f"dp_difference@{a['name']}={a['disparities']['demographic_parity_difference']['value']:.4f}"
                  for a in d["attributes"] if "&" not in a["name"])
    print(f"test_accuracy={d['overall']['accuracy']['value']:.4f} {dp}")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "summary":
        summary(args[0])
    elif mode == "synthetic":
        synthetic(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif mode == "fit":
        fit(args[0], int(args[1]), args[2], int(args[3]))
    elif mode == "adult":
        adult(args[0], int(args[1]))
    elif mode == "eg":
        exponentiated_gradient(args[0], int(args[1]))
    else:
        sys.exit(f"gbdt_peers.py: unknown mode {mode}")
