/*
 * testfile.h - writing small fixture files from the C unit tests (the
 * scenario, shape and template tests read files a test writes into its
 * temporary directory).  Header-only, as tap.h.
 */
#ifndef LT_TESTFILE_H
#define LT_TESTFILE_H

#include <stdio.h>
#include <sys/stat.h>

/*
 * Writes text to dir/name, then sets its mode unless mode is -1.  A file
 * that cannot be written is left for the test's own check to notice.
 */
static inline void
test_write_file(const char *dir, const char *name, const char *text, int mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	if (mode != -1)
		chmod(path, (mode_t)mode);
}

#endif
