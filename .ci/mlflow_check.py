#!/usr/bin/env python3
"""Checks, through MLflow's REST API only (Python standard library), what FairPipe logged.

Called by .ci/mlflow.sh. Independent of FairPipe's Swift code: it re-derives the expected
metric names and values from each run's metrics.json files and compares them exactly with
what the server holds; downloads every artifact back and compares SHA-256 with the local
file; checks params, tags, FINISHED status, the sweep's parent/child links; and with
--save / --same-as, that a rerun created, deleted or changed no run.
With --peer-log (run under the venv's python) it times the Python mlflow client logging the
same content, the peer figure for FairPipe's logging overhead.
"""
import argparse, glob, hashlib, json, os, re, sys, time, urllib.error, urllib.parse, urllib.request

def fail(message):
    print(f"mlflow-check: FAILED: {message}")
    sys.exit(1)

class Server:
    def __init__(self, uri):
        self.uri = uri.rstrip("/")

    def call(self, method, endpoint, body=None, query=None):
        url = f"{self.uri}/api/2.0/mlflow/{endpoint}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            fail(f"{method} {endpoint}: HTTP {error.code}: {error.read()[:300]!r}")

    def experiment_id(self, name):
        return self.call("GET", "experiments/get-by-name", query={"experiment_name": name})["experiment"]["experiment_id"]

    def runs(self, experiment_id, view="ACTIVE_ONLY"):
        runs, token = [], None
        while True:
            body = {"experiment_ids": [experiment_id], "run_view_type": view, "max_results": 1000}
            if token:
                body["page_token"] = token
            answer = self.call("POST", "runs/search", body)
            runs += answer.get("runs", [])
            token = answer.get("next_page_token")
            if not token:
                return runs

    def artifact_paths(self, run_id, path=""):
        answer = self.call("GET", "artifacts/list", query={"run_id": run_id, "path": path} if path else {"run_id": run_id})
        paths = []
        for item in answer.get("files", []):
            paths += self.artifact_paths(run_id, item["path"]) if item.get("is_dir") else [item["path"]]
        return paths

    def download(self, artifact_uri, path):
        location = artifact_uri.split("mlflow-artifacts:", 1)[1].lstrip("/")
        url = f"{self.uri}/api/2.0/mlflow-artifacts/artifacts/{urllib.parse.quote(location + '/' + path)}"
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()

def tags(run):
    return {t["key"]: t["value"] for t in run.get("data", {}).get("tags", [])}

def params(run):
    return {p["key"]: p["value"] for p in run.get("data", {}).get("params", [])}

def metrics(run):
    return {m["key"]: m["value"] for m in run.get("data", {}).get("metrics", [])}

def mlflow_name(text):
    parts = []
    for part in text.split("/"):
        cleaned = "".join(c if (c.isalnum() or c in "_-. ") else "_" for c in part)
        parts.append("_" if cleaned in ("", ".", "..") else cleaned)
    return "/".join(parts)

def expected_metrics(run_folder):
    """The metric names and values the README documents, from metrics.json."""
    expected = {}
    for folder, prefix in (("evaluation", "before"), ("evaluation-mitigated", "after")):
        path = os.path.join(run_folder, folder, "metrics.json")
        if not os.path.exists(path):
            continue
        report = json.load(open(path))
        def add(name, value, ci=None):
            if value is None:
                return
            expected[mlflow_name(f"{prefix}/{name}")] = float(value)
            if ci and len(ci) == 2 and None not in ci:
                expected[mlflow_name(f"{prefix}/{name}.ci_low")] = float(ci[0])
                expected[mlflow_name(f"{prefix}/{name}.ci_high")] = float(ci[1])
        add("n", report["n"])
        for name, metric in report["overall"].items():
            add(f"overall.{name}", metric["value"], metric.get("ci"))
        for attribute in report["attributes"]:
            for group in attribute["groups"]:
                base = f"group.{attribute['name']}.{group['group']}"
                add(f"{base}.n", group["n"])
                for name, metric in group["metrics"].items():
                    add(f"{base}.{name}", metric["value"], metric.get("ci"))
            for name, disparity in attribute["disparities"].items():
                add(f"disparity.{attribute['name']}.{name}", disparity["value"], disparity.get("ci"))
            for comparison in attribute["vs_reference"]:
                for name, metric in comparison.items():
                    if isinstance(metric, dict):
                        add(f"vs_reference.{attribute['name']}.{comparison['group']}.{name}", metric["value"], metric.get("ci"))
        for gate in report["gates"]:
            add(f"gate.{gate['gate']}", 1 if gate["passed"] else 0)
        add("gates_passed", 1 if report["passed"] else 0)
    return expected

