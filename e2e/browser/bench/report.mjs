// `cargo xtask bench-web`: the forensic report of 1,000 transcripts, in Debian's headless
// Chromium. Seeds, with the service role, a client of the demo agency with TRANSCRIPTS (1,000)
// parsed transcripts and a finished analysis (the job, its batches, one transcript_insights
// row per transcript, the analysis_results report with full segment profiles), then per round
// opens the client's Analysis tab as the demo owner and measures:
//   - navigation → the report on screen (the per-transcript list's heading "Each transcript
//     (1000 of 1000)" and its first row visible), by the page's clock (zero at navigation);
//   - main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) while loading and while
//     scrolling the per-transcript list to its last row with the mouse wheel: the longest, and
//     the total blocking time (the sum of each task's time over 50 ms);
//   - the DOM nodes inside the list and its rendered rows, at the bottom (virtualization keeps
//     them a few dozen whatever the count), and in the whole document;
//   - long tasks while the thousand results are ordered anew ("Least confident first").
// Each load ends with a deliberate 120 ms task that the observer must see (else the figures
// would be meaningless, and the script fails). The first load's list, scrolled to its end, is
// saved under e2e/screenshots/bench-report/.
// Prints every round and the median / worst. A benchmark, not a test: nothing here fails on
// a figure, only when the page does not show what it must.

import { createHash, randomUUID } from 'node:crypto';
import { launch, screenshots, visible } from '../support/browser.mjs';
import { env } from '../support/env.mjs';
import { rest } from '../support/api.mjs';
import { demoOwnerContext } from './session.mjs';

const count = Number(process.env.TRANSCRIPTS || 1000);
const rounds = Number(process.env.REPORT_ROUNDS || 3);
const agencyId = 'a9e0c1e5-0000-4000-8000-000000000001'; // Northwind Growth (supabase/seed.sql)
const ownerId = '0a1d5e00-0000-4000-8000-000000000001'; // Olivia Hart, its owner

// ---------------------------------------------------------------------------------------------
// The data: realistic calls of a physiotherapy clinic's setters.

