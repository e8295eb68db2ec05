# agg_gen.awk - deterministic lt event generator for the lt-agg tests.
#
# awk -v n=1000 -v seed=1 -v eps=5 -v t0=1764400000 -v rate=200 \
#     [-v wait=1] [-v users=1] [-v sent=1|2] -f agg_gen.awk
# Writes a run start, users ramps, n req events (rate per second, names
# /e0../eN with GET/POST, ~5% failures of three kinds, log-ish latencies),
# drop events when wait=1, and a run end.  sent=1: every req has
# bytes_sent (not drawn from rand(), so the rest stays as without it);
# sent=2: every other one.  Same arguments, same output.
function ts(x) { return sprintf("%.6f", x) }
function lat() {
	r = rand()
	if (r < 0.9) return 0.5 + rand() * 20
	if (r < 0.99) return 20 + rand() * 300
	return 300 + rand() * 3000
}
BEGIN {
	srand(seed + 0)
	if (rate == "") rate = 200
	if (eps == "") eps = 5
	if (t0 == "") t0 = 1764400000
	printf "{\"type\":\"run\",\"ts\":%s,\"phase\":\"start\",\"lt_version\":\"0.1.0\",\"host\":\"http://127.0.0.1:1\",\"scenario\":\"gen.lt\",\"options\":{\"users\":10,\"spawn_rate\":2.5}}\n", ts(t0)
	u = 0
	for (i = 0; i < n; i++) {
		t = t0 + 0.001 + i / rate
		if (users && i % int(rate / 2 + 1) == 0 && u < 10) {
			u++
			printf "{\"type\":\"users\",\"ts\":%s,\"count\":%d,\"classes\":{\"B\":%d}}\n", ts(t), u, u
		}
		e = int(rand() * eps)
		m = (e % 3 == 2) ? "POST" : "GET"
		l = lat()
		st = 200; ok = "true"; err = "null"
		f = rand()
		if (f < 0.03) { st = 500; ok = "false"; err = "\"http: 500 Internal Server Error\"" }
		else if (f < 0.04) { st = 0; ok = "false"; err = "\"connect: connection refused\"" }
		else if (f < 0.05) { st = 200; ok = "false"; err = "\"check: body lacks price\"" }
		w = ""
		if (wait) {
			wv = (rand() < 0.9) ? 0 : rand() * 50
			w = sprintf(",\"wait_ms\":%.3f", wv)
		}
		if (sent == 1 || (sent == 2 && i % 2 == 0))
			w = w sprintf(",\"bytes_sent\":%d", 60 + (i * 37) % 900)
		printf "{\"type\":\"req\",\"ts\":%s,\"name\":\"/e%d\",\"method\":\"%s\",\"url\":\"http://127.0.0.1:1/e%d\",\"status\":%d,\"ok\":%s,\"error\":%s,\"latency_ms\":%.3f,\"ttfb_ms\":%.3f,\"connect_ms\":0.000,\"bytes\":%d,\"user\":%d,\"class\":\"B\"%s}\n", ts(t), e, m, e, st, ok, err, l, l * 0.9, int(100 + rand() * 900), i % 10, w
		if (wait && i % rate == 0 && i > 0)
			printf "{\"type\":\"drop\",\"ts\":%s,\"count\":%d}\n", ts(t), 1 + i % 3
	}
	printf "{\"type\":\"run\",\"ts\":%s,\"phase\":\"end\",\"reason\":\"time\",\"requests\":%d}\n", ts(t0 + n / rate + 0.5), n
}
