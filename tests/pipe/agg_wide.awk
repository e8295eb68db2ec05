# agg_wide.awk - writes an aggregate (lt-aggregate(5)) with n endpoints,
# for the reading cap tests: awk -v n=50000 [-v secs=2] -f agg_wide.awk
# Endpoint i ("/w<i>", GET) has 2 requests of latency v = 100 + i % 100 us
# (one per second when secs=2, with a per-second "endpoints" object); the
# total and the timeline add up.  No seq members (a hand-made document).
function hist(v, c) {
	return sprintf("{\"count\":%d,\"min_us\":%d,\"max_us\":%d,\"sum_us\":%d,\"overflow\":0,\"counts\":[[%d,%d]]}", c, v, v, v * c, v, c)
}
BEGIN {
	if (secs == "") secs = 2
	t0 = 1764400000
	printf "{\"lt_aggregate\":1,\"lt_version\":\"0.1.0\",\n"
	printf "\"run\":{\"start\":%d.000000,\"end\":%d.000000,\"duration_s\":2.000000,\"runs\":1,\"max_users\":1,\"dropped\":0},\n", t0, t0 + 2
	printf "\"input\":{\"lines\":%d,\"events\":%d,\"rejected\":0,\"unknown\":0,\"other_endpoint_events\":0,\"rejects\":[]},\n", 2 * n, 2 * n
	printf "\"endpoints\":[\n"
	for (i = 0; i < n; i++) {
		v = 100 + i % 100
		printf "%s{\"method\":\"GET\",\"name\":\"/w%d\",\"requests\":2,\"failures\":0,\"bytes\":20,\"status\":{\"200\":2},\"first_ts\":%d.100000,\"last_ts\":%d.100000,\"hist\":%s}\n", i ? "," : "", i, t0, t0 + 1, hist(v, 2)
	}
	printf "],\n\"total\":{\"method\":\"\",\"name\":\"Aggregated\",\"requests\":%d,\"failures\":0,\"bytes\":%d,\"status\":{\"200\":%d},", 2 * n, 20 * n, 2 * n
	tc = ""; sum = 0
	for (v = 100; v < 200; v++) {
		c = 0
		for (i = v - 100; i < n; i += 100) c += 2
		if (c) { tc = tc (tc == "" ? "" : ",") sprintf("[%d,%d]", v, c); sum += v * c; mx = v }
	}
	printf "\"hist\":{\"count\":%d,\"min_us\":100,\"max_us\":%d,\"sum_us\":%d,\"overflow\":0,\"counts\":[%s]}},\n", 2 * n, mx, sum, tc
	printf "\"timeline\":[\n"
	for (s = 0; s < secs; s++) {
		printf "%s{\"t\":%d,\"users\":1,\"requests\":%d,\"failures\":0,\"endpoints\":{", s ? "," : "", t0 + s, n
		for (i = 0; i < n; i++) {
			v = 100 + i % 100
			printf "%s\"GET /w%d\":{\"method\":\"GET\",\"name\":\"/w%d\",\"requests\":1,\"failures\":0,\"hist\":%s}", i ? "," : "", i, i, hist(v, 1)
		}
		printf "}}\n"
	}
	printf "],\n\"failures\":[]}\n"
}
