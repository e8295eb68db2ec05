#!/bin/sh
# gen-users.sh - an executable scenario: lt-run runs it and parses what it
# prints, so loops, environment variables and here-documents can write
# scenarios.  LT_SHARDS user classes (default 3), class i weighing i and
# reading its own slice of /items.
#
#   LT_SHARDS=5 lt-run -f scenarios/gen-users.sh -u 20 -t 10s -H http://127.0.0.1:8080
set -eu
n=${LT_SHARDS:-3}
echo "host http://127.0.0.1:8080"
echo "wait between 0.1 0.3"
i=1
while [ "$i" -le "$n" ]; do
	lo=$((i * 100))
	hi=$((lo + 99))
	cat <<SCENARIO

user Shard$i weight $i
  task 3 GET /items/\${random $lo $hi} name /items/shard$i
    expect json .id exists
  task 1 GET /delay?ms=$((i * 5)) name /delay/shard$i
SCENARIO
	i=$((i + 1))
done
