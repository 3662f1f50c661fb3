// Role correction: an Otter export names its speakers "Speaker 1" and "Speaker 2", so the
// browser guesses who is the rep from how each one talks, and the preview says so. The user
// knows better and sets both speakers' roles — one right after the upload, the other later in
// the stored list — and the corrections are kept (reloads, the API as that user, the viewer)
// and are what the analysis uses: the analyzed transcript has the user's roles, at full
// confidence, not the guess.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { readAsUser } from './support/api.mjs';
import { AnalysisTab, TranscriptViewer, TranscriptsTab, freshClient, logConsoleErrors } from './pages/transcripts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ingest = (name) => join(root, 'crates/engine/testdata/ingest', name);
const otter = 'otter_export.txt';
const labels = { rep: 'Rep', prospect: 'Prospect', unknown: 'Not sure' };
const opposite = (role) => (role === 'rep' ? 'prospect' : 'rep');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a corrected speaker role is kept and is what the analysis uses', async () => {
  const page = await openPage(browser);
  logConsoleErrors(page, 'roles');
  const shot = screenshots('roles');
  const client = await freshClient(page, 'Harbor Smiles Dental', { owner: 'Riley Roles', agency: 'Roles Test Agency' });
  const tab = new TranscriptsTab(page);
  await tab.expectShown();
  await tab.pick([ingest(otter), ingest('call_2025_06_17_no-show.txt')]);
  await tab.waitForSaved(2);

  // The preview shows the guessed roles; the corrections panel offers the same, as guesses.
  const line = tab.upload(otter);
  const preview = await line.locator('.upload-row__preview').textContent();
  const previewed = preview.match(/2 speakers \(Speaker 1: (rep|prospect|not sure), Speaker 2: (rep|prospect|not sure)\)/);
  assert.ok(previewed, `the preview names both speakers with a role: ${preview}`);
  await line.getByRole('button', { name: 'Roles and outcome' }).click();
  const guessed = {};
  for (const speaker of ['Speaker 1', 'Speaker 2']) {
    const correction = tab.roleOf(line, speaker);
    guessed[speaker] = await correction.locator('select').inputValue();
    assert.match(await correction.locator('.corrections__hint').textContent(), /^guessed, \d+% sure$/);
  }
  assert.notEqual(guessed['Speaker 1'], 'unknown', 'the browser guesses a role for the speaker who leads the call');
  assert.equal(labels[guessed['Speaker 1']].toLowerCase(), previewed[1]);
  assert.equal(labels[guessed['Speaker 2']].toLowerCase(), previewed[2]);
  // The user's roles: each speaker the other way round from the guess.
  const corrected = { 'Speaker 1': opposite(guessed['Speaker 1']) };
  corrected['Speaker 2'] = opposite(corrected['Speaker 1']);
  assert.notEqual(corrected['Speaker 2'], guessed['Speaker 2'], 'both corrections change the guess');
  await shot(page, 'guessed');

  // Corrected in the uploader, right after the upload: saved, marked as the user's.
  const first = tab.roleOf(line, 'Speaker 1');
  await first.locator('select').selectOption(corrected['Speaker 1']);
  await visible(first.getByText('set by you', { exact: true }));
  assert.match(await line.locator('.upload-row__preview').textContent(), new RegExp(`Speaker 1: ${corrected['Speaker 1']}`));
  await shot(page, 'corrected-in-uploader');

  // After a reload the stored list has it; the second speaker is corrected there.
  await page.reload();
  await tab.expectShown();
  await tab.search(otter);
  const row = tab.storedRow(otter);
  await row.getByRole('button', { name: 'Roles and outcome' }).click();
  assert.equal(await tab.roleOf(row, 'Speaker 1').locator('select').inputValue(), corrected['Speaker 1']);
  await visible(tab.roleOf(row, 'Speaker 1').getByText('set by you', { exact: true }));
  assert.equal(await tab.roleOf(row, 'Speaker 2').locator('select').inputValue(), guessed['Speaker 2']);
  await tab.roleOf(row, 'Speaker 2').locator('select').selectOption(corrected['Speaker 2']);
  await visible(tab.roleOf(row, 'Speaker 2').getByText('set by you', { exact: true }));
  await shot(page, 'corrected-in-list');

  await page.reload();
  await tab.expectShown();
  await tab.search(otter);
  await tab.storedRow(otter).getByRole('button', { name: 'Roles and outcome' }).click();
  for (const speaker of ['Speaker 1', 'Speaker 2']) {
    const correction = tab.roleOf(tab.storedRow(otter), speaker);
    assert.equal(await correction.locator('select').inputValue(), corrected[speaker], `${speaker} after a reload`);
    await visible(correction.getByText('set by you', { exact: true }));
  }

  // The row as the user reads it through the API: the roles, marked as corrected by the user.
  const rows = await readAsUser(page, `transcripts?select=id,speakers&file_name=eq.${encodeURIComponent(otter)}`);
  assert.equal(rows.length, 1);
  const transcriptId = rows[0].id;
  assert.deepEqual(
    rows[0].speakers.map(({ name, role, corrected_by_user }) => ({ name, role, corrected_by_user })),
    ['Speaker 1', 'Speaker 2'].map((name) => ({ name, role: corrected[name], corrected_by_user: true })),
  );

  // The viewer shows the corrected roles, on the speakers and on each turn.
  await tab.storedRow(otter).getByRole('link', { name: otter, exact: true }).click();
  const viewer = new TranscriptViewer(page);
  await viewer.expectShown(otter);
  const speakers = await viewer.speakers.getByRole('listitem').allTextContents();
  assert.deepEqual(
    speakers,
    ['Speaker 1', 'Speaker 2'].map((name) => `${name} — ${labels[corrected[name]]} (set by you)`),
  );
  const opening = viewer.turn(1);
  assert.equal(await opening.locator('.turn__speaker').textContent(), 'Speaker 1');
  assert.equal(await opening.locator('.turn__role').textContent(), labels[corrected['Speaker 1']]);
  await shot(page, 'viewer');

  // The analysis works with the user's roles: the analyzed transcript carries them, at full
  // confidence (a guess never is), not the guess.
  await client.tab('Analysis');
  const analysis = new AnalysisTab(page);
  await analysis.startButton.click();
  await analysis.expectReport();
  await visible(analysis.report.getByRole('list', { name: 'Stage of each transcript' }).getByRole('link', { name: otter, exact: true }));
  const insights = await readAsUser(
    page,
    `transcript_insights?select=speakers:insights->speakers&transcript_id=eq.${transcriptId}`,
  );
  assert.equal(insights.length, 1, 'the transcript was analyzed once');
  assert.deepEqual(
    insights[0].speakers.map(({ name, role, confidence }) => ({ name, role, confidence })),
    ['Speaker 1', 'Speaker 2'].map((name) => ({ name, role: corrected[name], confidence: 1 })),
  );
  await shot(page, 'report');
  await page.assertClean();
});
