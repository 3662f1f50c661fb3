// Storage through storage-js (contract §4), on the app's own `transcripts` bucket and its RLS
// policies (supabase/migrations/*_transcripts_bucket.sql): members of an agency work under
// `<agency_id>/<client_id>/`, nobody else sees anything there (security case 14). Plus signed
// URLs, public buckets, bucket limits and hostile object names (security case 58).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { anonClient, env, serviceClient, signedInClient, signJwt, nowSeconds, localOnly } from './helpers.mjs';
import { agencyWithClient, needsDatabase } from './fixtures.mjs';

const BUCKET = 'transcripts';

/** Two members of two agencies, each with a client folder. */
let alice;
let bob;

before(async () => {
  if (!env.dbUrl) return;
  const [a, b] = await Promise.all([signedInClient({ tag: 'storage-a' }), signedInClient({ tag: 'storage-b' })]);
  alice = { ...a, ...agencyWithClient(a.user.id, 'storage-a') };
  bob = { ...b, ...agencyWithClient(b.user.id, 'storage-b') };
});

/** A fresh, policy-conformant key in `member`'s client folder. */
function keyOf(member, extension = 'txt') {
  return `${member.agencyId}/${member.clientId}/${randomUUID()}.${extension}`;
}

/** Assert a storage-js error carries hosted's body `statusCode` (HTTP status 400 or 500). */
function assertStorageError(error, statusCode, context) {
  assert.ok(error, `${context}: expected an error with statusCode ${statusCode}`);
  assert.equal(error.name, 'StorageApiError', `${context}: ${error.message} (${error.originalError?.cause ?? ''})`);
  assert.equal(error.statusCode, statusCode, `${context}: ${error.message}`);
  assert.equal(error.status, statusCode === '500' ? 500 : 400, `${context}: HTTP status`);
}

async function textOf(bucket, client, key) {
  const { data, error } = await client.storage.from(bucket).download(key);
  assert.equal(error, null, error?.message);
  return { text: await data.text(), type: data.type };
}

test('members upload (multipart and raw), list, download, upsert, update and remove in their folder', needsDatabase, async () => {
  const files = alice.client.storage.from(BUCKET);
  const folder = `${alice.agencyId}/${alice.clientId}`;

  // A Blob goes as multipart/form-data; its type is the object's content type.
  const blobKey = keyOf(alice);
  const uploaded = await files.upload(blobKey, new Blob(['first words'], { type: 'text/plain' }), {
    metadata: { original_name: 'call 1.txt' },
  });
  assert.equal(uploaded.error, null, uploaded.error?.message);
  assert.equal(uploaded.data.path, blobKey);
  assert.equal(uploaded.data.fullPath, `${BUCKET}/${blobKey}`);
  assert.match(uploaded.data.id, /^[0-9a-f-]{36}$/);

  // A string goes raw, with content-type and cache-control headers.
  const rawKey = keyOf(alice, 'vtt');
  const raw = await files.upload(rawKey, 'WEBVTT\n\n00:00.000 --> 00:01.000\nhello', { contentType: 'text/vtt' });
  assert.equal(raw.error, null, raw.error?.message);

  const blob = await textOf(BUCKET, alice.client, blobKey);
  assert.equal(blob.text, 'first words');
  assert.match(blob.type, /^text\/plain/);
  const vtt = await textOf(BUCKET, alice.client, rawKey);
  assert.ok(vtt.text.startsWith('WEBVTT'));
  assert.match(vtt.type, /^text\/vtt/);

  const info = await files.info(blobKey);
  assert.equal(info.error, null, info.error?.message);
  assert.equal(info.data.size, 'first words'.length);
  // storage-js turns the keys of `info` to camelCase.
  assert.deepEqual(info.data.metadata, { originalName: 'call 1.txt' });

  // The folder lists both files with their metadata; its parent lists the folder (id null).
  const listed = await files.list(folder, { sortBy: { column: 'name', order: 'asc' } });
  assert.equal(listed.error, null, listed.error?.message);
  const names = listed.data.map((entry) => entry.name);
  assert.deepEqual(names, [blobKey, rawKey].map((key) => key.split('/')[2]).sort());
  const entry = listed.data.find((item) => blobKey.endsWith(item.name));
  assert.equal(entry.metadata.size, 'first words'.length);
  assert.equal(entry.metadata.mimetype, 'text/plain');
  const parent = await files.list(alice.agencyId);
  assert.equal(parent.error, null, parent.error?.message);
  assert.deepEqual(parent.data.map((item) => [item.name, item.id]), [[alice.clientId, null]]);
  const searched = await files.list(folder, { search: rawKey.split('/')[2].slice(0, 12) });
  assert.deepEqual(searched.data.map((item) => item.name), [rawKey.split('/')[2]]);

  // Uploading to an existing key: 409 without upsert; replaced with upsert or update().
  const duplicate = await files.upload(blobKey, 'again', { contentType: 'text/plain' });
  assertStorageError(duplicate.error, '409', 'duplicate upload');
  assert.equal((await textOf(BUCKET, alice.client, blobKey)).text, 'first words');
  const upserted = await files.upload(blobKey, 'second words', { contentType: 'text/plain', upsert: true });
  assert.equal(upserted.error, null, upserted.error?.message);
  assert.equal((await textOf(BUCKET, alice.client, blobKey)).text, 'second words');
  const updated = await files.update(blobKey, new Blob(['third words'], { type: 'text/plain' }));
  assert.equal(updated.error, null, updated.error?.message);
  assert.equal((await textOf(BUCKET, alice.client, blobKey)).text, 'third words');

  // Remove returns the removed rows; the object is then not found.
  const removed = await files.remove([blobKey, rawKey]);
  assert.equal(removed.error, null, removed.error?.message);
  assert.deepEqual(removed.data.map((row) => row.name).sort(), [blobKey, rawKey].sort());
  const gone = await files.download(blobKey);
  assertStorageError(gone.error, '404', 'download after remove');
  const empty = await files.list(folder);
  assert.deepEqual(empty.data, []);
});

