// Page objects for a client's Transcripts tab (uploader, stored transcripts, organizer), the
// transcript viewer and the Analysis tab (start, progress, report).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { visible } from '../support/browser.mjs';
import { goodPassword, uniqueEmail } from '../support/env.mjs';
import { SignUpPage, WelcomePage } from './auth.mjs';
import { ClientForm, ClientPage, DashboardPage } from './app.mjs';

/** A fresh owner with a new agency and one client, on the client's Transcripts tab. */
export async function freshClient(page, clientName, { owner = 'Taylor Uploader', agency = 'Upload Test Agency' } = {}) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp({ name: owner, email: uniqueEmail('uploader'), password: goodPassword });
  const welcome = new WelcomePage(page);
  await welcome.expectShown();
  await welcome.create(`${agency} ${Date.now().toString(36)}`);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await dashboard.newClient();
  const form = new ClientForm(page);
  await form.fill({ name: clientName, industry: 'dental', currentShowRate: '60', targetShowRate: '80' });
  await form.submit('Add client');
  const client = new ClientPage(page);
  await client.expectShown(clientName);
  await client.tab('Transcripts');
  return client;
}

export class TranscriptsTab {
  constructor(page) {
    this.page = page;
    this.uploader = page.getByRole('region', { name: 'Upload transcripts' });
    this.library = page.getByRole('region', { name: /^Stored transcripts/ });
    this.picker = this.uploader.getByLabel('Choose files');
    this.folderPicker = this.uploader.getByLabel('Choose a folder');
    this.dropZone = this.uploader.getByText('Drop transcript files or folders here');
    this.summary = this.uploader.locator('.uploader__summary');
    this.uploads = this.uploader.getByRole('list', { name: 'Files being uploaded' });
    this.stored = this.library.getByRole('list', { name: 'Stored transcripts' });
  }

  async expectShown() {
    await visible(this.uploader);
    await visible(this.library);
  }

  /** Pick files with the system dialog (the file input). */
  async pick(paths) {
    await this.picker.setInputFiles(paths);
  }

  /** Pick a folder with the system dialog (the `webkitdirectory` input): every file under it. */
  async pickFolder(directory) {
    await this.folderPicker.setInputFiles(directory);
  }

  /**
   * Drag files or folders from the disk onto the drop zone through Chromium's own drag and
   * drop (DevTools `Input.dispatchDragEvent` with real paths): the page gets the
   * `FileSystemDirectoryEntry` of a folder, as from a desktop drag, and must walk it itself.
   */
  async dropFromDisk(paths) {
    const zone = this.uploader.locator('.drop-zone');
    await zone.scrollIntoViewIfNeeded();
    const box = await zone.boundingBox();
    const point = { x: box.x + box.width / 2, y: box.y + 12 };
    const devtools = await this.page.context().newCDPSession(this.page);
    try {
      const data = { items: [], files: paths, dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop']) {
        await devtools.send('Input.dispatchDragEvent', { type, ...point, data });
      }
    } finally {
      await devtools.detach();
    }
  }

  /** Drop files on the drop zone, as a drag from the desktop does (a synthetic transfer). */
  async drop(paths) {
    const files = paths.map((path) => ({ name: basename(path), bytes: [...readFileSync(path)] }));
    const transfer = await this.page.evaluateHandle((files) => {
      const transfer = new DataTransfer();
      for (const file of files) {
        transfer.items.add(new File([new Uint8Array(file.bytes)], file.name));
      }
      return transfer;
    }, files);
    const zone = this.uploader.locator('.drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer: transfer });
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
  }

  /** Wait until the uploader's summary says `count` files were saved (failing with the summary). */
  async waitForSaved(count, timeout = 90_000) {
    try {
      await this.page.waitForFunction(
        (count) => new RegExp(`\\b${count} saved`).test(document.querySelector('.uploader__summary')?.textContent ?? ''),
        count,
        { timeout },
      );
    } catch (error) {
      const summary = await this.summary.textContent().catch(() => null);
      throw new Error(`not ${count} saved after ${timeout} ms; the uploader says: ${JSON.stringify(summary)}`, { cause: error });
    }
  }

  /** The uploader's line for a file. */
  upload(fileName) {
    return this.uploads.getByRole('listitem').filter({ has: this.page.getByText(fileName, { exact: true }) });
  }

  /** The stored transcript's line. */
  storedRow(fileName) {
    return this.stored.getByRole('listitem').filter({ has: this.page.getByRole('link', { name: fileName, exact: true }) });
  }

  /** The role chosen for `speaker` in an open "Roles and outcome" panel inside `container`. */
  roleOf(container, speaker) {
    return container.locator('.corrections__speaker').filter({ has: this.page.getByText(speaker, { exact: true }) });
  }

  /** Type in the organizer's search box (file, rep or prospect name). */
  async search(text) {
    await this.library.getByLabel('Search').fill(text);
  }
}

export class TranscriptViewer {
  constructor(page) {
    this.page = page;
    this.turns = page.getByRole('list', { name: 'Turns of the call' });
    this.speakers = page.getByRole('list', { name: 'Speakers' });
  }

  async expectShown(fileName) {
    await visible(this.page.getByRole('heading', { name: fileName, level: 2, exact: true }));
    await visible(this.turns.getByRole('listitem').first());
  }

  turn(number) {
    return this.turns.getByRole('listitem').filter({ has: this.page.locator(`[aria-label="Turn ${number}"]`) });
  }

  markedQuote() {
    return this.turns.locator('mark');
  }
}

export class AnalysisTab {
  constructor(page) {
    this.page = page;
    this.startButton = page.getByRole('button', { name: 'Start analysis' });
    this.progress = page.getByRole('region', { name: /Analysis in progress|Analysis running/ });
    this.report = page.getByRole('region', { name: 'Forensic report' });
    this.chart = this.report.getByRole('img', { name: /Awareness distribution/ });
  }

  /** The report appears when the job completes: seconds here, longer on a loaded machine (a
   * cold function start, or a lease to wait out when a worker call was lost). */
  async expectReport(timeout = 120_000) {
    await visible(this.report, timeout);
  }

  stageCard(label) {
    return this.report.getByRole('article').filter({ has: this.page.getByRole('heading', { name: label }) });
  }
}

/** Print the page's console errors (a Rust panic's message is one) into the test log. */
export function logConsoleErrors(page, label) {
  page.on('console', (message) => {
    if (message.type() === 'error') {
      console.log(`# ${label} console error: ${message.text().slice(0, 2000)}`);
    }
  });
}
