#!/bin/sh
# sine.sh - a load that swings like a daily cycle, as a command shape:
# lt-run starts it and applies each line as it is printed (Locust's
# LoadShape.tick() as a shell script).
#
#   sine.sh [PERIOD_S [MIN [MAX [DURATION_S [STEP_S]]]]]
#   lt-run -f scenarios/shop.lt --shape 'scenarios/shapes/sine.sh 60 5 50 180'
#
# Defaults: a 60 s period between 5 and 50 users for 3 minutes, a new
# target every second.  A daily cycle compressed into an hour:
#   sine.sh 3600 10 500 86400 60
set -eu
period=${1:-60}
min=${2:-5}
max=${3:-50}
duration=${4:-180}
step=${5:-1}
awk -v p="$period" -v lo="$min" -v hi="$max" -v d="$duration" -v s="$step" '
BEGIN {
	pi = atan2(0, -1)
	for (t = 0; t < d; t += s) {
		u = lo + (hi - lo) * (1 - cos(2 * pi * t / p)) / 2
		# untimed lines apply on arrival: print one, then wait
		printf "%d %d\n", u + 0.5, (hi - lo) / 2 + 1
		fflush()
		system("sleep " s)
	}
	print "end"
}'
