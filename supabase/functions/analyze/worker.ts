// The background side of `analyze`: one invocation works on one batch of a job, then chains
// the next invocation. All state is in the database (supabase/migrations/*_analysis*.sql), so
// any invocation may die at any point and another one picks up:
//   1. claim_analysis_batch: the next pending batch, or one whose lease expired (SKIP LOCKED);
//   2. the engine (Wasm) analyzes the batch's transcripts;
//   3. complete_analysis_batch stores one transcript_insights row per transcript (unique per
//      job and transcript) and the batch's partial; only the lease owner may (PT409 otherwise);
//      or fail_analysis_batch: retried later, failed for good after MAX_ATTEMPTS (or at once
//      when the input itself is bad);
//   4. when no batch is left, finish_analysis_job writes analysis_results and the drafts in
//      one transaction (a retry after success writes nothing again).
// Progress is broadcast by the jobs table's trigger on every change (job:<id>, event progress).

import { analyzeBatch, EngineError, finishJob } from "../_shared/engine.ts";
import { invokeAsService, type SupabaseClient } from "../_shared/clients.ts";

/** A lease long enough for one batch call (well under a second of CPU, plus I/O). */
export const LEASE_SECONDS = 20;
/** Tries per batch before it is marked failed (expired leases count as tries). */
export const MAX_ATTEMPTS = 3;
/** How many invocation chains work on one job at once. */
export const PARALLEL_CHAINS = 2;
/** How long one invocation waits for leases held by others before handing over. */
const WAIT_BUDGET_MS = (LEASE_SECONDS + 5) * 1000;

const TRANSCRIPT_COLUMNS = "id,file_name,canonical,speakers,outcome,call_date,rep_name,prospect_name";

interface Batch {
  id: string;
  job_id: string;
  batch_index: number;
  transcript_ids: string[];
  attempts: number;
}

interface Job {
  id: string;
  client_id: string;
  status: string;
  batches_total: number;
  batches_done: number;
  batches_failed: number;
}

/** What one invocation did, for logs and tests. */
export type WorkOutcome = "batch_done" | "batch_failed" | "lease_lost" | "finished" | "inactive" | "waiting";

/** Starts `chains` invocation chains on a job. */
export async function kick(jobId: string, chains = PARALLEL_CHAINS): Promise<void> {
  await Promise.all(
    Array.from({ length: chains }, () => invokeAsService("analyze", { action: "work", job_id: jobId })),
  );
}

/** One invocation of the chain: work, then hand over to the next invocation when useful. */
export async function workAndChain(admin: SupabaseClient, jobId: string): Promise<WorkOutcome> {
  const outcome = await work(admin, jobId);
  if (outcome === "batch_done" || outcome === "batch_failed" || outcome === "lease_lost" || outcome === "waiting") {
    await invokeAsService("analyze", { action: "work", job_id: jobId });
  }
  return outcome;
}

/**
 * Works on the job until one batch is processed, the job is finished, or it is no longer
 * active. When every remaining batch is leased by someone else, waits (wall time, not CPU) for
 * the leases, so a dead worker's batch is reclaimed once its lease expires.
 */
