// Storage through storage-js (contract §4): the app's private `transcripts` bucket, whose
// policies keep each agency in its own `<agency_id>/<client_id>/` folders; upload, list,
// download, signed URLs, upsert and remove; refusals across agencies, bad names and limits.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { serviceClient } from './helpers.mjs';
import { agencyOwner, must } from './storage-agency-fixtures.mjs';

const BUCKET = 'transcripts';
let owner;
let stranger;

before(async () => {
  owner = await agencyOwner('storage-owner');
  stranger = await agencyOwner('storage-stranger');
});

/** A key in the owner's client folder, as the app generates them. */
function ownerKey(extension = 'vtt') {
  return `${owner.agency.id}/${owner.customer.id}/${randomUUID()}.${extension}`;
}

const vtt = (text) => new Blob([`WEBVTT\n\n00:00.000 --> 00:01.000\n${text}\n`], { type: 'text/vtt' });

test('a member uploads, lists, downloads, signs and removes in their agency folder', async () => {
  const storage = owner.client.storage.from(BUCKET);
  const key = ownerKey();
  const uploaded = must(await storage.upload(key, vtt('hello'), { contentType: 'text/vtt' }), 'upload');
  assert.equal(uploaded.path, key);
  assert.equal(uploaded.fullPath, `${BUCKET}/${key}`);
  assert.match(uploaded.id, /^[0-9a-f-]{36}$/);

  const folder = `${owner.agency.id}/${owner.customer.id}`;
  const listed = must(await storage.list(folder), 'list');
  const entry = listed.find((item) => `${folder}/${item.name}` === key);
  assert.ok(entry, `listing of ${folder} has the object: ${JSON.stringify(listed)}`);
  assert.equal(entry.metadata.mimetype, 'text/vtt');
  const root = must(await storage.list(owner.agency.id), 'list agency folder');
  assert.deepEqual(root.map((item) => [item.name, item.id]), [[owner.customer.id, null]]);

  const downloaded = must(await storage.download(key), 'download');
  assert.match(await downloaded.text(), /hello/);

  const { signedUrl } = must(await storage.createSignedUrl(key, 60), 'createSignedUrl');
  const shared = await fetch(signedUrl); // no apikey, no session
  assert.equal(shared.status, 200);
  assert.match(await shared.text(), /hello/);

  const again = await storage.upload(key, vtt('again'), { contentType: 'text/vtt' });
  assert.equal(again.error?.statusCode, '409');
  must(await storage.upload(key, vtt('replaced'), { contentType: 'text/vtt', upsert: true }), 'upsert');
  assert.match(await must(await storage.download(key), 'download').text(), /replaced/);

  const removed = must(await storage.remove([key]), 'remove');
  assert.equal(removed.length, 1);
  const gone = await storage.download(key);
  assert.equal(gone.error?.statusCode, '404');
});

test('a member of another agency can neither read, write, sign, list nor remove', async () => {
  const key = ownerKey();
  must(await owner.client.storage.from(BUCKET).upload(key, vtt('secret'), { contentType: 'text/vtt' }), 'upload');
  const theirs = stranger.client.storage.from(BUCKET);

  assert.equal((await theirs.download(key)).error?.statusCode, '404');
  const write = await theirs.upload(ownerKey(), vtt('intrusion'), { contentType: 'text/vtt' });
  assert.equal(write.error?.statusCode, '403');
  assert.equal((await theirs.createSignedUrl(key, 60)).error?.statusCode, '404');
  assert.deepEqual(must(await theirs.list(`${owner.agency.id}/${owner.customer.id}`), 'list'), []);
  assert.deepEqual(must(await theirs.list(''), 'list root'), []);
  assert.deepEqual(must(await theirs.remove([key]), 'remove'), []);
  // Their own folder works, and the owner's object is untouched.
  const own = `${stranger.agency.id}/${stranger.customer.id}/${randomUUID()}.txt`;
  must(await theirs.upload(own, new Blob(['mine'], { type: 'text/plain' }), { contentType: 'text/plain' }), 'own upload');
  assert.match(await must(await owner.client.storage.from(BUCKET).download(key), 'download').text(), /secret/);
});

// (Traversal like `../` never leaves a client: URL parsing resolves it. The stand-in's own
// tests send those names raw: crates/supabase-local/tests/storage.rs.)
test('object names that hide characters or overflow are refused', async () => {
  const storage = owner.client.storage.from(BUCKET);
  const folder = `${owner.agency.id}/${owner.customer.id}`;
  for (const name of [
    `${folder}/invoice\u202Etxt.exe`,
    `${folder}/zero\u200Bwidth.txt`,
    `${folder}/${'a'.repeat(1025)}.txt`,
  ]) {
    const { error } = await storage.upload(name, new Blob(['x'], { type: 'text/plain' }), { contentType: 'text/plain' });
    assert.equal(error?.statusCode, '400', `${JSON.stringify(name)}: ${error?.message}`);
    assert.match(error.message, /^Invalid key/);
  }
});

test('bucket size and MIME limits are enforced with the hosted error codes', async () => {
  const admin = serviceClient();
  const bucket = `limits-${randomUUID().slice(0, 8)}`;
  must(
    await admin.storage.createBucket(bucket, { public: false, fileSizeLimit: 16, allowedMimeTypes: ['text/plain'] }),
    'createBucket',
  );
  const storage = admin.storage.from(bucket);
  must(await storage.upload('fits.txt', new Blob(['0123456789abcdef'], { type: 'text/plain' })), 'upload 16 bytes');
  const large = await storage.upload('large.txt', new Blob(['0123456789abcdefg'], { type: 'text/plain' }));
  assert.equal(large.error?.statusCode, '413');
  const image = await storage.upload('pixel.png', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }));
  assert.equal(image.error?.statusCode, '415');
  const info = must(await admin.storage.getBucket(bucket), 'getBucket');
  assert.equal(info.file_size_limit, 16);
});
