/**
 * Global setup of the browser suite: builds the console when missing or stale, and insists on Debian's
 * Chromium (installed by scripts/test with apt-get; never downloaded). Without it the suite fails rather
 * than skips, locally and under CI alike.
 */
import { existsSync } from 'node:fs';
import { buildConsole } from '../../scripts/build-console.ts';
import { CHROMIUM } from './browser.ts';

export default function setup() {
  if (!existsSync(CHROMIUM)) throw new Error(`browser tests need Chromium at ${CHROMIUM} (apt-get install chromium; scripts/test does)`);
  buildConsole();
}