export async function work(admin: SupabaseClient, jobId: string): Promise<WorkOutcome> {
  const owner = `analyze:${crypto.randomUUID()}`;
  const deadline = Date.now() + WAIT_BUDGET_MS;
  for (;;) {
    const { data, error } = await admin.rpc("claim_analysis_batch", {
      job_id: jobId,
      lease_owner: owner,
      lease_seconds: LEASE_SECONDS,
      max_attempts: MAX_ATTEMPTS,
    });
    if (error) throw new Error(`claim_analysis_batch: ${error.message}`);
    const batch = (data as Batch[])[0];
    if (batch) {
      return await processBatch(admin, batch, owner);
    }
    const job = await readJob(admin, jobId);
    if (job.status !== "queued" && job.status !== "running") {
      return "inactive";
    }
    if (job.batches_done + job.batches_failed >= job.batches_total) {
      await finish(admin, job);
      return "finished";
    }
    if (Date.now() > deadline) {
      return "waiting";
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function readJob(admin: SupabaseClient, jobId: string): Promise<Job> {
  const { data, error } = await admin
    .from("analysis_jobs")
    .select("id,client_id,status,batches_total,batches_done,batches_failed")
    .eq("id", jobId)
    .single();
  if (error) throw new Error(`reading job ${jobId}: ${error.message}`);
  return data as Job;
}

async function readClient(admin: SupabaseClient, clientId: string): Promise<Record<string, unknown>> {
  const { data, error } = await admin.from("clients").select("*").eq("id", clientId).single();
  if (error) throw new Error(`reading client ${clientId}: ${error.message}`);
  return data;
}

async function processBatch(admin: SupabaseClient, batch: Batch, owner: string): Promise<WorkOutcome> {
  let insights;
  let result;
  try {
    const job = await readJob(admin, batch.job_id);
    const client = await readClient(admin, job.client_id);
    const { data: rows, error } = await admin
      .from("transcripts")
      .select(TRANSCRIPT_COLUMNS)
      .in("id", batch.transcript_ids);
    if (error) throw new Error(`reading transcripts: ${error.message}`);
    const started = performance.now();
    const analyzed = analyzeBatch(client, rows ?? []);
    const engineMs = Math.round(performance.now() - started);
    insights = analyzed.insights;
    result = { partial: analyzed.partial, text_bytes: analyzed.text_bytes, engine_ms: engineMs };
  } catch (error) {
    return await failBatch(admin, batch, owner, error);
  }
  const { error } = await admin.rpc("complete_analysis_batch", {
    batch_id: batch.id,
    lease_owner: owner,
    insights,
    result,
  });
  if (error?.code === "PT409") {
    return "lease_lost";
  }
  if (error) {
    return await failBatch(admin, batch, owner, new Error(`complete_analysis_batch: ${error.message}`));
  }
  return "batch_done";
}

/** The readable error of a batch: the engine's message, or what failed around it. */
export function batchError(error: unknown): string {
  if (error instanceof EngineError) {
    return error.kind === "panic" ? `engine error (a bug): ${error.message}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

async function failBatch(admin: SupabaseClient, batch: Batch, owner: string, cause: unknown): Promise<WorkOutcome> {
  // Bad input fails the same way every time: fail the batch now instead of retrying.
  const permanent = cause instanceof EngineError && cause.permanent;
  const { error } = await admin.rpc("fail_analysis_batch", {
    batch_id: batch.id,
    lease_owner: owner,
    error: batchError(cause),
    max_attempts: permanent ? batch.attempts : MAX_ATTEMPTS,
  });
  if (error?.code === "PT409") {
    return "lease_lost";
  }
  if (error) throw new Error(`fail_analysis_batch: ${error.message}`);
  return "batch_failed";
}

/** Reads every done batch's partial, in pages (PostgREST caps reads at 1000 rows). */
async function readPartials(admin: SupabaseClient, jobId: string): Promise<unknown[]> {
  const partials: unknown[] = [];
  const page = 500;
  for (let from = 0;; from += page) {
    const { data, error } = await admin
      .from("analysis_batches")
      .select("result")
      .eq("job_id", jobId)
      .eq("status", "done")
      .order("batch_index")
      .range(from, from + page - 1);
    if (error) throw new Error(`reading partials: ${error.message}`);
    for (const row of data ?? []) {
      const partial = (row.result as { partial?: unknown } | null)?.partial;
      if (partial) partials.push(partial);
    }
    if (!data || data.length < page) return partials;
  }
}

/**
 * The pattern library's best rows for the client's industry (successful_patterns: anonymised,
 * cross-agency); the engine picks the few per stage and kind it uses.
 */
async function readPatterns(admin: SupabaseClient, industry: unknown): Promise<unknown[]> {
  if (typeof industry !== "string" || industry.trim() === "") return [];
  const { data, error } = await admin
    .from("successful_patterns")
    .select("id,awareness_level,pattern_type,template,show_rate_estimate,show_rate_low")
    .eq("industry", industry.trim())
    .in("pattern_type", ["subject_line", "hook"])
    .order("show_rate_estimate", { ascending: false })
    .limit(100);
  if (error) throw new Error(`reading successful_patterns: ${error.message}`);
  return data ?? [];
}

/** The last step: the report and the drafts, stored in one transaction by the database. */
async function finish(admin: SupabaseClient, job: Job): Promise<void> {
  let report: unknown = {};
  let drafts: unknown[] = [];
  if (job.batches_done > 0) {
    const client = await readClient(admin, job.client_id);
    const partials = await readPartials(admin, job.id);
    try {
      const patterns = await readPatterns(admin, client.industry);
      const finished = finishJob({ client, partials, job_id: job.id, patterns });
      report = finished.report;
      drafts = finished.drafts;
    } catch (cause) {
      if (!(cause instanceof EngineError && cause.permanent)) throw cause;
      // The same partials would fail the same way: the job fails, readably.
      const { error } = await admin
        .from("analysis_jobs")
        .update({ status: "failed", error: `the report could not be written: ${batchError(cause)}`.slice(0, 2000) })
        .eq("id", job.id)
        .in("status", ["queued", "running"]);
      if (error) throw new Error(`failing job ${job.id}: ${error.message}`);
      return;
    }
  }
  const { error } = await admin.rpc("finish_analysis_job", { job_id: job.id, report, drafts });
  // PT409: cancelled meanwhile, or another invocation finished it first; nothing to do.
  if (error && error.code !== "PT409") {
    throw new Error(`finish_analysis_job: ${error.message}`);
  }
}
