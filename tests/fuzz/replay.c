/*
 * Runs a fuzz target over files, without libFuzzer:
 *
 *     replay FILE_OR_DIR...
 *
 * Each file is one input. Prints "replayed N inputs"; a crash or a sanitizer report ends it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t n_inputs;

static void
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, alloc = 0, n;

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	do {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			data = realloc(data, alloc);
		}
		n = fread(data + len, 1, alloc - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	n_inputs++;
}

static void
replay(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;

	if (stat(path, &st) != 0) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		exit(2);
	}
	while ((de = readdir(dir)) != NULL) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		sub = malloc(strlen(path) + strlen(de->d_name) + 2);
		sprintf(sub, "%s/%s", path, de->d_name);
		replay(sub);
		free(sub);
	}
	closedir(dir);
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		replay(argv[i]);
	printf("replayed %zu inputs\n", n_inputs);
	return 0;
}
