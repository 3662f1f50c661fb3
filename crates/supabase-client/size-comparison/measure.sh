#!/bin/sh
# What a PostgREST query layer adds to the browser download (ARCHITECTURE.md, crates/supabase-client).
# Builds each variant for wasm32 (opt-level z, LTO), runs wasm-bindgen and wasm-opt -Oz as trunk
# does, and prints raw / gzip -9 / brotli q11 sizes of the .wasm plus its JS glue. Each variant is
# its own workspace (not a member of ours), so the postgrest and reqwest crates never enter
# Cargo.lock. Run from the repository root: sh crates/supabase-client/size-comparison/measure.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/size-comparison}"
PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out="$CARGO_TARGET_DIR/out"
for variant in baseline with-thin with-postgrest; do
  (cd "$here/$variant" && cargo build --release --target wasm32-unknown-unknown -q)
  name=$(echo $variant | tr - _)
  mkdir -p "$out/$variant"
  wasm-bindgen --target web --out-dir "$out/$variant" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$name.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int -o "$out/$variant/opt.wasm" "$out/$variant/${name}_bg.wasm"
  node -e '
const fs = require("fs"), z = require("zlib");
const [variant, wasm, js] = process.argv.slice(1);
const size = (file) => { const b = fs.readFileSync(file); return [b.length, z.gzipSync(b, { level: 9 }).length,
  z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length]; };
const [a, b] = [size(wasm), size(js)];
console.log(variant.padEnd(16), "wasm+js raw", a[0] + b[0], "gzip", a[1] + b[1], "brotli", a[2] + b[2]);' \
    "$variant" "$out/$variant/opt.wasm" "$out/$variant/$name.js"
done
