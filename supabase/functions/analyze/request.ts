// What a request to `analyze` asks for, validated before anything touches the database.

import { HttpError, isUuid } from "../_shared/http.ts";

export type Command =
  | {
    action: "start";
    client_id: string;
    transcript_ids: string[] | null;
    idempotency_key: string | null;
    /** A smaller batch size than the one chosen (finer progress); never a larger one. */
    batch_size: number | null;
  }
  | { action: "cancel"; job_id: string }
  | { action: "resume"; job_id: string }
  | { action: "work"; job_id: string };

const MAX_TRANSCRIPTS = 10_000;

/** Reads the body of a request into a command, or throws a 400 saying what is wrong. */
export function parseCommand(body: Record<string, unknown>): Command {
  const action = body.action ?? "start";
  if (action === "cancel" || action === "resume" || action === "work") {
    if (!isUuid(body.job_id)) {
      throw new HttpError(400, "invalid_request", `action ${action} needs job_id (a UUID)`);
    }
    return { action, job_id: body.job_id };
  }
  if (action !== "start") {
    throw new HttpError(400, "invalid_request", "action must be start, cancel or resume");
  }
  if (!isUuid(body.client_id)) {
    throw new HttpError(400, "invalid_request", "client_id (a UUID) is required");
  }
  let transcriptIds: string[] | null = null;
  if (body.transcript_ids !== undefined && body.transcript_ids !== null) {
    const ids = body.transcript_ids;
    if (!Array.isArray(ids) || !ids.every(isUuid)) {
      throw new HttpError(400, "invalid_request", "transcript_ids must be an array of UUIDs");
    }
    if (ids.length === 0 || ids.length > MAX_TRANSCRIPTS) {
      throw new HttpError(400, "invalid_request", `transcript_ids must hold 1 to ${MAX_TRANSCRIPTS} ids`);
    }
    transcriptIds = [...new Set(ids.map((id) => id.toLowerCase()))];
  }
  let key: string | null = null;
  if (body.idempotency_key !== undefined && body.idempotency_key !== null) {
    const value = body.idempotency_key;
    if (typeof value !== "string" || value.length < 1 || value.length > 200 || /[\r\n\0]/.test(value)) {
      throw new HttpError(400, "invalid_request", "idempotency_key must be one line of 1 to 200 characters");
    }
    key = value;
  }
  let batchSize: number | null = null;
  if (body.batch_size !== undefined && body.batch_size !== null) {
    const value = body.batch_size;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_BATCH_SIZE) {
      throw new HttpError(400, "invalid_request", `batch_size must be an integer from 1 to ${MAX_BATCH_SIZE}`);
    }
    batchSize = value;
  }
  return {
    action: "start",
    client_id: body.client_id,
    transcript_ids: transcriptIds,
    idempotency_key: key,
    batch_size: batchSize,
  };
}

/**
 * Transcript bytes per batch: measured with `cargo xtask bench-edge`, this keeps one batch
 * call (reading rows, the engine, writing insights) well under 1 s of CPU, half the hosted
 * 2 s limit.
 */
export const BATCH_TARGET_BYTES = 1_000_000;
/** Batches never exceed this many transcripts (the ids travel in one REST query). */
export const MAX_BATCH_SIZE = 100;

/** The batch size for transcripts of these file sizes (bytes), at most `requested`. */
export function chooseBatchSize(sizes: number[], requested: number | null = null): number {
  const valid = sizes.filter((size) => Number.isFinite(size) && size > 0);
  const mean = valid.length === 0 ? BATCH_TARGET_BYTES / 25 : valid.reduce((sum, size) => sum + size, 0) / valid.length;
  const chosen = Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(BATCH_TARGET_BYTES / mean)));
  return requested === null ? chosen : Math.min(chosen, requested);
}
