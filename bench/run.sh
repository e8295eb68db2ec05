#!/bin/sh
# bench/run.sh - runs every benchmark script in bench/ (make bench).
#
# Each bench/*.sh (but lib.sh, their shared helpers) prints its own table
# with ratios against its peers (wrk, hey, nginx, jq, Locust).  Absolute numbers on a shared machine are
# noise; the ratios, measured side by side in one run, are the result.
# BENCH=name limits the run to scripts whose name contains it.
# bench/soak.sh (lt-run's RSS and open files over a steady run) takes 10
# minutes: SOAK_SECONDS=60 shortens it, BENCH=soak runs it alone.
set -u
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh --test --bench || exit 3
rc=0
for b in bench/*.sh; do
	case $b in bench/run.sh | bench/lib.sh) continue ;; esac
	case $b in *"${BENCH:-}"*) ;; *) continue ;; esac
	echo "== $b"
	bash "$b" || { echo "bench: $b failed" >&2; rc=1; }
	echo
done
exit $rc
