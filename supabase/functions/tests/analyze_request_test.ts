// The request side of `analyze` and the shared HTTP helpers: validation, error mapping, CORS.

import assert from "node:assert/strict";
import { BATCH_TARGET_BYTES, chooseBatchSize, MAX_BATCH_SIZE, parseCommand } from "../analyze/request.ts";
import { fromPostgrest, handle, HttpError, readJsonObject } from "../_shared/http.ts";

const clientId = "6f1d2c3b-8a7e-4f10-9b2c-1d3e5f7a9c0b";
const jobId = "11111111-1111-4111-8111-111111111111";

function rejects(body: Record<string, unknown>, pattern: RegExp) {
  assert.throws(() => parseCommand(body), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 400);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("start takes a client, optional transcripts and an idempotency key", () => {
  assert.deepEqual(parseCommand({ client_id: clientId }), {
    action: "start",
    client_id: clientId,
    transcript_ids: null,
    idempotency_key: null,
    batch_size: null,
  });
  const upper = jobId.toUpperCase();
  assert.deepEqual(parseCommand({ client_id: clientId, transcript_ids: [jobId, upper], idempotency_key: "k1" }), {
    action: "start",
    client_id: clientId,
    transcript_ids: [jobId],
    idempotency_key: "k1",
    batch_size: null,
  });
  assert.equal((parseCommand({ client_id: clientId, batch_size: 5 }) as { batch_size: number }).batch_size, 5);
});

Deno.test("bad starts are refused with a readable 400", () => {
  rejects({}, /client_id/);
  rejects({ client_id: "x" }, /client_id/);
  rejects({ client_id: clientId, transcript_ids: "all" }, /array of UUIDs/);
  rejects({ client_id: clientId, transcript_ids: [] }, /1 to/);
  rejects({ client_id: clientId, transcript_ids: ["nope"] }, /array of UUIDs/);
  rejects({ client_id: clientId, idempotency_key: "a\nb" }, /one line/);
  rejects({ client_id: clientId, idempotency_key: "" }, /one line/);
  rejects({ action: "explode", job_id: jobId }, /action must be/);
  rejects({ client_id: clientId, batch_size: 0 }, /batch_size/);
  rejects({ client_id: clientId, batch_size: 2.5 }, /batch_size/);
  rejects({ client_id: clientId, batch_size: "5" }, /batch_size/);
});

Deno.test("cancel, resume and work need a job id", () => {
  for (const action of ["cancel", "resume", "work"]) {
    assert.deepEqual(parseCommand({ action, job_id: jobId }), { action, job_id: jobId });
    rejects({ action }, /needs job_id/);
  }
});

Deno.test("batch size follows transcript size within bounds", () => {
  assert.equal(chooseBatchSize([]), 25);
  assert.equal(chooseBatchSize([40_000, 40_000]), Math.floor(BATCH_TARGET_BYTES / 40_000));
  assert.equal(chooseBatchSize([100]), MAX_BATCH_SIZE);
  assert.equal(chooseBatchSize([50_000_000]), 1);
  assert.equal(chooseBatchSize([Number.NaN, 0, 200_000]), Math.floor(BATCH_TARGET_BYTES / 200_000));
  assert.equal(chooseBatchSize([40_000], 5), 5, "a smaller batch on request");
  assert.equal(chooseBatchSize([500_000], 50), 2, "never a larger one");
});

Deno.test("database errors map to statuses the web app can act on", () => {
  const cases: [string, number, string][] = [
    ["42501", 403, "forbidden"],
    ["PT402", 402, "plan_limit"],
    ["PT404", 404, "not_found"],
    ["PT409", 409, "conflict"],
    ["22023", 400, "invalid_request"],
    ["PGRST301", 401, "unauthorized"],
    ["XX000", 500, "database_error"],
  ];
  for (const [code, status, word] of cases) {
    const error = fromPostgrest({ code, message: `m ${code}`, hint: "h" });
    assert.equal(error.status, status, code);
    assert.equal(error.code, word, code);
    assert.equal(error.hint, "h");
  }
});

Deno.test("handle answers CORS preflight, refuses other methods and hides unexpected errors", async () => {
  const boom = () => Promise.reject(new Error("secret internals"));
  const preflight = await handle(new Request("http://x/analyze", { method: "OPTIONS" }), boom);
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
  assert.equal((await handle(new Request("http://x/analyze"), boom)).status, 405);
  const failed = await handle(new Request("http://x/analyze", { method: "POST" }), boom);
  assert.equal(failed.status, 500);
  assert.doesNotMatch(await failed.text(), /secret internals/);
  const refused = await handle(
    new Request("http://x/analyze", { method: "POST" }),
    () => Promise.reject(new HttpError(402, "plan_limit", "limit reached", "upgrade")),
  );
  assert.equal(refused.status, 402);
  assert.deepEqual(await refused.json(), { error: { code: "plan_limit", message: "limit reached", hint: "upgrade" } });
});

Deno.test("bodies must be JSON objects", async () => {
  const post = (body: string, type = "application/json") =>
    new Request("http://x", { method: "POST", body, headers: { "Content-Type": type } });
  await assert.rejects(readJsonObject(post('{"a":1}', "text/plain")), { status: 415 });
  assert.deepEqual(await readJsonObject(post('{"a":1}', "application/json; charset=utf-8")), { a: 1 });
  assert.deepEqual(await readJsonObject(post('{"a":1}')), { a: 1 });
  for (const body of ["", "[1]", "null", "{oops"]) {
    await assert.rejects(readJsonObject(post(body)), { status: 400 });
  }
  await assert.rejects(readJsonObject(post(JSON.stringify({ pad: "x".repeat(100) })), 50), { status: 413 });
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  await assert.rejects(readJsonObject(post(deep)), { status: 400 });
});
