// The Wasm half of `cargo xtask bench-edge`: the edge worker under Deno on the generated
// corpus, called exactly as the `analyze` function calls it, timed in process CPU time. Prints
// one JSON object shaped like crates/edge-worker/examples/native_bench.rs's, plus the CPU of a
// whole batch call's engine side (rows → JSON → Wasm → JSON → rows).
//
// deno run --allow-read --allow-env e2e/edge/bench.ts <corpus dir> <batch size> [passes]

import process from "node:process";
import * as worker from "../../supabase/functions/_shared/engine/edge_worker.js";

const [dir, batchArg = "25", passesArg = "3"] = Deno.args;
if (!dir) {
  console.error("usage: bench.ts <corpus dir> <batch size> [passes]");
  Deno.exit(2);
}
const batchSize = Math.max(1, Number(batchArg));
const passes = Math.max(1, Number(passesArg));

/** Process CPU time (user + system) in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const names = [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) => !name.endsWith(".csv")).sort();
const files = names.map((name) => ({ name, bytes: Deno.readFileSync(`${dir}/${name}`) }));
const bytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
const client = { name: "Brightside Dental", offer: "clear aligners" };

function unwrap(text: string) {
  const envelope = JSON.parse(text);
  if (!envelope.ok) throw new Error(`${envelope.error.kind}: ${envelope.error.message}`);
  return envelope.value;
}

let best: Record<string, unknown> | undefined;
for (let pass = 0; pass < passes; pass++) {
  let started = cpuMs();
  const rows = files.map((file, index) => {
    const parsed = unwrap(worker.parse(file.name, file.bytes, "{}"));
    return {
      id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
      file_name: file.name,
      canonical: parsed.transcript,
    };
  });
  const parseMs = cpuMs() - started;
  // As PostgREST would send them: the batch's rows as JSON text, parsed by supabase-js.
  const batches = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(JSON.stringify(rows.slice(i, i + batchSize)));

  const batchMs: number[] = [];
  const callMs: number[] = [];
  const partials = [];
  for (const text of batches) {
    const callStarted = cpuMs();
    const transcripts = JSON.parse(text);
    const input = JSON.stringify({ client, transcripts });
    started = cpuMs();
    const output = worker.analyze_batch(input);
    batchMs.push(cpuMs() - started);
    const value = unwrap(output);
    JSON.stringify(value.insights); // what supabase-js sends to complete_analysis_batch
    callMs.push(cpuMs() - callStarted);
    partials.push(value.partial);
  }
  started = cpuMs();
  unwrap(worker.finish_job(JSON.stringify({ client, partials, job_id: "bench" })));
  const finishMs = cpuMs() - started;
  const analyzeMs = batchMs.reduce((sum, ms) => sum + ms, 0);
  const result = {
    runtime: "wasm-deno",
    transcripts: files.length,
    bytes,
    batch_size: batchSize,
    parse_ms: parseMs,
    parse_mb_per_s: bytes / 1e6 / (parseMs / 1e3),
    analyze_ms: analyzeMs,
    analyze_mb_per_s: bytes / 1e6 / (analyzeMs / 1e3),
    batch_ms: batchMs,
    batch_call_ms: callMs,
    finish_job_ms: finishMs,
  };
  const total = (value: Record<string, unknown>) => (value.parse_ms as number) + (value.analyze_ms as number);
  if (!best || total(result) < total(best)) best = result;
}
console.log(JSON.stringify(best));
