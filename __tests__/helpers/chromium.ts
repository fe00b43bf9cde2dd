import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { closeIfLeftOpen } from './open-resources.ts';

/** Debian's Chromium, unless WHARF_CHROMIUM names another executable. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WHARF_CHROMIUM || '/usr/bin/chromium';
}

/**
 * Flags for this closed network: without the background-networking ones Chromium keeps dialing Google's services,
 * and the refused connections slow every page; no sandbox, as CI runs as root in a container.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a locator waits for what it looks for: generous, as the tests run while the machine is loaded. */
const ACTION_TIMEOUT_MS = 30_000;

/** Who reads the pages: their language and time zone, which the pages' dates are written in. */
export interface Reader {
  locale: string;
  timezoneId: string;
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium on a fresh profile (its own --user-data-dir, removed on close). When the executable is
 * missing this throws, saying how to install it: a browser test must fail then, never pass by skipping.
 */
export async function launchChromium(options: { executablePath?: string; reader?: Reader } = {}): Promise<Chromium> {
  const { executablePath = chromiumPath(), reader } = options;
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: install Debian's package ` +
        '(apt-get update && apt-get install -y --no-install-recommends chromium), ' +
        'or set WHARF_CHROMIUM to the path of a Chromium executable',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'wharf-chromium-'));
  // Playwright takes the profile folder here, not as --user-data-dir in args (which launch() refuses).
  const context = await chromium
    .launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS, ...reader })
    .catch((error: unknown) => {
      rmSync(userDataDir, { recursive: true, force: true });
      throw error;
    });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  const closeBrowser = async (): Promise<void> => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  const forget = closeIfLeftOpen(closeBrowser);
  return {
    context,
    close: async () => {
      forget();
      await closeBrowser();
    },
  };
}
