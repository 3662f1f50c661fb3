// Page objects for a client's Transcripts tab (uploader, stored transcripts, organizer), the
// transcript viewer and the Analysis tab (start, progress, report).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { visible } from '../support/browser.mjs';

export class TranscriptsTab {
  constructor(page) {
    this.page = page;
    this.uploader = page.getByRole('region', { name: 'Upload transcripts' });
    this.library = page.getByRole('region', { name: /^Stored transcripts/ });
    this.picker = this.uploader.getByLabel('Choose files');
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

  /** Drop files on the drop zone, as a drag from the desktop does. */
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

  /** The uploader's line for a file. */
  upload(fileName) {
    return this.uploads.getByRole('listitem').filter({ has: this.page.getByText(fileName, { exact: true }) });
  }

  /** The stored transcript's line. */
  storedRow(fileName) {
    return this.stored.getByRole('listitem').filter({ has: this.page.getByRole('link', { name: fileName, exact: true }) });
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
