/*
 * The fuzz targets' one entry point, as libFuzzer calls it. `make fuzz` links each target with
 * libFuzzer (clang); tests/fuzz/replay.c is the main() that `make test` uses instead, to run the
 * committed corpus (tests/fuzz/corpus/<target>/) under AddressSanitizer and UBSan.
 */
#ifndef HB_FUZZ_H
#define HB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