test('a member of another agency cannot upload, read, list, sign, overwrite or remove (security case 14)', needsDatabase, async () => {
  const key = keyOf(alice);
  const own = await alice.client.storage.from(BUCKET).upload(key, 'confidential', { contentType: 'text/plain' });
  assert.equal(own.error, null, own.error?.message);
  const files = bob.client.storage.from(BUCKET);

  const intrusion = await files.upload(keyOf(alice), 'planted', { contentType: 'text/plain' });
  assertStorageError(intrusion.error, '403', 'upload into another agency');
  const overwrite = await files.upload(key, 'overwritten', { contentType: 'text/plain', upsert: true });
  assertStorageError(overwrite.error, '403', 'upsert over another agency\'s object');
  const update = await files.update(key, 'overwritten', { contentType: 'text/plain' });
  assert.ok(update.error, 'update of another agency\'s object');
  assertStorageError(await files.download(key).then((result) => result.error), '404', 'download');
  assertStorageError((await files.info(key)).error, '404', 'info');
  assertStorageError((await files.createSignedUrl(key, 60)).error, '404', 'signed URL');
  assert.deepEqual((await files.list(`${alice.agencyId}/${alice.clientId}`)).data, []);
  assert.deepEqual((await files.list(alice.agencyId)).data, []);
  // The bucket root shows Bob's agency folder at most, never Alice's.
  const root = await files.list('');
  assert.equal(root.error, null, root.error?.message);
  assert.ok(root.data.every((item) => item.name !== alice.agencyId), JSON.stringify(root.data));
  const removal = await files.remove([key]);
  assert.equal(removal.error, null, removal.error?.message);
  assert.deepEqual(removal.data, []);

  // Anonymous callers see nothing either.
  assertStorageError(await anonClient().storage.from(BUCKET).download(key).then((result) => result.error), '404', 'anonymous download');
  const anonymousUpload = await anonClient().storage.from(BUCKET).upload(keyOf(alice), 'x', { contentType: 'text/plain' });
  assertStorageError(anonymousUpload.error, '403', 'anonymous upload');

  // Alice's object is untouched.
  assert.equal((await textOf(BUCKET, alice.client, key)).text, 'confidential');
  // A key outside the agency's shape is refused by the policy even for its members.
  const misplaced = await alice.client.storage.from(BUCKET).upload(`${alice.agencyId}/${alice.clientId}/Notes.TXT`, 'x', { contentType: 'text/plain' });
  assertStorageError(misplaced.error, '403', 'key not of the required shape');
});

