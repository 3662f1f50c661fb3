// From uploaded transcripts to the forensic report: start an analysis → watch it (batch k of
// n, transcripts done, the distribution filling in) → the report (awareness chart, a card per
// stage, outcome phrases, each transcript's stage with confidence) → a quote opens its
// transcript at the quote. The progress survives a reload, and the owner of another agency
// sees none of it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { demo, goodPassword, uniqueEmail } from './support/env.mjs';
import { SignInPage, SignUpPage, WelcomePage } from './pages/auth.mjs';
import { ClientForm, ClientPage, DashboardPage } from './pages/app.mjs';
import { AnalysisTab, TranscriptViewer, TranscriptsTab, logConsoleErrors } from './pages/transcripts.mjs';

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

/** How long the report may take to arrive live: under the page's 90 s stall check. */
const LIVE_REPORT_MS = 75_000;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('start an analysis, watch it, read the report and open a quote in its transcript', async () => {
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
  const clientUrl = page.url().replace(/\/$/, '');

  await client.tab('Transcripts');
  const transcripts = new TranscriptsTab(page);
  await transcripts.pick(calls);
  await transcripts.waitForSaved(calls.length);

  await client.tab('Analysis');
  const analysis = new AnalysisTab(page);
  await visible(page.getByText(/No report yet/));
  await shot(page, 'before');
  await analysis.startButton.click();
  // Live progress, in words a person reads, then the report (the run takes seconds).
  await visible(page.getByRole('heading', { name: /^(Starting the analysis…|Analyzing batch \d+ of \d+|Analysis complete)$/ }), 30_000);
  await shot(page, 'progress');
  // The report arrives live, from the job's broadcasts, without a reload; and sooner than the
  // page's stall check (STALL_MS, 90 s) would re-read the job and hide a page deaf to them.
  await analysis.expectReport(LIVE_REPORT_MS);
  // A reload finds the finished job's report again: nothing is lost.
  await page.reload();
  await analysis.expectReport();
  await shot(page, 'report');

  const report = analysis.report;
  // Every analyzed call is in the distribution and in the per-transcript list.
  const based = (await report.textContent()).match(/Based on (\d+) analyzed calls?/);
  assert.ok(based, 'the report says how many calls it rests on');
  const analyzed = Number(based[1]);
  assert.equal(analyzed, calls.length, 'every uploaded call is analyzed');
  await visible(report.getByRole('heading', { name: `Each transcript (${analyzed} of ${analyzed})` }));
  await visible(analysis.chart);
  const legend = await report.locator('.chart__legend').textContent();
  const shares = [...legend.matchAll(/\((\d+)%\)/g)].map((match) => Number(match[1]));
  assert.equal(shares.length, 3, legend);
  assert.equal(shares.reduce((sum, share) => sum + share, 0), 100, legend);
  const cards = report.getByRole('article');
  assert.ok((await cards.count()) >= 1, 'a card per stage found');
  const firstCard = await cards.first().textContent();
  for (const section of ['Top pains', 'Objections by kind', 'Buying signals', 'Their own words', 'Evidence']) {
    assert.ok(firstCard.includes(section), `${section} in the stage card`);
  }
  await visible(report.getByRole('heading', { name: 'Words that go with the outcome' }));
  const perTranscript = report.getByRole('list', { name: 'Stage of each transcript' });
  await visible(perTranscript.getByRole('listitem').first());
  assert.match(await perTranscript.textContent(), /(High|Medium|Low) \(\d+%\)/);

  // An evidence quote opens its transcript at the quote, marked.
  const quote = report.locator('.quote').first();
  const said = (await quote.locator('.quote__text').textContent()).replace(/^“|”$/g, '');
  await quote.getByRole('link').click();
  await page.waitForURL(/\/transcripts\/[0-9a-f-]{36}\?turn=\d+/);
  const viewer = new TranscriptViewer(page);
  await visible(viewer.turns.getByRole('listitem').first());
  await visible(page.getByText(/^Showing turn \d+ of \d+, where the quote was said\.$/));
  await visible(viewer.markedQuote().first());
  const marked = await viewer.markedQuote().first().textContent();
  assert.ok(said.toLowerCase().startsWith(marked.toLowerCase().slice(0, 20)), `${marked} is the quote ${said}`);
  await shot(page, 'quote-in-transcript');
  await page.assertClean();

  // The owner of another agency sees none of it, by any address.
  const other = await openPage(browser);
  const signIn = new SignInPage(other);
  await signIn.goto();
  await signIn.signIn(demo.otherAgencyOwner);
  await new DashboardPage(other).expectShown();
  for (const path of ['/analysis', '/transcripts', new URL(page.url()).pathname.replace(/^\/clients\/[^/]+/, '')]) {
    await other.goto(`${clientUrl}${path}`);
    await visible(other.getByRole('heading', { name: 'Client not found', level: 1 }));
    assert.equal(await other.getByText(said).count(), 0);
  }
  await shot(other, 'other-agency');
  await other.assertClean();
});