const firstNames = ['Priya', 'Tom', 'Jenna', 'Sam', 'Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Omar', 'Lena', 'Raj', 'Chloe', 'Ben', 'Ivy', 'Leo', 'Nora', 'Eli', 'Ruby', 'Kai', 'Maya', 'Finn', 'Sara', 'Theo', 'Anya', 'Luca', 'Hana', 'Jude', 'Elsa', 'Owen', 'Iris', 'Axel', 'Dana', 'Max', 'Tara', 'Ezra', 'Lila', 'Cole', 'Nina', 'Reed'];
const lastNames = ['Natarajan', 'Alvarez', 'Okafor', 'Ortiz', 'Lindqvist', 'Brennan', 'Kowalski', 'Haddad', 'Moreau', 'Tanaka', 'Fischer', 'Osei', 'Romero', 'Novak', 'Duval', 'Keane', 'Sato', 'Petrov', 'Abara', 'Walsh', 'Quinn', 'Mendes', 'Larsen', 'Cho', 'Baptiste'];
const reps = ['Marco Bellini', 'Hannah Price', 'Devon Clarke'];
const complaints = [
  'my knee swells up after anything over five kilometres',
  'my lower back locks up most mornings',
  'my shoulder hurts on every tennis serve',
  'my ankle still gives way six weeks after the sprain',
  'my neck is stiff from sitting at a laptop all day',
  'my hip aches when I climb stairs',
];
const asks = [
  'How much is the first assessment, and does my insurance cover it?',
  'Do you have anything before work? Mornings are the only time I have.',
  'How many sessions do people usually need?',
  'I tried a massage place already. Why would physio be different?',
  'Can I bring my own scans from the hospital?',
];
const outcomes = ['showed', 'showed', 'no_show', 'closed', 'lost', 'unknown'];
const levels = ['problem', 'problem', 'problem', 'solution', 'solution', 'solution', 'product', 'product', 'solution', 'problem'];

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function transcriptRow(clientId, index) {
  const prospect = `${firstNames[index % firstNames.length]} ${lastNames[Math.floor(index / firstNames.length) % lastNames.length]}`;
  const rep = reps[index % reps.length];
  const outcome = outcomes[index % outcomes.length];
  const day = new Date(Date.UTC(2025, 0, 1) + (index % 300) * 86_400_000).toISOString().slice(0, 10);
  const lines = [
    [rep, 'rep', `Hi ${prospect.split(' ')[0]}, this is ${rep.split(' ')[0]} from Lakeside Physio. Is now still a good time?`],
    [prospect, 'prospect', `Yes. Honestly ${complaints[index % complaints.length]}, and it has been going on for months.`],
    [rep, 'rep', 'Sorry to hear that. What have you tried so far, and what does it stop you doing?'],
    [prospect, 'prospect', asks[index % asks.length]],
    [rep, 'rep', 'The assessment is fifty minutes and most plans cover it. I can book you this week.'],
    [prospect, 'prospect', index % 3 === 0 ? 'Let me check my calendar and get back to you.' : 'Thursday morning works, please send me the address.'],
  ];
  const turns = lines.map(([speaker, role, text], turn) => ({
    speaker, role, start_ms: turn * 20_000, end_ms: turn * 20_000 + 18_000, text,
  }));
  const speakers = [
    { name: rep, role: 'rep', confidence: 0.9 },
    { name: prospect, role: 'prospect', confidence: 0.9 },
  ];
  const fileName = `${day} ${prospect} - call ${index + 1}.vtt`;
  const body = `${fileName}\n${lines.map((line) => line.join('|')).join('\n')}`;
  return {
    id: randomUUID(),
    agency_id: agencyId,
    client_id: clientId,
    file_name: fileName,
    content_sha256: sha256(body),
    size_bytes: Buffer.byteLength(body),
    source_format: 'webvtt',
    parse_status: 'parsed',
    canonical: {
      format: 'webvtt',
      speakers,
      turns,
      metadata: { date: day, rep, prospect, outcome, duration_ms: turns.length * 20_000 },
    },
    speakers: speakers.map((speaker) => ({ ...speaker, corrected_by_user: false })),
    call_date: day,
    rep_name: rep,
    prospect_name: prospect,
    outcome,
    duration_ms: turns.length * 20_000,
    created_by: ownerId,
  };
}

function quoteOf(row, turn = 1) {
  const said = row.canonical.turns[turn];
  return { transcript: row.id, turn_index: turn, start_ms: said.start_ms, text: said.text };
}

/** Findings as the engine writes them: a label, counts, a share and up to three quotes. */
function findings(rows, labels, key, extra = {}) {
  return labels.map((label, index) => ({
    [key]: label,
    ...extra,
    prospects: Math.max(1, Math.round(rows.length / (index + 2))),
    mentions: Math.max(1, Math.round((rows.length * 1.6) / (index + 2))),
    share: 1 / (index + 2),
    quotes: rows.slice(index * 3, index * 3 + 3).map((row) => quoteOf(row, index % 2 === 0 ? 1 : 3)),
  }));
}

