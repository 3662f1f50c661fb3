// Database fixtures for the Realtime and Storage compatibility tests: agencies, their
// members, clients and analysis jobs, written straight into PostgreSQL as the database owner
// (the app creates them through RPCs, which the data API tests cover). Needs SUPABASE_DB_URL
// (the stand-in's suite sets it; for a real project, use the project's connection string) and
// `psql` on PATH.

import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { env } from './helpers.mjs';

/** Test options that skip the test, saying why, when there is no direct database access. */
export const needsDatabase = env.dbUrl
  ? {}
  : { skip: 'needs SUPABASE_DB_URL (direct SQL) to create agencies, clients and jobs' };

/** Run SQL as the database owner (one transaction); returns psql's unaligned output. */
export function sql(query) {
  return execFileSync('psql', [env.dbUrl, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-1', '-c', query], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** `value` as an SQL string literal. */
export function literal(value) {
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * A new agency owned by `userId`, with one client. Returns `{ agencyId, clientId }` (lower-case
 * UUIDs, as storage keys and topics use them).
 */
export function agencyWithClient(userId, tag = 'compat') {
  const agencyId = randomUUID();
  const clientId = randomUUID();
  const slug = `${tag}-${randomBytes(6).toString('hex')}`;
  sql(`
    insert into public.agencies (id, name, slug) values (${literal(agencyId)}, ${literal(tag)}, ${literal(slug)});
    insert into public.agency_members (agency_id, user_id, role) values (${literal(agencyId)}, ${literal(userId)}, 'owner');
    insert into public.clients (id, agency_id, name) values (${literal(clientId)}, ${literal(agencyId)}, 'Compat client');
  `);
  return { agencyId, clientId };
}

/** A queued analysis job of the client (its insert is broadcast as the app's triggers do). */
export function analysisJob({ agencyId, clientId }) {
  const jobId = randomUUID();
  sql(`
    insert into public.analysis_jobs (id, agency_id, client_id, batch_size, batches_total, transcripts_total)
    values (${literal(jobId)}, ${literal(agencyId)}, ${literal(clientId)}, 10, 2, 20);
  `);
  return jobId;
}
