// `analyze`: start, cancel or resume an analysis (issue 5). Called by the web app with the
// member's session:
//   functions.invoke('analyze', { body: { client_id, transcript_ids?, idempotency_key?, batch_size? } })
//     → 200 { job_id, status, batches_total, transcripts_total } at once; the work goes on in
//       the background, progress is broadcast on the private topic job:<job_id>.
//   { job_id, action: 'cancel' } → { job_id, status }        (cancel_analysis)
//   { job_id, action: 'resume' } → { job_id, status }        (restart the workers of a job,
//       e.g. after the runtime was restarted; a start retried with the same idempotency_key
//       resumes too)
// Errors: { error: { code, message, hint } } with 400 invalid_request, 401 unauthorized,
// 402 plan_limit (nothing started), 403 forbidden (not a member of the client's agency),
// 404 not_found, 409 conflict.
// Who may do what is decided by the database under the caller's JWT (start_analysis and
// cancel_analysis check membership and count the plan limit atomically); the service key is
// only used by the workers, and { action: 'work' } is only accepted with it.

import { background, callerClient, isServiceCall, serviceClient } from "../_shared/clients.ts";
import { bearer, fromPostgrest, handle, HttpError, json, readJsonObject } from "../_shared/http.ts";
import { chooseBatchSize, parseCommand } from "./request.ts";
import { kick, workAndChain } from "./worker.ts";

Deno.serve((request) =>
  handle(request, async (request) => {
    const body = await readJsonObject(request);
    const command = parseCommand(body);

    if (command.action === "work") {
      if (!isServiceCall(request)) {
        throw new HttpError(403, "forbidden", "only the analysis workers may call this action");
      }
      background(workAndChain(serviceClient(), command.job_id));
      return json({ job_id: command.job_id, accepted: true }, 202);
    }

    const caller = callerClient(bearer(request));

    if (command.action === "cancel") {
      const { data, error } = await caller.rpc("cancel_analysis", { job_id: command.job_id });
      if (error) throw fromPostgrest(error);
      return json({ job_id: data.id, status: data.status });
    }

    if (command.action === "resume") {
      // RLS: a job the caller cannot read does not exist for them.
      const { data, error } = await caller
        .from("analysis_jobs")
        .select("id,status")
        .eq("id", command.job_id)
        .maybeSingle();
      if (error) throw fromPostgrest(error);
      if (!data) throw new HttpError(404, "not_found", "no such analysis job");
      if (data.status === "queued" || data.status === "running") {
        background(kick(data.id, 1));
      }
      return json({ job_id: data.id, status: data.status });
    }

    // Start. The batch size keeps one batch call well under a second of CPU.
    const sizes = await caller
      .from("transcripts")
      .select("size_bytes")
      .eq("client_id", command.client_id)
      .eq("parse_status", "parsed")
      .limit(1000);
    if (sizes.error) throw fromPostgrest(sizes.error);
    const { data: job, error } = await caller.rpc("start_analysis", {
      client_id: command.client_id,
      transcript_ids: command.transcript_ids,
      idempotency_key: command.idempotency_key,
      batch_size: chooseBatchSize((sizes.data ?? []).map((row) => Number(row.size_bytes)), command.batch_size),
    });
    if (error) throw fromPostgrest(error);
    if (job.status === "queued" || job.status === "running") {
      background(kick(job.id));
    }
    return json({
      job_id: job.id,
      status: job.status,
      batches_total: job.batches_total,
      transcripts_total: job.transcripts_total,
    });
  })
);