function report(rows, stageOf) {
  const byLevel = { problem: [], solution: [], product: [] };
  rows.forEach((row, index) => byLevel[stageOf(index)].push(row));
  const segment = (level) => {
    const members = byLevel[level];
    return {
      level,
      prospects: members.length,
      share: members.length / rows.length,
      show_rate: 0.55 + 0.1 * ['problem', 'solution', 'product'].indexOf(level),
      pains: findings(members, [...complaints, 'missed training for weeks', 'cannot sleep on that side', 'worried it will need surgery', 'painkillers stopped helping', 'had to cancel a holiday', 'cannot lift the kids', 'hurts after long drives', 'the GP only said rest', 'swelling comes back every week', 'scared to run again', 'stairs at work are a struggle', 'keeps waking me up', 'tried stretching videos', 'gets worse in the cold'], 'phrase'),
      desires: findings(members, ['back to running', 'play with the kids', 'sleep through the night', 'finish the half marathon', 'stop taking painkillers', 'get back on the court', 'sit at work without pain', 'go hiking again', 'lift at the gym', 'travel without worrying'], 'phrase'),
      objections: ['price', 'timing', 'trust', 'authority', 'need_fit', 'competitor'].map((kind, index) => findings(members, [kind], 'class', { phrase: asks[index % asks.length] })[0]),
      buying_signals: ['commitment', 'logistics', 'ownership', 'desire'].map((kind, index) => findings(members, [kind], 'kind', { phrase: index % 2 ? 'When could I start?' : 'Please send me the address.' })[0]),
      competitors: findings(members, ['sports massage place', 'the NHS waiting list', 'a chiropractor', 'YouTube stretching videos', 'the gym physio'], 'phrase'),
      phrases: findings(members, ['it has been going on for months', 'does my insurance cover it', 'mornings are the only time', 'let me check my calendar', 'please send me the address', 'how many sessions', 'tried a massage place', 'is now still a good time', 'what does it cost', 'I can do Thursday', 'back to training', 'it keeps coming back', 'before work', 'bring my scans', 'my GP said', 'going on for weeks', 'the whole weekend', 'after every run', 'it swells up', 'can barely tie my shoes'], 'phrase'),
    };
  };
  const phrases = ['please send me the address', 'Thursday morning works', 'I can do mornings', 'does my insurance cover it', 'let me check my calendar', 'get back to you', 'I tried a massage place', 'how much is the first assessment', 'what does it stop you doing', 'months', 'honestly', 'anything before work', 'bring my own scans', 'how many sessions', 'a good time'];
  return {
    agency_id: agencyId,
    awareness_distribution: Object.fromEntries(Object.entries(byLevel).map(([level, members]) => [level, members.length])),
    segment_profiles: ['problem', 'solution', 'product'].map(segment),
    outcome_phrases: phrases.flatMap((phrase, index) => [
      { a: 'showed', b: 'no_show', phrase, z: (index < 8 ? 1 : -1) * (3.2 - index * 0.1), prospects_a: 120 - index * 5, prospects_b: 40 + index * 3, quotes: [quoteOf(rows[index], 5)] },
      { a: 'closed', b: 'lost', phrase, z: (index % 2 ? 1 : -1) * (2.5 - index * 0.1), prospects_a: 60 - index * 2, prospects_b: 30 + index, quotes: [quoteOf(rows[index + 20], 3)] },
    ]),
    recommendations: [
      'Send the clinic address and what to wear in the booking confirmation: prospects who asked for it showed up more often.',
      'Mention insurance cover in the 24-hour reminder for solution-aware prospects.',
      'Offer the 7:15 slot by name to prospects who say mornings are the only time they have.',
      'For problem-aware prospects, restate the pain in their own words in the first reminder.',
      'Follow up within a day when a prospect says they will check their calendar.',
    ].map((text, index) => ({ text, quotes: [quoteOf(rows[index * 7], 1)] })),
  };
}

async function insertAll(table, rows, chunk) {
  for (let start = 0; start < rows.length; start += chunk) {
    await rest('POST', table, rows.slice(start, start + chunk));
  }
}

