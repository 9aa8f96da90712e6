#ifndef BULWARK_CFUZZDRIVER_H
#define BULWARK_CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs that have their own `main` (compiler-rt's FuzzerInterface.h).
/// SwiftPM names the entry point of an executable target `<Target>_main` and links it as `main`, so
/// each fuzz target defines that function and hands over to libFuzzer here.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
