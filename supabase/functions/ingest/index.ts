// `ingest`: parse files already in Storage (bucket `transcripts`) into `transcripts` rows, for
// uploads that do not come through the browser (API clients, bulk imports). The browser parses
// before upload with the same engine and inserts the rows itself; both paths write the same
// row shape (see ARCHITECTURE.md, "Ingest").
//
//   functions.invoke('ingest', { body: { client_id, files: [{ path, file_name? }], manifest_path? } })
//     path:      `<agency_id>/<client_id>/<uuid>[.ext]` in the transcripts bucket
//     file_name: the original name (it carries the format and often the date, prospect and
//                outcome); defaults to the object's name
//     manifest_path: a CSV in the same folder (`file,outcome,date,rep,prospect`, matched by
//                file_name) whose rows win over what the files say
//   → 200 { files: [{ path, status: 'parsed' | 'failed' | 'duplicate' | 'refused',
//                      transcript_id?, error? }], remaining: [paths not read in this call] }
//
// Everything runs as the caller: Storage RLS decides which files they may read, table RLS
// which rows they may add. A file that cannot be parsed is stored as a `failed` row with its
// readable error (so the app can show it); the same file again is a `duplicate`, never a
// second row. One call reads at most MAX_BYTES_PER_CALL, to stay within the CPU limit; call
// again with `remaining`.

import { callerClient, type SupabaseClient } from "../_shared/clients.ts";
import { EngineError, parse, type ParsedFile } from "../_shared/engine.ts";
import { bearer, fromPostgrest, handle, HttpError, isUuid, json, readJsonObject } from "../_shared/http.ts";

/** Bytes of files parsed per call: about half a second of CPU for the engine. */
export const MAX_BYTES_PER_CALL = 4_000_000;
export const MAX_FILES_PER_CALL = 500;

interface FileRequest {
  path: string;
  file_name: string;
}

interface FileResult {
  path: string;
  /** Bytes read (not part of the answer). */
  size?: number;
  status: "parsed" | "failed" | "duplicate" | "refused";
  transcript_id?: string;
  error?: string;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function parseFiles(value: unknown): FileRequest[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILES_PER_CALL) {
    throw new HttpError(400, "invalid_request", `files must be an array of 1 to ${MAX_FILES_PER_CALL} { path, file_name? }`);
  }
  return value.map((item) => {
    const file = typeof item === "string" ? { path: item } : item;
    if (typeof file?.path !== "string" || file.path.length > 1024) {
      throw new HttpError(400, "invalid_request", "every file needs a path (a string)");
    }
    const name = file.file_name ?? baseName(file.path);
    if (typeof name !== "string" || name.length < 1 || name.length > 255 || /[\r\n\0]/.test(name)) {
      throw new HttpError(400, "invalid_request", `file_name of ${file.path} must be one line of 1 to 255 characters`);
    }
    return { path: file.path, file_name: name };
  });
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function download(caller: SupabaseClient, path: string): Promise<Uint8Array<ArrayBuffer>> {
  const { data, error } = await caller.storage.from("transcripts").download(path);
  if (error || !data) {
    throw new HttpError(404, "not_found", `cannot read ${path}: ${error?.message ?? "no such file"}`);
  }
  return new Uint8Array(await data.arrayBuffer());
}

/** The `transcripts` row of a parsed file. */
function parsedRow(parsed: ParsedFile) {
  const { transcript } = parsed;
  return {
    source_format: parsed.source_format,
    parse_status: "parsed",
    canonical: transcript,
    speakers: transcript.speakers.map((speaker) => ({ ...speaker, corrected_by_user: false })),
    call_date: transcript.metadata.date,
    rep_name: transcript.metadata.rep,
    prospect_name: transcript.metadata.prospect,
    outcome: transcript.metadata.outcome,
    duration_ms: transcript.metadata.duration_ms,
  };
}

async function ingestOne(
  caller: SupabaseClient,
  folder: { agency_id: string; client_id: string },
  file: FileRequest,
  manifest: string | undefined,
): Promise<FileResult> {
  const prefix = `${folder.agency_id}/${folder.client_id}/`;
  if (!file.path.startsWith(prefix)) {
    return { path: file.path, status: "refused", error: `the file is not in this client's folder (${prefix})` };
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await download(caller, file.path);
  } catch (error) {
    return { path: file.path, status: "refused", error: (error as Error).message };
  }
  let fields: Record<string, unknown>;
  let sha256: string;
  try {
    const parsed = parse(file.file_name, bytes, manifest ? { manifest_csv: manifest } : {});
    fields = parsedRow(parsed);
    sha256 = parsed.sha256;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    fields = { parse_status: "failed", parse_error: error.message.slice(0, 2000) };
    sha256 = await sha256Hex(bytes);
  }
  const { data, error } = await caller
    .from("transcripts")
    .insert({
      ...folder,
      file_name: file.file_name,
      storage_path: file.path,
      content_sha256: sha256,
      size_bytes: bytes.length,
      ...fields,
    })
    .select("id")
    .single();
  if (error?.code === "23505") {
    const existing = await caller
      .from("transcripts")
      .select("id")
      .eq("client_id", folder.client_id)
      .or(`storage_path.eq.${file.path},content_sha256.eq.${sha256}`)
      .limit(1)
      .maybeSingle();
    return { path: file.path, size: bytes.length, status: "duplicate", transcript_id: existing.data?.id, error: "this file is already a transcript of the client" };
  }
  if (error) {
    return { path: file.path, status: "refused", error: fromPostgrest(error).message };
  }
  return {
    path: file.path,
    size: bytes.length,
    status: fields.parse_status === "parsed" ? "parsed" : "failed",
    transcript_id: data.id,
    ...(fields.parse_error ? { error: fields.parse_error as string } : {}),
  };
}

Deno.serve((request) =>
  handle(request, async (request) => {
    const body = await readJsonObject(request);
    if (!isUuid(body.client_id)) {
      throw new HttpError(400, "invalid_request", "client_id (a UUID) is required");
    }
    const files = parseFiles(body.files);
    const caller = callerClient(bearer(request));
    // RLS: a client the caller cannot read does not exist for them.
    const { data: client, error } = await caller
      .from("clients")
      .select("id,agency_id")
      .eq("id", body.client_id)
      .maybeSingle();
    if (error) throw fromPostgrest(error);
    if (!client) throw new HttpError(403, "forbidden", "you are not a member of this client's agency");
    const folder = { agency_id: client.agency_id as string, client_id: client.id as string };

    let manifest: string | undefined;
    if (body.manifest_path !== undefined) {
      if (typeof body.manifest_path !== "string" || !body.manifest_path.startsWith(`${folder.agency_id}/${folder.client_id}/`)) {
        throw new HttpError(400, "invalid_request", "manifest_path must be a file in this client's folder");
      }
      manifest = new TextDecoder().decode(await download(caller, body.manifest_path));
    }

    const results: FileResult[] = [];
    const remaining: string[] = [];
    let bytes = 0;
    for (const file of files) {
      if (bytes >= MAX_BYTES_PER_CALL) {
        remaining.push(file.path);
        continue;
      }
      const { size = 0, ...result } = await ingestOne(caller, folder, file, manifest);
      results.push(result);
      bytes += size;
    }
    return json({ files: results, remaining });
  })
);
