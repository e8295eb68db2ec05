/*
 * runopts.h - what one lt-run run is asked to do (struct lt_run_opts),
 * filled by lt-run's main and read by the runner (runner.h) and by every
 * shard (shard.h).  A header of its own so that the runner's private
 * state can see the options without including runner.h back.
 */
#ifndef LT_RUNOPTS_H
#define LT_RUNOPTS_H

#include <stdint.h>

enum lt_arrival { LT_ARRIVAL_CONSTANT, LT_ARRIVAL_POISSON };

struct lt_run_opts {
	const char *scenario_path; /* for events and messages */
	const char *host;          /* NULL: the scenario's host */
	long users;                /* -u; 0: 1 */
	double spawn_rate;         /* -r; 0: 1 */
	double run_time_s;         /* -t; 0: until stopped */
	double rate;               /* --rate; 0: closed model */
	enum lt_arrival arrival;
	const char *shape; /* --shape FILE|CMD, NULL: none */
	double stop_timeout_s;
	long iterations; /* -i; 0: unlimited; -1: none (empty segment) */
	uint64_t seed;
	int jobs;                 /* -j: event loops, one per thread */
	int seg_index, seg_count; /* --segment I/N (segment.h); 0/0: whole */
	int http2;
	int insecure;
	double timeout_s; /* default per-request timeout */
	int out_fd;       /* events go here */
	const char *tags; /* comma-separated, NULL: all */
	const char *exclude_tags;
	const char *username; /* HTTP auth taken out of the host URL */
	const char *password;
	/* Called on the main thread with one warning line (no newline, no
	 * program name), e.g. a shape line ignored; may be NULL. */
	void (*warn)(const char *msg, void *arg);
	void *warn_arg;
};

#endif
