// `cargo xtask bench-web`: time from navigation to an interactive dashboard, in Debian's
// headless Chromium. The demo owner signs in once (the session stays in localStorage, as for a
// returning user); then each round opens a new page, navigates to `/` and reads the page's own
// clock (`performance.now()`, zero at navigation start) once the client list and the
// "New client" button are on screen. Prints every round, the median and the slowest.

import { launch, visible } from '../support/browser.mjs';
import { env } from '../support/env.mjs';
import { DashboardPage } from '../pages/app.mjs';
import { demoOwnerContext } from './session.mjs';

const rounds = Number(process.env.ROUNDS || 15);
const browser = await launch();
try {
  const context = await demoOwnerContext(browser);

  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    const page = await context.newPage();
    await page.goto(`${env.webUrl}/`, { waitUntil: 'commit' });
    const dashboard = new DashboardPage(page);
    await visible(dashboard.clientLink('Bright Smile Dental'));
    await visible(page.getByRole('link', { name: 'New client' }));
    const milliseconds = await page.evaluate(() => performance.now());
    times.push(milliseconds);
    console.log(`  round ${String(round + 1).padStart(2)}: ${milliseconds.toFixed(0)} ms`);
    await page.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `Navigation to an interactive dashboard (demo owner, ${rounds} loads): median ${median.toFixed(0)} ms, slowest ${times[times.length - 1].toFixed(0)} ms`,
  );
} finally {
  await browser.close();
}
