// Test-only: fails while loading, to exercise the stand-in's boot-error answer (503).
throw new Error("this function fails to boot on purpose");
