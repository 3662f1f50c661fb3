// The engine glue (_shared/engine.ts) over the real Wasm module: envelopes unwrapped, typed
// errors, and a batch → finish round trip with the shapes the database functions take.
// Run by `cargo xtask test --only edge-deno` (after `cargo xtask build-edge`).

import assert from "node:assert/strict";
import { analyzeBatch, EngineError, finishJob, mergePartials, parse, version } from "../_shared/engine.ts";

const testdata = new URL("../../../crates/engine/testdata/ingest/", import.meta.url);

async function fixture(name: string): Promise<Uint8Array> {
  return await Deno.readFile(new URL(name, testdata));
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `transcripts` rows as PostgREST returns them, from real fixture files. */
async function rows(): Promise<Record<string, unknown>[]> {
  const names = ["teams_discovery_call.vtt", "otter_export.txt", "call_2025_06_17_no-show.txt", "fireflies_call.json"];
  return await Promise.all(names.map(async (name, index) => {
    const parsed = parse(name, await fixture(name));
    return {
      id: `00000000-0000-4000-8000-00000000000${index}`,
      file_name: name,
      canonical: parsed.transcript,
      speakers: [],
      outcome: parsed.transcript.metadata.outcome,
      call_date: null,
      rep_name: null,
      prospect_name: null,
    };
  }));
}

const client = { id: "c1", name: "Harbor Smiles", industry: "dental clinics", offer: "clear aligners", competitors: [] };

Deno.test("version names the partial format", () => {
  const { worker, partial_version } = version();
  assert.match(worker, /^\d+\.\d+\.\d+$/);
  assert.equal(typeof partial_version, "number");
});

Deno.test("parse reads a file and hashes its original bytes", async () => {
  const bytes = await fixture("teams_discovery_call.vtt");
  const parsed = parse("teams_discovery_call.vtt", bytes);
  assert.equal(parsed.source_format, "webvtt");
  assert.equal(parsed.size_bytes, bytes.length);
  assert.equal(parsed.sha256, await sha256(bytes));
  assert.ok(parsed.transcript.turns.length > 10);
  assert.deepEqual(parsed.transcript.speakers.map((s) => s.name).sort(), ["Dana Reyes", "Dr. Marcus Chen"]);
});

Deno.test("a file that is not a transcript is a typed ingest error", async () => {
  for (const name of ["empty.vtt", "only_notes.vtt"]) {
    assert.throws(() => parse(name, Deno.readFileSync(new URL(name, testdata))), (error: unknown) => {
      assert.ok(error instanceof EngineError, String(error));
      assert.equal(error.kind, "ingest");
      assert.ok(error.code, "the engine's error code is kept");
      assert.ok(error.message.length > 10);
      return true;
    });
  }
  assert.throws(() => parse("big.txt", new TextEncoder().encode("Rep: hi\n".repeat(100)), { max_bytes: 100 }), {
    name: "EngineError",
    code: "too_large",
  });
});

Deno.test("a batch gives one insight row per transcript and a partial; finishing gives 9 drafts", async () => {
  const transcripts = await rows();
  const first = analyzeBatch(client, transcripts.slice(0, 2));
  const second = analyzeBatch(client, transcripts.slice(2));
  const all = analyzeBatch(client, transcripts);
  assert.deepEqual([...first.insights, ...second.insights].map((row) => row.transcript_id), transcripts.map((row) => row.id));
  for (const row of all.insights) {
    assert.ok(["problem", "solution", "product"].includes(row.awareness_level));
    assert.ok(row.confidence >= 0 && row.confidence <= 1);
    assert.equal(typeof row.insights, "object");
  }
  assert.deepEqual(mergePartials([first.partial, second.partial]), all.partial, "merging batches = one pass");

  const jobId = "11111111-1111-4111-8111-111111111111";
  const finished = finishJob({ client, partials: [first.partial, second.partial], job_id: jobId });
  assert.equal(finished.report.transcripts, 4);
  assert.deepEqual(Object.keys(finished.report.awareness_distribution).sort(), ["problem", "product", "solution"]);
  const kinds = finished.drafts.map((draft) => `${draft.awareness_level}/${draft.content_type}`).sort();
  assert.equal(new Set(kinds).size, 9);
  for (const level of ["problem", "solution", "product"]) {
    for (const type of ["deck_outline", "email_sequence", "sms"]) {
      assert.ok(kinds.includes(`${level}/${type}`), `${level}/${type}`);
    }
  }
  const again = finishJob({ client, partials: [first.partial, second.partial], job_id: jobId });
  assert.deepEqual(again, finished, "the same job writes the same copy on a retry");
});

Deno.test("a poisoned transcript fails its batch, naming it, as a permanent error", async () => {
  const transcripts = await rows();
  const poisoned = { ...transcripts[1], canonical: { format: "speaker_text", turns: "nope" } };
  assert.throws(() => analyzeBatch(client, [transcripts[0], poisoned]), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.kind, "invalid_transcript");
    assert.deepEqual(error.transcriptIds, [poisoned.id]);
    assert.match(error.message, /otter_export\.txt/);
    assert.equal(error.permanent, true);
    return true;
  });
});

Deno.test("malformed input is invalid_input, never a trap", () => {
  assert.throws(() => analyzeBatch(client, [{ no_id: true }]), { name: "EngineError", kind: "invalid_input" });
  assert.throws(() => mergePartials([{ not: "a partial" }]), { name: "EngineError", kind: "invalid_input" });
  assert.throws(() => finishJob({ client, partials: [], job_id: 7 as unknown as string }), { kind: "invalid_input" });
});
