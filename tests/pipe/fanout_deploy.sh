#!/usr/bin/env bash
# fanout_deploy.sh - the deployment files in contrib/fanout/ hold together:
# the Kubernetes YAML (parsed with python3's yaml) has the coordinator Job
# behind a Service on the port it listens on, the workers as an Indexed
# Job whose completions and parallelism equal --expect-workers and --of,
# and the run token from a Secret on both sides; the ssh launcher's -n
# refuses bad input like a real run.  (Its command lines are the golden
# case tests/golden/fanout-ssh-dryrun.)
. "$(dirname "$0")/../lib.sh"

K8S=$LT_TOP/contrib/fanout/k8s/lt-fanout.yaml
SSH=$LT_TOP/contrib/fanout/lt-fanout-ssh

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "the Kubernetes YAML holds together" "no python3 yaml (python3-yaml)"
else
	python3 - "$K8S" >"$TMP/k8s.out" 2>&1 <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = sorted((d["kind"], d["metadata"]["name"]) for d in docs)
print("kinds", kinds)
by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
svc = by[("Service", "lt-fanout")]
coord = by[("Job", "lt-fanout-coordinator")]
work = by[("Job", "lt-fanout-workers")]
port = svc["spec"]["ports"][0]["targetPort"]
print("service selects the coordinator",
      svc["spec"]["selector"] == coord["spec"]["template"]["metadata"]["labels"])
cc = coord["spec"]["template"]["spec"]["containers"][0]
line = " ".join(cc["args"]).split()
print("coordinator listens on the service port",
      "tcp://0.0.0.0:%d" % port in line, port in [p["containerPort"] for p in cc["ports"]])
n = int(line[line.index("--expect-workers") + 1])
ws = work["spec"]
print("workers Indexed", ws.get("completionMode"))
print("completions parallelism expect", ws["completions"], ws["parallelism"], n)
wc = ws["template"]["spec"]["containers"][0]
cmd = wc["command"]
print("worker command", cmd[:2], cmd[cmd.index("--connect") + 1],
      int(cmd[cmd.index("--of") + 1]) == n, "--index" in cmd)
print("service url", "tcp://%s:%d" % (svc["metadata"]["name"], svc["spec"]["ports"][0]["port"]))
def token(c):
    for e in c.get("env", []):
        if e["name"] == "LT_FANOUT_TOKEN":
            r = e["valueFrom"]["secretKeyRef"]
            return "secret %s/%s" % (r["name"], r["key"])
    return "none"
print("token", token(cc), token(wc))
print("scenario", by[("ConfigMap", "lt-fanout-scenario")]["data"].keys() and
      "/scenario/shop.lt" in line)
PY
	check_eq "the YAML parses" "$?" 0
	sed 's/^/# /' "$TMP/k8s.out"
	got() { grep "^$1" "$TMP/k8s.out"; }
	check_eq "a ConfigMap, a Service and two Jobs" "$(got kinds)" \
	    "kinds [('ConfigMap', 'lt-fanout-scenario'), ('Job', 'lt-fanout-coordinator'), ('Job', 'lt-fanout-workers'), ('Service', 'lt-fanout')]"
	check_eq "the Service selects the coordinator's pod" \
	    "$(got 'service selects')" "service selects the coordinator True"
	check_eq "the coordinator listens on the Service's target port" \
	    "$(got 'coordinator listens')" "coordinator listens on the service port True True"
	check_eq "the workers are an Indexed Job" "$(got 'workers Indexed')" \
	    "workers Indexed Indexed"
	check_eq "completions = parallelism = --expect-workers" \
	    "$(got completions)" "completions parallelism expect 4 4 4"
	check_eq "workers connect to the Service with --of = --expect-workers, index from the Job" \
	    "$(got 'worker command')" \
	    "worker command ['lt-fanout', 'worker'] tcp://lt-fanout:5557 True False"
	check_eq "the Service's URL is what the workers connect to" \
	    "$(got 'service url')" "service url tcp://lt-fanout:5557"
	check_eq "both sides take the token from the Secret" "$(got token)" \
	    "token secret lt-fanout-token/token secret lt-fanout-token/token"
	check_eq "the coordinator runs the ConfigMap's scenario" \
	    "$(got scenario)" "scenario True"
fi

# The YAML's worker options are lt-fanout worker's: they parse, and the
# index then comes from JOB_COMPLETION_INDEX (refused here, so nothing
# connects).
JOB_COMPLETION_INDEX=x lt-fanout worker --connect tcp://127.0.0.1:1 --of 4 \
    2>"$TMP/e"
check_eq "lt-fanout worker takes the YAML's options: usage error only for the index" \
    "$?:$(cat "$TMP/e")" \
    "2:lt-fanout: bad JOB_COMPLETION_INDEX 'x' (see lt-fanout --help)"

# ssh launcher, -n: bad input is refused as in a real run, nothing started.
printf 'localhost two\n' >"$TMP/bad"
bash "$SSH" -n -f "$TMP/bad" -c tcp://127.0.0.1:5557 >"$TMP/o" 2>"$TMP/e"
check_eq "-n: a bad count is a usage error" "$?" 2
check "-n: ... naming it" grep -q "bad count 'two'" "$TMP/e"
printf '# none\n\n' >"$TMP/none"
bash "$SSH" -n -f "$TMP/none" -c tcp://127.0.0.1:5557 >"$TMP/o" 2>"$TMP/e"
check_eq "-n: no workers is a usage error" "$?" 2
bash "$SSH" -n -f "$TMP/hosts-missing" -c tcp://127.0.0.1:5557 2>"$TMP/e"
check_eq "-n: an unreadable hosts file is a usage error" "$?" 2
printf '127.0.0.1 3\n' >"$TMP/h"
check_eq "-n: one line per worker" \
    "$(bash "$SSH" -n -f "$TMP/h" -c tcp://127.0.0.1:5557 | grep -c '^ssh ')" 3
check_eq "-n: leaves no temporary directory" \
    "$(TMPDIR=$TMP bash "$SSH" -n -f "$TMP/h" -c tcp://127.0.0.1:5557 >/dev/null; ls -d "$TMP"/lt-fanout-ssh.* 2>/dev/null | wc -l)" 0

done_testing
