// libFuzzer's entry point for a program with a main of its own (LLVM 13 and later); the
// library itself is linked by `-sanitize=fuzzer`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