/** The client, its transcripts and a finished analysis with its report. Returns the client id. */
async function seed() {
  const started = Date.now();
  const [client] = await rest('POST', 'clients', {
    agency_id: agencyId,
    name: `Lakeside Physio (${count} calls) ${Date.now().toString(36)}`,
    industry: 'physiotherapy',
    offer: 'First assessment and a six-week rehab plan for runners and desk workers.',
    created_by: ownerId,
  });
  const rows = Array.from({ length: count }, (_, index) => transcriptRow(client.id, index));
  await insertAll('transcripts', rows, 200);
  const stageOf = (index) => levels[index % levels.length];
  const distribution = { problem: 0, solution: 0, product: 0 };
  rows.forEach((_, index) => {
    distribution[stageOf(index)] += 1;
  });
  const batchSize = 100;
  const batches = Math.ceil(count / batchSize);
  const finished = new Date();
  const [job] = await rest('POST', 'analysis_jobs', {
    agency_id: agencyId,
    client_id: client.id,
    requested_by: ownerId,
    status: 'completed',
    batch_size: batchSize,
    batches_total: batches,
    batches_done: batches,
    transcripts_total: count,
    transcripts_done: count,
    distribution,
    started_at: new Date(finished.getTime() - 600_000).toISOString(),
    finished_at: finished.toISOString(),
  });
  await insertAll(
    'analysis_batches',
    Array.from({ length: batches }, (_, index) => ({
      agency_id: agencyId,
      job_id: job.id,
      batch_index: index,
      transcript_ids: rows.slice(index * batchSize, (index + 1) * batchSize).map((row) => row.id),
      status: 'done',
      attempts: 1,
      result: { transcripts: Math.min(batchSize, count - index * batchSize) },
    })),
    50,
  );
  await insertAll(
    'transcript_insights',
    rows.map((row, index) => {
      const level = stageOf(index);
      const confidence = Number((0.35 + ((index * 37) % 61) / 100).toFixed(3));
      return {
        agency_id: agencyId,
        job_id: job.id,
        transcript_id: row.id,
        awareness_level: level,
        confidence,
        insights: {
          stage: { level, confidence, evidence: [1, 3, 5].map((turn) => ({ quote: quoteOf(row, turn) })) },
          speakers: row.speakers.map(({ name, role }) => ({ name, role, confidence: 0.9 })),
        },
      };
    }),
    250,
  );
  await rest('POST', 'analysis_results', { ...report(rows, stageOf), client_id: client.id, job_id: job.id });
  console.log(`Seeded a client with ${count} transcripts and a finished analysis in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return client.id;
}

// ---------------------------------------------------------------------------------------------
// The measurement.

const blocking = (tasks) => tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
const longest = (tasks) => tasks.reduce((most, task) => Math.max(most, task.duration), 0);
const settle = (page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 500)))));

async function measure(context, clientId, shot) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${env.webUrl}/clients/${clientId}/analysis`, { waitUntil: 'commit' });
  const list = page.getByRole('list', { name: 'Stage of each transcript' });
  await visible(page.getByRole('heading', { name: `Each transcript (${count} of ${count})` }), 120_000);
  await visible(list.getByRole('listitem').first(), 120_000);
  const onScreen = await page.evaluate(() => performance.now());
  await settle(page);
  const loading = await page.evaluate(() => window.__longTasks.splice(0));
  const based = await page.getByText(/^Based on \d+ analyzed calls/).textContent();
  if (!based.startsWith(`Based on ${count} analyzed calls`)) {
    throw new Error(`the report is not the seeded one: ${based}`);
  }

  // Scroll the list to its last row with the mouse wheel, as a person would.
  await list.scrollIntoViewIfNeeded();
  const box = await list.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const scrollStarted = await page.evaluate(() => performance.now());
  const atBottom = () =>
    list.evaluate((element) => element.scrollTop + element.clientHeight >= element.scrollHeight - 2);
  let steps = 0;
  while (!(await atBottom())) {
    if (steps > 5 * count) {
      throw new Error('the list never reached its bottom');
    }
    await page.mouse.wheel(0, 600);
    steps += 1;
  }
  await visible(list.locator(`[aria-posinset="${count}"]`));
  const scrolled = (await page.evaluate(() => performance.now())) - scrollStarted;
  await settle(page);
  const scrolling = await page.evaluate(() => window.__longTasks.splice(0));
  const dom = await list.evaluate((element) => ({
    nodes: element.querySelectorAll('*').length,
    rows: element.querySelectorAll('[role="listitem"]').length,
    document: document.getElementsByTagName('*').length,
  }));
  if (shot) {
    await shot(page, 'list-at-the-bottom');
  }

  // Order the thousand results the other way ("Least confident first"): the last row changes.
  const lastRow = list.locator(`[aria-posinset="${count}"]`);
  const lastByName = await lastRow.textContent();
  await page.getByLabel('Order by').selectOption({ label: 'Least confident first' });
  await page.waitForFunction(
    ([count, before]) => {
      const row = document.querySelector(`[aria-label="Stage of each transcript"] [aria-posinset="${count}"]`);
      return row && row.textContent !== before;
    },
    [count, lastByName],
  );
  await settle(page);
  const reordering = await page.evaluate(() => window.__longTasks.splice(0));

  // The instrument works: a deliberate 120 ms task on the main thread must be seen (a task
  // of the page's own event loop: DevTools' evaluate itself is not one).
  await page.evaluate(
    () =>
      new Promise((done) =>
        setTimeout(() => {
          const start = performance.now();
          while (performance.now() - start < 120);
          done();
        }, 0),
      ),
  );
  await settle(page);
  const calibration = await page.evaluate(() => window.__longTasks.splice(0));
  if (longest(calibration) < 100) {
    throw new Error(`the long-task observer missed a 120 ms task (${JSON.stringify(calibration)}): the figures would mean nothing`);
  }
  await page.close();
  return { onScreen, loading, scrolled, steps, scrolling, dom, reordering };
}