test('forged or expired tokens get no object', needsDatabase, async () => {
  assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (the project JWT secret)');
  const key = keyOf(alice);
  const files = alice.client.storage.from(BUCKET);
  assert.equal((await files.upload(key, 'secret', { contentType: 'text/plain' })).error, null);
  const folder = `${alice.agencyId}/${alice.clientId}`;
  const namesBefore = (await files.list(folder)).data.map((item) => item.name);
  assert.ok(namesBefore.includes(key.split('/')[2]));
  const now = nowSeconds();
  const claims = { sub: alice.user.id, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 600 };
  const forgeries = {
    'alg none': signJwt(claims, { alg: 'none' }),
    'wrong key': signJwt(claims, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    'service_role with a wrong key': signJwt({ ...claims, role: 'service_role' }, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    expired: signJwt({ ...claims, iat: now - 3600, exp: now - 60 }),
  };
  for (const [name, token] of Object.entries(forgeries)) {
    const forged = anonClient({ global: { headers: { Authorization: `Bearer ${token}` } } });
    const { data, error } = await forged.storage.from(BUCKET).download(key);
    assert.equal(data, null, name);
    assert.ok(error, name);
    assert.equal(error.status, 400, `${name}: ${error.message}`);
    assert.ok(['400', '401', '403'].includes(error.statusCode), `${name}: statusCode ${error.statusCode}`);
    const planted = await forged.storage.from(BUCKET).upload(keyOf(alice), 'planted', { contentType: 'text/plain' });
    assert.ok(planted.error, `${name}: upload refused`);
  }
  assert.deepEqual((await files.list(folder)).data.map((item) => item.name), namesBefore, 'nothing was planted');
  assert.equal((await textOf(BUCKET, alice.client, key)).text, 'secret');
  await files.remove([key]);
});

test('signed URLs download without credentials, for that object only, until they expire', needsDatabase, async () => {
  const files = alice.client.storage.from(BUCKET);
  const [key, other] = [keyOf(alice), keyOf(alice)];
  for (const [name, text] of [[key, 'signed content'], [other, 'other content']]) {
    assert.equal((await files.upload(name, text, { contentType: 'text/plain' })).error, null);
  }
  const signed = await files.createSignedUrl(key, 60);
  assert.equal(signed.error, null, signed.error?.message);
  const url = new URL(signed.data.signedUrl);
  assert.equal(url.origin, new URL(env.url).origin);
  assert.ok(url.pathname.endsWith(`/storage/v1/object/sign/${BUCKET}/${key}`), url.pathname);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'signed content');

  // The token names one object: swapped onto another key, or altered, it is refused.
  const swapped = new URL(url);
  swapped.pathname = swapped.pathname.replace(key, other);
  const refused = await fetch(swapped);
  assert.equal(refused.status, 400);
  assert.ok(['400', '403'].includes((await refused.json()).statusCode));
  const tampered = new URL(url);
  tampered.searchParams.set('token', `${url.searchParams.get('token')}x`);
  assert.equal((await fetch(tampered)).status, 400);

  // Several at once; a missing object gets an error entry.
  const many = await files.createSignedUrls([key, other, `${alice.agencyId}/${alice.clientId}/${randomUUID()}.txt`], 60);
  assert.equal(many.error, null, many.error?.message);
  assert.equal(many.data.length, 3);
  assert.equal(await (await fetch(many.data[1].signedUrl)).text(), 'other content');
  assert.ok(many.data[2].error, JSON.stringify(many.data[2]));

  // `download` makes it an attachment.
  const attachment = await files.createSignedUrl(key, 60, { download: 'call.txt' });
  const disposition = (await fetch(attachment.data.signedUrl)).headers.get('content-disposition');
  assert.match(disposition, /attachment/);
  assert.match(disposition, /call\.txt/);

  // Expired after its lifetime.
  const brief = await files.createSignedUrl(key, 1);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const expired = await fetch(brief.data.signedUrl);
  assert.equal(expired.status, 400);
  assert.equal((await expired.json()).statusCode, '400');
  await files.remove([key, other]);
});

test('public buckets serve objects without credentials; private buckets do not', async () => {
  const admin = serviceClient();
  const bucket = `compat-public-${randomBytes(4).toString('hex')}`;
  const created = await admin.storage.createBucket(bucket, { public: true });
  assert.equal(created.error, null, created.error?.message);
  const bucketInfo = await admin.storage.getBucket(bucket);
  assert.equal(bucketInfo.data.public, true);
  const name = 'logos/agency.txt';
  assert.equal((await admin.storage.from(bucket).upload(name, 'public words', { contentType: 'text/plain' })).error, null);

  const { data } = anonClient().storage.from(bucket).getPublicUrl(name);
  const response = await fetch(data.publicUrl);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'public words');
  assert.match(response.headers.get('content-type'), /^text\/plain/);
  const missing = await fetch(anonClient().storage.from(bucket).getPublicUrl('logos/none.txt').data.publicUrl);
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).statusCode, '404');

  // The same route on the private transcripts bucket reveals nothing.
  const privateUrl = anonClient().storage.from(BUCKET).getPublicUrl(`${randomUUID()}/${randomUUID()}/${randomUUID()}.txt`).data.publicUrl;
  const closed = await fetch(privateUrl);
  assert.equal(closed.status, 400);
  assert.ok(['400', '404'].includes((await closed.json()).statusCode));
});

