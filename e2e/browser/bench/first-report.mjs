// `cargo xtask bench-web`: the "done" path, timed in Debian's headless Chromium. The
// demo owner opens a new client, picks a folder of FOLDER's calls with "Choose a folder"
// (generated transcripts in every upload format, with their manifest.csv of outcomes), waits
// until every call is saved, starts the analysis and reads the report. Prints the time of each
// step by the page's wall clock, and the total against the bar of "a useful report within a
// minute". A benchmark, not a test: it fails only when the page does not get there.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { launch, screenshots, visible } from '../support/browser.mjs';
import { env } from '../support/env.mjs';
import { rest } from '../support/api.mjs';
import { ClientPage } from '../pages/app.mjs';
import { AnalysisTab, TranscriptsTab } from '../pages/transcripts.mjs';
import { demoOwnerContext } from './session.mjs';

const folder = process.env.FOLDER;
const agencyId = 'a9e0c1e5-0000-4000-8000-000000000001'; // Northwind Growth (supabase/seed.sql)
const calls = readdirSync(folder).filter((name) => !name.toLowerCase().endsWith('.csv'));
const megabytes = calls.reduce((sum, name) => sum + statSync(join(folder, name)).size, 0) / 1e6;

const [client] = await rest('POST', 'clients', {
  agency_id: agencyId,
  name: `First Report ${Date.now().toString(36)}`,
  industry: 'business coaching',
  offer: 'a six-month leadership program',
});

const browser = await launch();
try {
  const context = await demoOwnerContext(browser);
  const page = await context.newPage();
  const shot = screenshots('bench-first-report');
  const seconds = (from) => ((performance.now() - from) / 1000).toFixed(1);

  await page.goto(`${env.webUrl}/clients/${client.id}`);
  const clientPage = new ClientPage(page);
  await clientPage.expectShown(client.name);
  await clientPage.tab('Transcripts');
  const transcripts = new TranscriptsTab(page);

  const picked = performance.now();
  await transcripts.pickFolder(folder);
  await transcripts.waitForSaved(calls.length, 300_000);
  const saved = seconds(picked);
  await shot(page, 'saved');

  await clientPage.tab('Analysis');
  const analysis = new AnalysisTab(page);
  const started = performance.now();
  await analysis.startButton.click();
  await analysis.expectReport(300_000);
  await visible(analysis.report.getByRole('heading', { name: `Each transcript (${calls.length} of ${calls.length})` }), 30_000);
  const analyzed = seconds(started);
  const total = seconds(picked);
  const based = (await analysis.report.textContent()).match(/Based on (\d+) analyzed calls?/);
  assert.equal(Number(based?.[1]), calls.length, 'the report rests on every call of the folder');
  await shot(page, 'report');

  console.log(`A folder of ${calls.length} calls (${megabytes.toFixed(1)} MB, with manifest.csv) to the report:`);
  console.log(`  picked → every call parsed and saved:  ${saved} s`);
  console.log(`  "Start analysis" → the report, live:    ${analyzed} s`);
  console.log(`  total:                                  ${total} s (the bar: a useful report within 60 s)`);
} finally {
  await browser.close();
}
