// A folder of transcripts, as agencies keep them (e2e/browser/testdata/folder/Q3 sales calls:
// calls in subfolders two levels deep, a logo picture among them, and the .DS_Store a Mac
// leaves behind), added two ways: picked with "Choose a folder" and dragged from the disk onto
// the drop zone. Either way every transcript in every subfolder is read, previewed and saved,
// the picture gets its own clear error, and the system file is skipped without a word.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { TranscriptsTab, freshClient, logConsoleErrors } from './pages/transcripts.mjs';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'testdata/folder/Q3 sales calls');
// Every transcript under the folder, wherever it sits, with what its preview must say.
const transcripts = {
  '2025-07-08 Priya Natarajan - showed.vtt': [/^WebVTT/, /2 speakers \(/, /2025-07-08/, /outcome: showed/],
  '2025-07-15 Tom Alvarez - no-show.srt': [/^SRT/, /2 speakers \(/, /2025-07-15/, /outcome: no-show/],
  'otter call jenna.txt': [/Otter/, /2 speakers \(Speaker 1: \w+, Speaker 2: \w+\)/],
  '2025-08-02 Sam Ortiz.txt': [/^Speaker: text/, /2 speakers \(/, /2025-08-02/],
};
const picture = 'clinic-logo.png';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Everything in the folder was read; the four calls are saved and listed. */
async function expectFolderUploaded(page, tab, shot) {
  await tab.waitForSaved(4);
  assert.equal(await tab.summary.textContent(), '4 of 5 files read, 1 could not be read, 4 saved.');
  await shot(page, 'uploaded');

  // Five lines: the four calls and the picture; .DS_Store is not a file anyone dropped on purpose.
  const lines = (await tab.uploads.locator('.upload-row__name').allTextContents()).sort();
  assert.deepEqual(lines, [...Object.keys(transcripts), picture].sort());
  for (const [name, preview] of Object.entries(transcripts)) {
    const line = tab.upload(name);
    await visible(line.getByText('Saved', { exact: true }));
    const text = await line.locator('.upload-row__preview').textContent();
    for (const expected of preview) {
      assert.match(text, expected, `${name}: ${text}`);
    }
  }
  assert.match(
    await tab.upload(picture).textContent(),
    /Could not be read: this is not a text transcript \(it looks like a PNG image\)/,
  );

  await visible(tab.library.getByRole('heading', { name: 'Stored transcripts (4)' }));
  for (const name of Object.keys(transcripts)) {
    await visible(tab.storedRow(name));
  }
  await shot(page, 'stored');
  await page.assertClean();
}

/** A new agency's client gets the folder through `add`, then everything must be there. */
async function uploadFolder(group, add) {
  const page = await openPage(browser);
  logConsoleErrors(page, group);
  await freshClient(page, 'Lakeside Physio', { agency: `Agency ${group}` });
  const tab = new TranscriptsTab(page);
  await tab.expectShown();
  await add(tab);
  await expectFolderUploaded(page, tab, screenshots(group));
}

test('a folder picked with "Choose a folder": every call in its subfolders is saved', async () => {
  await uploadFolder('folder-picked', (tab) => tab.pickFolder(folder));
});

test('a folder dragged from the disk onto the drop zone: every call in its subfolders is saved', async () => {
  await uploadFolder('folder-dropped', (tab) => tab.dropFromDisk([folder]));
});
