// /rest/v1 through the official supabase-js client (contract §1): CRUD through RLS as anon,
// authenticated and service_role; count, single, maybeSingle, upsert, rpc, embeds, or-filters;
// the §1.7 error shapes; and tenant isolation: a member of agency A gets nothing of agency B
// through REST or RPC. Uses the app schema (supabase/migrations): each agency is created by its
// owner through the `create_agency` RPC, as the app does.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonClient, api, env, newId, serviceClient, signedInClient } from './helpers.mjs';

/** The `data` of a supabase-js result, failing the test with the error otherwise. */
async function ok(query) {
  const result = await query;
  if (result.error) {
    assert.fail(`unexpected error ${result.status}: ${JSON.stringify(result.error)}`);
  }
  return result;
}

/** Assert the four-key PostgREST error shape and return the error. */
function postgrestError(result, { status, code }) {
  assert.equal(result.data, null, 'no data with an error');
  assert.equal(result.status, status, JSON.stringify(result.error));
  assert.equal(result.error.code, code, JSON.stringify(result.error));
  for (const key of ['message', 'details', 'hint', 'code']) {
    assert.ok(key in result.error, `error has ${key}: ${JSON.stringify(result.error)}`);
  }
  return result.error;
}

function slug(tag) {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** An owner with a new agency and two clients. */
async function agencyWithClients(tag) {
  const owner = await signedInClient({ tag });
  const { data: agency } = await ok(
    owner.client.rpc('create_agency', { name: `Agency ${tag}`, slug: slug(tag) }),
  );
  const { data: clients } = await ok(
    owner.client
      .from('clients')
      .insert([
        { agency_id: agency.id, name: `${tag} Dental`, industry: 'dental' },
        { agency_id: agency.id, name: `${tag} Roofing`, industry: 'roofing' },
      ])
      .select('id, name, industry'),
  );
  return { owner, agency, clients };
}

describe('REST through supabase-js', () => {
  let a;
  let b;

  before(async () => {
    a = await agencyWithClients('rest-a');
    b = await agencyWithClients('rest-b');
  });

  test('authenticated CRUD under RLS, with insert().select() returning the row', async () => {
    const db = a.owner.client;
    const { data: created, status } = await ok(
      db.from('clients').insert({ agency_id: a.agency.id, name: 'rest-a Gym' }).select().single(),
    );
    assert.equal(status, 201);
    assert.equal(created.name, 'rest-a Gym');
    assert.equal(created.agency_id, a.agency.id);
    assert.equal(created.status, 'onboarding', 'column defaults apply');

    const { data: updated } = await ok(
      db.from('clients').update({ industry: 'fitness' }).eq('id', created.id).select('id, industry'),
    );
    assert.deepEqual(updated, [{ id: created.id, industry: 'fitness' }]);

    const { data: read } = await ok(db.from('clients').select('name').eq('id', created.id));
    assert.deepEqual(read, [{ name: 'rest-a Gym' }]);

    const deleted = await ok(db.from('clients').delete().eq('id', created.id));
    assert.equal(deleted.status, 204);
    const { data: gone } = await ok(db.from('clients').select('id').eq('id', created.id));
    assert.deepEqual(gone, []);
  });

  test('count, head, range, single and maybeSingle', async () => {
    const db = a.owner.client;
    const counted = await ok(db.from('clients').select('*', { count: 'exact', head: true }));
    assert.equal(counted.count, 2);
    assert.equal(counted.data, null);

    const page = await ok(
      db.from('clients').select('name', { count: 'exact' }).order('name').range(0, 0),
    );
    assert.equal(page.status, 206);
    assert.equal(page.count, 2);
    assert.deepEqual(page.data, [{ name: 'rest-a Dental' }]);

    const { data: one } = await ok(db.from('clients').select('name').eq('id', a.clients[0].id).single());
    assert.deepEqual(one, { name: a.clients[0].name });

    const none = await db.from('clients').select('name').eq('id', newId()).single();
    const error = postgrestError(none, { status: 406, code: 'PGRST116' });
    assert.equal(error.message, 'Cannot coerce the result to a single JSON object');
    assert.equal(error.details, 'The result contains 0 rows');

    const maybe = await ok(db.from('clients').select('name').eq('id', newId()).maybeSingle());
    assert.equal(maybe.data, null);

    const many = await db.from('clients').select('name').maybeSingle();
    assert.equal(many.error.code, 'PGRST116');
  });

  test('upsert merges on the key and ignores duplicates when asked', async () => {
    // The service role may update every column of clients, so it can upsert them...
    const service = serviceClient();
    const [first] = a.clients;
    const { data: merged, status } = await ok(
      service
        .from('clients')
        .upsert({ id: first.id, agency_id: a.agency.id, name: first.name, notes: 'upserted' })
        .select('id, notes'),
    );
    assert.equal(status, 200, 'nothing was inserted');
    assert.deepEqual(merged, [{ id: first.id, notes: 'upserted' }]);
    const { data: ignored } = await ok(
      service
        .from('clients')
        .upsert(
          { id: first.id, agency_id: a.agency.id, name: first.name, notes: 'ignored' },
          { ignoreDuplicates: true },
        )
        .select('id'),
    );
    assert.deepEqual(ignored, []);
    const { data: after } = await ok(service.from('clients').select('notes').eq('id', first.id).single());
    assert.equal(after.notes, 'upserted');
    // ...while a member cannot: an upsert updates every column it sends (id, agency_id too), and
    // the app grants members UPDATE on some columns only. PostgREST answers exactly so.
    const member = await a.owner.client
      .from('clients')
      .upsert({ id: first.id, agency_id: a.agency.id, name: first.name, notes: 'member' });
    postgrestError(member, { status: 403, code: '42501' });
    assert.equal(member.error.message, 'permission denied for table clients');
  });

  test('embeds, or-filters, filters and order', async () => {
    const db = a.owner.client;
    const { data: withAgency } = await ok(
      db.from('clients').select('name, agencies(name)').order('name'),
    );
    assert.deepEqual(withAgency, [
      { name: 'rest-a Dental', agencies: { name: 'Agency rest-a' } },
      { name: 'rest-a Roofing', agencies: { name: 'Agency rest-a' } },
    ]);
    const { data: nested } = await ok(
      db.from('agencies').select('name, clients(name)').order('name', { referencedTable: 'clients' }),
    );
    assert.deepEqual(nested, [
      {
        name: 'Agency rest-a',
        clients: [{ name: 'rest-a Dental' }, { name: 'rest-a Roofing' }],
      },
    ]);
    const { data: either } = await ok(
      db.from('clients').select('industry').or('industry.eq.dental,industry.eq.plumbing'),
    );
    assert.deepEqual(either, [{ industry: 'dental' }]);
    const { data: filtered } = await ok(
      db
        .from('clients')
        .select('name')
        .in('industry', ['dental', 'roofing'])
        .ilike('name', '%roof%')
        .not('name', 'is', null),
    );
    assert.deepEqual(filtered, [{ name: 'rest-a Roofing' }]);
    const { data: summaries } = await ok(
      db.from('client_summaries').select('name, transcripts_count').order('name'),
    );
    assert.deepEqual(summaries, [
      { name: 'rest-a Dental', transcripts_count: 0 },
      { name: 'rest-a Roofing', transcripts_count: 0 },
    ]);
  });

  test('rpc: named arguments, set-returning results and errors', async () => {
    const db = a.owner.client;
    const { data: members } = await ok(
      db.rpc('list_agency_members', { agency_id: a.agency.id }).select('user_id, role'),
    );
    assert.deepEqual(members, [{ user_id: a.owner.user.id, role: 'owner' }]);
    const taken = await db.rpc('create_agency', { name: 'Again', slug: a.agency.slug });
    const error = postgrestError(taken, { status: 409, code: '23505' });
    assert.equal(error.hint, 'Choose another slug.');
    const unknown = await db.rpc('no_such_function', { x: 1 });
    postgrestError(unknown, { status: 404, code: 'PGRST202' });
  });

  test('anon, service_role and the error shapes of §1.7', async () => {
    const anon = anonClient();
    const denied = await anon.from('clients').select('id');
    postgrestError(denied, { status: 401, code: '42501' });
    const anonRpc = await anon.rpc('create_agency', { name: 'x', slug: slug('anon') });
    postgrestError(anonRpc, { status: 401, code: '42501' });

    const service = serviceClient();
    const { data: both } = await ok(
      service.from('clients').select('agency_id').in('agency_id', [a.agency.id, b.agency.id]),
    );
    assert.equal(both.length, 4);

    const db = a.owner.client;
    const table = await db.from('no_such_table').select();
    const missing = postgrestError(table, { status: 404, code: 'PGRST205' });
    assert.match(missing.message, /Could not find the table 'public\.no_such_table' in the schema cache/);
    const grammar = await db.from('clients').select('id,(');
    postgrestError(grammar, { status: 400, code: 'PGRST100' });
    const relation = await db.from('clients').select('id, no_such_relation(*)');
    postgrestError(relation, { status: 400, code: 'PGRST200' });
    const column = await db.from('clients').insert({ agency_id: a.agency.id, nmae: 'typo' });
    postgrestError(column, { status: 400, code: 'PGRST204' });
  });

  test('the filter and transform builders the app uses', async () => {
    const c = await agencyWithClients('rest-c');
    const db = c.owner.client;
    const [dental, roofing] = c.clients;
    await ok(
      db.from('clients').update({ competitors: ['Acme', 'Globex'], notes: 'Top, priority (x)' }).eq('id', dental.id),
    );
    await ok(db.from('clients').update({ competitors: ['Initech'] }).eq('id', roofing.id));
    const names = async (query) => (await ok(query.order('name'))).data.map((row) => row.name);

    assert.deepEqual(await names(db.from('clients').select('name').contains('competitors', ['Acme'])), [dental.name]);
    assert.deepEqual(await names(db.from('clients').select('name').containedBy('competitors', ['Initech', 'Acme'])), [
      roofing.name,
    ]);
    assert.deepEqual(await names(db.from('clients').select('name').overlaps('competitors', ['Globex', 'Initech'])), [
      dental.name,
      roofing.name,
    ]);
    assert.deepEqual(await names(db.from('clients').select('name').match({ industry: 'roofing' })), [roofing.name]);
    assert.deepEqual(await names(db.from('clients').select('name').textSearch('name', 'roofing', { type: 'websearch', config: 'english' })), [
      roofing.name,
    ]);
    assert.deepEqual(await names(db.from('clients').select('name').eq('notes', 'Top, priority (x)')), [dental.name]);
    assert.deepEqual(await names(db.from('clients').select('name').in('notes', ['Top, priority (x)', 'other'])), [dental.name]);
    assert.deepEqual(await names(db.from('clients').select('name').not('industry', 'in', '(dental)')), [roofing.name]);
    assert.deepEqual(await names(db.from('clients').select('name').filter('name', 'like', '*Dental')), [dental.name]);
    assert.deepEqual(await names(db.from('clients').select('name').is('notes', null)), [roofing.name]);
    assert.deepEqual(await names(db.from('clients').select('name').or('industry.eq.dental,and(industry.eq.roofing,notes.is.null)')), [
      dental.name,
      roofing.name,
    ]);
    assert.deepEqual(
      (await ok(db.from('clients').select('name').order('name', { ascending: false }).limit(1))).data,
      [{ name: roofing.name }],
    );

    // Aliases, casts and embedded paging.
    const { data: aliased } = await ok(
      db.from('clients').select('label:name, rate:current_show_rate::text, agency:agencies(slug)').eq('id', dental.id).single(),
    );
    assert.deepEqual(aliased, { label: dental.name, rate: null, agency: { slug: c.agency.slug } });
    const { data: paged } = await ok(
      db
        .from('agencies')
        .select('id, clients(name)')
        .eq('id', c.agency.id)
        .order('name', { referencedTable: 'clients', ascending: false })
        .limit(1, { referencedTable: 'clients' }),
    );
    assert.deepEqual(paged, [{ id: c.agency.id, clients: [{ name: roofing.name }] }]);

    // CSV (rows as PostgreSQL prints records, as PostgREST builds it: a value with a space is
    // quoted) and stripped nulls.
    const { data: csv } = await ok(db.from('clients').select('name, industry').order('name').csv());
    assert.equal(csv, `name,industry\n"${dental.name}",dental\n"${roofing.name}",roofing`);
    const { data: stripped } = await ok(db.from('clients').select('name, notes').eq('id', roofing.id).stripNulls());
    assert.deepEqual(stripped, [{ name: roofing.name }]);

    // maxAffected: too many rows roll back with PGRST124; within the cap it applies.
    const capped = await db.from('clients').update({ notes: 'capped' }).eq('agency_id', c.agency.id).maxAffected(1);
    postgrestError(capped, { status: 400, code: 'PGRST124' });
    const { count: untouched } = await ok(
      db.from('clients').select('*', { count: 'exact', head: true }).eq('notes', 'capped'),
    );
    assert.equal(untouched, 0);
    await ok(db.from('clients').update({ notes: 'capped' }).eq('id', roofing.id).maxAffected(1));

    // rpc by GET and HEAD, with a filter on the set it returns.
    const { data: byGet } = await ok(
      db.rpc('list_agency_members', { agency_id: c.agency.id }, { get: true }).select('role').eq('role', 'owner'),
    );
    assert.deepEqual(byGet, [{ role: 'owner' }]);
    const head = await ok(db.rpc('list_agency_members', { agency_id: c.agency.id }, { head: true, count: 'exact' }));
    assert.equal(head.count, 1);
    assert.equal(head.data, null);
  });

  test('filterless update and delete are refused as with safeupdate', async () => {
    const service = serviceClient();
    const update = await api('/rest/v1/clients', {
      method: 'PATCH',
      key: env.serviceRoleKey,
      headers: { authorization: `Bearer ${env.serviceRoleKey}` },
      json: { notes: 'everyone' },
    });
    assert.equal(update.status, 400);
    assert.deepEqual(update.body, {
      code: '21000',
      details: null,
      hint: null,
      message: 'UPDATE requires a WHERE clause',
    });
    const { count } = await ok(service.from('clients').select('*', { count: 'exact', head: true }).eq('notes', 'everyone'));
    assert.equal(count, 0);
  });

  test('a member of agency A gets nothing of agency B through REST and RPC', async () => {
    const db = a.owner.client;
    const theirs = b.clients[0];
    for (const [table, column, value] of [
      ['clients', 'id', theirs.id],
      ['clients', 'agency_id', b.agency.id],
      ['agencies', 'id', b.agency.id],
      ['client_summaries', 'agency_id', b.agency.id],
      ['agency_members', 'agency_id', b.agency.id],
    ]) {
      const { data } = await ok(db.from(table).select('*').eq(column, value));
      assert.deepEqual(data, [], `${table}.${column}`);
    }
    const { data: embedded } = await ok(
      db.from('agencies').select('id, clients!inner(id)').eq('clients.agency_id', b.agency.id),
    );
    assert.deepEqual(embedded, []);

    const { data: changed } = await ok(
      db.from('clients').update({ notes: 'hijacked' }).eq('id', theirs.id).select(),
    );
    assert.deepEqual(changed, []);
    const { data: removed } = await ok(db.from('clients').delete().eq('id', theirs.id).select());
    assert.deepEqual(removed, []);
    const planted = await db.from('clients').insert({ agency_id: b.agency.id, name: 'planted' });
    postgrestError(planted, { status: 403, code: '42501' });

    const members = await db.rpc('list_agency_members', { agency_id: b.agency.id });
    assert.ok(
      members.error || (Array.isArray(members.data) && members.data.length === 0),
      `list_agency_members of B: ${JSON.stringify(members)}`,
    );
    const analysis = await db.rpc('start_analysis', { client_id: theirs.id });
    assert.ok(analysis.error, 'starting an analysis of B’s client must fail');
    assert.notEqual(analysis.status, 500, JSON.stringify(analysis.error));

    // Every table and view with an agency_id (security cases 3 and 8): A reads only A's rows,
    // with no filter and with B's agency_id; anon reads and writes nothing.
    const anon = anonClient();
    const views = new Set(['agency_usage', 'client_summaries']);
    for (const table of [
      'agency_members', 'agency_usage', 'analysis_batches', 'analysis_jobs', 'analysis_results',
      'client_summaries', 'clients', 'content_versions', 'feedback_loop', 'invitations',
      'performance_tracking', 'transcript_insights', 'transcripts', 'usage_tracking',
    ]) {
      const all = await db.from(table).select('agency_id');
      if (all.error) {
        assert.equal(all.error.code, '42501', `${table}: ${JSON.stringify(all.error)}`);
      } else {
        assert.ok(all.data.every((row) => row.agency_id === a.agency.id), `${table}: ${JSON.stringify(all.data)}`);
      }
      const foreign = await db.from(table).select('agency_id').eq('agency_id', b.agency.id);
      assert.ok(foreign.error?.code === '42501' || foreign.data?.length === 0, `${table} of B: ${JSON.stringify(foreign)}`);
      const anonRead = await anon.from(table).select('agency_id');
      assert.ok(
        (anonRead.status === 401 && anonRead.error?.code === '42501') || anonRead.data?.length === 0,
        `anon read of ${table}: ${JSON.stringify(anonRead)}`,
      );
      // PostgreSQL refuses an insert into a view that is not updatable before checking
      // privileges (55000, a 500 as in PostgREST); tables refuse anon with 42501.
      const anonWrite = await anon.from(table).insert({ agency_id: a.agency.id });
      const expected = views.has(table) ? { status: 500, code: '55000' } : { status: 401, code: '42501' };
      assert.deepEqual(
        { status: anonWrite.status, code: anonWrite.error?.code },
        expected,
        `anon insert into ${table}: ${JSON.stringify(anonWrite)}`,
      );
    }

    // B's row is untouched, as B sees it.
    const { data: still } = await ok(
      b.owner.client.from('clients').select('name, notes').eq('id', theirs.id).single(),
    );
    assert.deepEqual(still, { name: theirs.name, notes: null });
  });
});