test('bucket limits: a refused MIME type is statusCode 415, a too large object 413', async () => {
  const admin = serviceClient();
  const bucket = `compat-limits-${randomBytes(4).toString('hex')}`;
  const created = await admin.storage.createBucket(bucket, {
    public: false,
    fileSizeLimit: 1024,
    allowedMimeTypes: ['text/plain', 'image/*'],
  });
  assert.equal(created.error, null, created.error?.message);
  const files = admin.storage.from(bucket);
  assert.equal((await files.upload('fits.txt', 'x'.repeat(1024), { contentType: 'text/plain' })).error, null);
  assert.equal((await files.upload('fits.png', new Blob([new Uint8Array(10)], { type: 'image/png' }))).error, null);
  assertStorageError((await files.upload('big.txt', 'x'.repeat(1025), { contentType: 'text/plain' })).error, '413', 'raw body over the limit');
  assertStorageError((await files.upload('big.bin', new Blob(['x'.repeat(4096)], { type: 'text/plain' }))).error, '413', 'multipart over the limit');
  const wrongType = await files.upload('page.html', '<p>x</p>', { contentType: 'text/html' });
  assertStorageError(wrongType.error, '415', 'MIME type not allowed');
  // Nothing refused was stored.
  const listed = await files.list('');
  assert.deepEqual(listed.data.map((item) => item.name).sort(), ['fits.png', 'fits.txt']);
});

test('the transcripts bucket refuses types it does not list (statusCode 415)', needsDatabase, async () => {
  const refused = await alice.client.storage.from(BUCKET).upload(keyOf(alice, 'png'), new Blob([new Uint8Array(8)], { type: 'image/png' }));
  assertStorageError(refused.error, '415', 'image in the transcripts bucket');
});

test('hostile object names are refused with statusCode 400 and nothing is stored (security case 58)', async () => {
  const admin = serviceClient();
  const bucket = `compat-names-${randomBytes(4).toString('hex')}`;
  assert.equal((await admin.storage.createBucket(bucket)).error, null);
  const files = admin.storage.from(bucket);
  // Names that reach the server as written: fetch resolves `../`, `./`, their percent
  // encodings and `\` itself (the Rust tests send those raw).
  const hostile = {
    'right-to-left override': 'invoice\u202Etxt.exe',
    'zero-width space': 'a\u200Bb.txt',
    'control character': 'a\u0007b.txt',
  };
  for (const [what, name] of Object.entries(hostile)) {
    const { error } = await files.upload(name, 'x', { contentType: 'text/plain' });
    assertStorageError(error, '400', what);
  }
  const longName = `${'a'.repeat(1021)}.txt`;
  assert.equal(Buffer.byteLength(longName), 1025);
  const tooLong = await files.upload(longName, 'x', { contentType: 'text/plain' });
  assert.ok(tooLong.error, '1,025-byte name');
  // Spaces, quotes and the other allowed punctuation are fine.
  const fine = "Call notes (v2), 'final' & more; a=b+c @ 9:30!.txt";
  assert.equal((await files.upload(fine, 'ok', { contentType: 'text/plain' })).error, null);
  assert.equal(await (await files.download(fine)).data.text(), 'ok');
  const listed = await files.list('');
  assert.deepEqual(listed.data.map((item) => item.name), [fine]);
});

test('the 1,025-byte name is refused as InvalidKey', localOnly('hosted reports the key length limit from its S3 backend'), async () => {
  const admin = serviceClient();
  const bucket = `compat-long-${randomBytes(4).toString('hex')}`;
  assert.equal((await admin.storage.createBucket(bucket)).error, null);
  const tooLong = await admin.storage.from(bucket).upload(`${'a'.repeat(1021)}.txt`, 'x', { contentType: 'text/plain' });
  assertStorageError(tooLong.error, '400', '1,025-byte name');
  assert.equal(tooLong.error.code, 'InvalidKey');
});
