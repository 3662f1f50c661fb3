// From uploaded transcripts to a running analysis: start it → watch it (batch k of n,
// transcripts done, the distribution filling in) → reload: the job is found again and followed.
// The report half of the flow is a FIXME below.

import { after, before, test } from 'node:test';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { goodPassword, uniqueEmail } from './support/env.mjs';
import { SignUpPage, WelcomePage } from './pages/auth.mjs';
import { ClientForm, ClientPage, DashboardPage } from './pages/app.mjs';
import { AnalysisTab, TranscriptsTab, logConsoleErrors } from './pages/transcripts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ingest = (name) => join(root, 'crates/engine/testdata/ingest', name);
const calls = [
  ingest('2025-03-04 Dr. Marcus Chen - showed.vtt'),
  ingest('Dana Reyes <> Harbor Smiles - closed won.srt'),
  ingest('call_2025_06_17_no-show.txt'),
  ingest('fireflies_call.json'),
  ingest('gong_call_with_parties.json'),
  ingest('google_doc_paste.txt'),
  ingest('otter_export.txt'),
  ingest('teams_discovery_call.vtt'),
  join(root, 'crates/engine/testdata/analysis/discovery-product.txt'),
  join(root, 'crates/engine/testdata/analysis/messy-zoom.vtt'),
  join(root, 'e2e/browser/testdata/transcripts/pasted-notes-xss-in-text.txt'),
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('start an analysis and follow its progress, also after a reload', async () => {
  const page = await openPage(browser);
  logConsoleErrors(page, 'analysis');
  const shot = screenshots('analysis');
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp({ name: 'Alex Analyst', email: uniqueEmail('analyst'), password: goodPassword });
  const welcome = new WelcomePage(page);
  await welcome.expectShown();
  await welcome.create(`Analysis Test Agency ${Date.now().toString(36)}`);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await dashboard.newClient();
  const form = new ClientForm(page);
  await form.fill({ name: 'Lakeside Growth Partners', industry: 'b2b services', currentShowRate: '55', targetShowRate: '75' });
  await form.submit('Add client');
  const client = new ClientPage(page);
  await client.expectShown('Lakeside Growth Partners');

  await client.tab('Transcripts');
  const transcripts = new TranscriptsTab(page);
  await transcripts.pick(calls);
  await page.waitForFunction(
    (count) => new RegExp(`${count} saved`).test(document.querySelector('.uploader__summary')?.textContent ?? ''),
    calls.length,
    { timeout: 90_000 },
  );

  await client.tab('Analysis');
  const analysis = new AnalysisTab(page);
  await visible(page.getByText(/No report yet/));
  await shot(page, 'before');
  await analysis.startButton.click();
  // Live progress, in words a person reads.
  await visible(page.getByRole('heading', { name: /^(Starting the analysis…|Analyzing batch \d+ of \d+|Analysis complete)$/ }), 30_000);
  await shot(page, 'progress');
  // A reload finds the job again (or its finished report): nothing is lost.
  await page.reload();
  await visible(page.getByRole('heading', { name: /^(Starting the analysis…|Analyzing batch \d+ of \d+|Forensic report)$/ }).first(), 60_000);
  await shot(page, 'progress-after-reload');

  // FIXME: in the browser suite on this machine the job stayed at "0 of 11 transcripts
  // analyzed" for the 90 s the test waited (the same `analyze` completes in the edge suite).
  // Once it completes here, continue with: analysis.expectReport(); "Based on N analyzed
  // calls" equal to "Each transcript (N of N)"; the chart's three shares add up to 100; a
  // stage card with Top pains, Objections by kind, Buying signals, Their own words and
  // Evidence; "Words that go with the outcome"; "(High|Medium|Low) (NN%)" per transcript;
  // the first evidence quote's link opens /transcripts/<id>?turn=N with the quote marked;
  // the owner of another agency gets "Client not found" on the client's /analysis,
  // /transcripts and viewer addresses.
});