const clientId = await seed();
const browser = await launch();
try {
  const context = await demoOwnerContext(browser);
  const figures = [];
  for (let round = 0; round < rounds; round += 1) {
    const result = await measure(context, clientId, round === 0 ? screenshots('bench-report') : null);
    figures.push(result);
    const ms = (value) => `${value.toFixed(0)} ms`;
    console.log(
      `  round ${round + 1}: report on screen ${ms(result.onScreen)}; loading: ${result.loading.length} long tasks, longest ${ms(longest(result.loading))}, blocking ${ms(blocking(result.loading))}; ` +
        `scrolling to row ${count} (${result.steps} wheel steps, ${ms(result.scrolled)}): ${result.scrolling.length} long tasks, longest ${ms(longest(result.scrolling))}, blocking ${ms(blocking(result.scrolling))}; ` +
        `list DOM ${result.dom.nodes} nodes in ${result.dom.rows} rows (document ${result.dom.document}); ` +
        `reordering: longest ${ms(longest(result.reordering))}, blocking ${ms(blocking(result.reordering))}`,
    );
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const worst = (values) => Math.max(...values);
  const pick = (f) => figures.map(f);
  console.log(
    `Report of ${count} transcripts (${rounds} loads): on screen median ${median(pick((f) => f.onScreen)).toFixed(0)} ms, slowest ${worst(pick((f) => f.onScreen)).toFixed(0)} ms; ` +
      `longest task loading ${worst(pick((f) => longest(f.loading))).toFixed(0)} ms, scrolling ${worst(pick((f) => longest(f.scrolling))).toFixed(0)} ms, reordering ${worst(pick((f) => longest(f.reordering))).toFixed(0)} ms; ` +
      `total blocking time loading median ${median(pick((f) => blocking(f.loading))).toFixed(0)} ms, scrolling median ${median(pick((f) => blocking(f.scrolling))).toFixed(0)} ms; ` +
      `list DOM at most ${worst(pick((f) => f.dom.nodes))} nodes / ${worst(pick((f) => f.dom.rows))} rows of ${count}`,
  );
} finally {
  await browser.close();
}
