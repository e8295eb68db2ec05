/*
 * fuzz.h - the libFuzzer entry point every tests/fuzz/fuzz_NAME.c defines.
 *
 * Built with clang -fsanitize=fuzzer by tests/fuzz/run.sh, or linked with
 * tests/fuzz/replay.c as build/tests/fuzz_NAME_test, a plain test that
 * replays tests/fuzz/corpus/NAME/ (see replay.c).
 */
#ifndef LT_FUZZ_H
#define LT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0.  Aborts on a detected inconsistency. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
