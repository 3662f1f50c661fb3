// A new agency's first upload: drop 20 transcripts of mixed formats (WebVTT, SRT, Otter,
// Gong and Fireflies JSON, pasted notes in several encodings, two carrying markup meant to
// run) including one unreadable file → the per-file error while the 19 others are parsed,
// previewed and saved → a re-dropped copy is recognised as a duplicate → the outcome is
// corrected and kept → the organizer filters and selects → the viewer shows the turns, the
// markup as text. No script from any file runs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { TranscriptViewer, TranscriptsTab, freshClient, logConsoleErrors } from './pages/transcripts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ingest = (name) => join(root, 'crates/engine/testdata/ingest', name);
const ours = (name) => join(root, 'e2e/browser/testdata/transcripts', name);

const xssFileName = '<img src=x onerror=window.__xss++>.txt';
const readable = [
  ingest('2025-03-04 Dr. Marcus Chen - showed.vtt'),
  ingest('Dana Reyes <> Harbor Smiles - closed won.srt'),
  ingest('bold_names.md'),
  ingest('bomless_utf16be.txt'),
  ingest('bracketed_names_bom.srt'),
  ingest('call_2025_06_17_no-show.txt'),
  ingest('fireflies_call.json'),
  ingest('gong_call_with_parties.json'),
  ingest('gong_seconds_no_parties.json'),
  ingest('google_doc_paste.txt'),
  ingest('messy_asr_zoom.vtt'),
  ingest('nul_riddled.txt'),
  ingest('otter_export.txt'),
  ingest('teams_discovery_call.vtt'),
  ingest('windows1252_notes.txt'),
  join(root, 'crates/engine/testdata/analysis/discovery-product.txt'),
  join(root, 'crates/engine/testdata/analysis/messy-zoom.vtt'),
  ours(xssFileName),
  ours('pasted-notes-xss-in-text.txt'),
];
const unreadable = ingest('photo_renamed.vtt');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('twenty mixed files: one clear error, nineteen parsed, previewed and saved', async () => {
  assert.equal(readable.length + 1, 20);
  const page = await openPage(browser);
  logConsoleErrors(page, 'transcripts');
  const shot = screenshots('transcripts');
  await freshClient(page, 'Harbor Smiles Dental');
  const tab = new TranscriptsTab(page);
  await tab.expectShown();
  await visible(page.getByText('No transcripts stored yet. Drop files above to add some.'));
  await shot(page, 'empty');

  await tab.pick([...readable.slice(0, 10), unreadable, ...readable.slice(10)]);
  await tab.waitForSaved(19);
  assert.equal(await tab.summary.textContent(), '19 of 20 files read, 1 could not be read, 19 saved.');
  await shot(page, 'uploaded');

  // The unreadable file says why, in words; the others went on.
  const broken = tab.upload('photo_renamed.vtt');
  await visible(broken);
  assert.match(await broken.textContent(), /Could not be read: this is not a text transcript \(it looks like a PNG image\)/);

  // The instant preview: format, speakers and roles, date, outcome from the file name.
  const marcus = tab.upload('2025-03-04 Dr. Marcus Chen - showed.vtt');
  await visible(marcus.getByText('Saved', { exact: true }));
  const preview = await marcus.locator('.upload-row__preview').textContent();
  assert.match(preview, /WebVTT/);
  assert.match(preview, /\d speakers? \(/);
  assert.match(preview, /(rep|prospect)/);
  assert.match(preview, /2025-03-04/);
  assert.match(preview, /outcome: showed/);
  assert.match(await tab.upload('fireflies_call.json').locator('.upload-row__preview').textContent(), /Fireflies/);

  // The stored list has the nineteen, the markup-named file by its name as text.
  await visible(tab.library.getByRole('heading', { name: 'Stored transcripts (19)' }));
  await tab.search(xssFileName);
  await visible(tab.storedRow(xssFileName));
  await shot(page, 'stored');
  await tab.search('');

  // The same content again (a UTF-16 copy of a stored call), dropped: recognised, skipped.
  await tab.uploader.getByRole('button', { name: 'Clear the list' }).click();
  await tab.drop([ingest('teams_utf16le.vtt')]);
  const duplicate = tab.upload('teams_utf16le.vtt');
  await visible(duplicate.getByText(/Already uploaded \(as “teams_discovery_call\.vtt”\) — skipped/), 30_000);
  assert.match(await tab.summary.textContent(), /1 already uploaded/);
  await visible(tab.library.getByRole('heading', { name: 'Stored transcripts (19)' }));
  await shot(page, 'duplicate');

  // Correct an outcome; it is kept across a reload.
  await tab.search('google_doc_paste');
  const row = tab.storedRow('google_doc_paste.txt');
  await row.getByRole('button', { name: 'Roles and outcome' }).click();
  await row.getByLabel('Outcome of the call').selectOption({ label: 'No-show' });
  await visible(row.locator('.library-row__outcome').getByText('No-show'));
  await shot(page, 'outcome-corrected');
  await page.reload();
  await tab.expectShown();
  await tab.search('google_doc_paste');
  await visible(tab.storedRow('google_doc_paste.txt').locator('.library-row__outcome').getByText('No-show'));

  // The organizer: filter by outcome, select what is shown for an analysis.
  await tab.search('');
  await tab.library.getByLabel('Outcome', { exact: true }).selectOption({ label: 'No-show' });
  // Exactly the two no-shows: the one named so in its file, and the one just corrected.
  const shown = 2;
  await tab.library.getByLabel(`Select all ${shown} shown`).check();
  assert.equal(await tab.stored.getByRole('listitem').count(), shown, 'only the no-show calls are listed');
  await visible(tab.library.getByRole('button', { name: `Analyze selected (${shown})` }));
  assert.ok(await tab.library.getByRole('button', { name: `Analyze selected (${shown})` }).isEnabled());
  await shot(page, 'organizer');
  await tab.library.getByRole('button', { name: 'Reset filters' }).click();
  await tab.search(xssFileName);

  // The viewer: turns with speakers and roles; markup in names and text is shown as text.
  await tab.storedRow(xssFileName).getByRole('link', { name: xssFileName, exact: true }).click();
  const viewer = new TranscriptViewer(page);
  await viewer.expectShown(xssFileName);
  const turns = await viewer.turns.textContent();
  assert.match(turns, /<script>window\.__xss\+\+<\/script>/);
  assert.match(turns, /We keep losing leads/);
  await shot(page, 'viewer');
  await page.assertClean();
});