def expected_artifacts(run_folder):
    paths = []
    for folder in ("dataset", "model", "evaluation", "mitigation", "evaluation-mitigated", "explain", "report"):
        manifest_path = os.path.join(run_folder, folder, "manifest.json")
        if not os.path.exists(manifest_path):
            continue
        paths.append(f"{folder}/manifest.json")
        for output in json.load(open(manifest_path))["outputs"]:
            name = os.path.basename(output["path"])
            keep = {"model": name == "model.json", "evaluation": name == "metrics.json",
                    "evaluation-mitigated": name == "metrics.json", "report": name == "report.html",
                    "mitigation": not name.endswith(".csv") or name == "sample_weights.csv",
                    "explain": name in ("explanations.json", "recommendations.json")}.get(folder, False)
            if keep:
                paths.append(f"{folder}/{name}")
    return sorted(paths)

def check_run(server, run, run_folder, what):
    info = run["info"]
    if info["status"] != "FINISHED":
        fail(f"{what}: status {info['status']}")
    got, want = metrics(run), expected_metrics(run_folder)
    if set(got) != set(want):
        fail(f"{what}: metric names differ: missing {sorted(set(want) - set(got))[:5]}, extra {sorted(set(got) - set(want))[:5]}")
    for key, value in want.items():
        if got[key] != value:
            fail(f"{what}: metric {key} = {got[key]!r}, metrics.json says {value!r}")
    listed = sorted(server.artifact_paths(info["run_id"]))
    want_artifacts = expected_artifacts(run_folder)
    if listed != want_artifacts:
        fail(f"{what}: artifacts {listed} != expected {want_artifacts}")
    for path in want_artifacts:
        local = hashlib.sha256(open(os.path.join(run_folder, path), "rb").read()).hexdigest()
        remote = hashlib.sha256(server.download(info["artifact_uri"], path)).hexdigest()
        if local != remote:
            fail(f"{what}: artifact {path}: SHA-256 {remote} on the server, {local} on disk")
    manifest = json.load(open(os.path.join(run_folder, "report", "manifest.json")))
    t = tags(run)
    for key in ("fairpipe.run_key", "fairpipe.config_sha256"):
        if not re.fullmatch(r"[0-9a-f]{64}", t.get(key, "")):
            fail(f"{what}: tag {key} = {t.get(key)!r}")
    if t.get("fairpipe.seed") != str(manifest["seed"]) or t.get("fairpipe.version") != manifest["tool_version"]:
        fail(f"{what}: seed/version tags {t.get('fairpipe.seed')}/{t.get('fairpipe.version')}")
    if t.get("fairpipe.git_dirty") not in ("true", "false"):
        fail(f"{what}: dirty tag {t.get('fairpipe.git_dirty')!r}")
    return len(got), len(params(run)), len(listed)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri", required=True)
    parser.add_argument("--experiment", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--sweep")
    parser.add_argument("--commit")
    parser.add_argument("--save")
    parser.add_argument("--same-as")
    parser.add_argument("--peer-log", action="store_true")
    args = parser.parse_args()
    server = Server(args.uri)
    if args.peer_log:
        return peer_log(server, args)
    experiment = server.experiment_id(args.experiment)
    runs = server.runs(experiment)

    # The single run: neither a sweep parent nor a child.
    singles = [r for r in runs if "mlflow.parentRunId" not in tags(r) and "fairpipe.sweep" not in tags(r)]
    if len(singles) != 1:
        fail(f"expected exactly one stand-alone run, found {len(singles)}")
    single = singles[0]
    n_metrics, n_params, n_artifacts = check_run(server, single, args.run, "make all run")
    p, t = params(single), tags(single)
    for key, value in {"experiment.name": "ci", "experiment.seed": "7", "mitigation.method": "group_thresholds",
                       "fairness.bootstrap.samples": "200", "fairness.min_group_size": "30"}.items():
        if p.get(key) != value:
            fail(f"param {key} = {p.get(key)!r}, expected {value!r}")
    if any(k.startswith("tracking.") for k in p):
        fail("tracking settings were logged as params")
    if args.commit and t.get("mlflow.source.git.commit") != args.commit:
        fail(f"mlflow.source.git.commit = {t.get('mlflow.source.git.commit')!r}, HEAD is {args.commit}")
    if t.get("mlflow.runName") != "ci · group_thresholds":
        fail(f"mlflow.runName = {t.get('mlflow.runName')!r}")
    print(f"mlflow-check: run {single['info']['run_id']}: {n_params} params, {n_metrics} metrics equal to metrics.json, "
          f"{n_artifacts} artifacts byte-identical, tags ok, FINISHED")

    if args.sweep:
        plan = json.load(open(os.path.join(args.sweep, "plan.json")))
        parents = [r for r in runs if tags(r).get("fairpipe.sweep") == plan["name"]]
        if len(parents) != 1:
            fail(f"expected one parent run for sweep {plan['name']}, found {len(parents)}")
        parent = parents[0]
        if parent["info"]["status"] != "FINISHED" or params(parent).get("sweep.runs") != str(len(plan["runs"])):
            fail(f"sweep parent: status {parent['info']['status']}, params {params(parent)}")
        children = [r for r in runs if tags(r).get("mlflow.parentRunId") == parent["info"]["run_id"]]
        by_name = {tags(c)["mlflow.runName"]: c for c in children}
        if len(children) != len(plan["runs"]) or set(by_name) != {r["label"] for r in plan["runs"]}:
            fail(f"sweep children {sorted(by_name)} != plan labels {[r['label'] for r in plan['runs']]}")
        for planned in plan["runs"]:
            check_run(server, by_name[planned["label"]], planned["folder"], f"sweep child {planned['label']}")
        print(f"mlflow-check: sweep {plan['name']}: parent {parent['info']['run_id']} with {len(children)} children "
              f"(mlflow.parentRunId), each checked like the run above")

    state = sorted((r["info"]["run_id"], r["info"]["status"], len(metrics(r)), len(params(r))) for r in server.runs(experiment, "ALL"))
    if args.save:
        json.dump(state, open(args.save, "w"))
    if args.same_as:
        saved = [tuple(s) for s in json.load(open(args.same_as))]
        if saved != state:
            fail(f"the rerun changed the experiment: {len(saved)} runs before, {len(state)} after")
        print(f"mlflow-check: rerun added nothing ({len(state)} runs, same ids, statuses and counts)")

def peer_log(server, args):
    """The Python mlflow client logging the same content as FairPipe's run (the peer figure)."""
    source = [r for r in server.runs(server.experiment_id("fairpipe-ci"))
              if "mlflow.parentRunId" not in tags(r) and "fairpipe.sweep" not in tags(r)][0]
    p, m, t = params(source), metrics(source), tags(source)
    started = time.perf_counter()
    import mlflow
    from mlflow.entities import Metric, Param, RunTag
    imported = time.perf_counter()
    client = mlflow.MlflowClient(args.uri)
    experiment = client.get_experiment_by_name(args.experiment) or client.get_experiment(client.create_experiment(args.experiment))
    run = client.create_run(experiment.experiment_id, run_name=t["mlflow.runName"],
                            tags={k: v for k, v in t.items() if k != "fairpipe.run_key"})
    stamp = int(time.time() * 1000)
    client.log_batch(run.info.run_id, metrics=[Metric(k, v, stamp, 0) for k, v in m.items()],
                     params=[Param(k, v) for k, v in p.items()], tags=[])
    for path in expected_artifacts(args.run):
        client.log_artifact(run.info.run_id, os.path.join(args.run, path), artifact_path=os.path.dirname(path))
    client.set_terminated(run.info.run_id)
    done = time.perf_counter()
    print(f"mlflow: peer (Python mlflow client, same {len(p)} params, {len(m)} metrics, {len(expected_artifacts(args.run))} artifacts): "
          f"{done - imported:.2f} s logging + {imported - started:.2f} s import mlflow = {done - started:.2f} s")

if __name__ == "__main__":
    main()
