// Test-only: the echo function with verify_jwt = false (e2e/functions/config.toml).
import "../echo/index.ts";
