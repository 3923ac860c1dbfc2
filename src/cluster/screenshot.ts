// A screenshot of the frontend for the report, when a Chromium and playwright-core are at hand.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates = CANDIDATES): string | undefined {
  if (env.CHROME_PATH && existsSync(env.CHROME_PATH)) return env.CHROME_PATH;
  return candidates.find((p) => existsSync(p));
}

export async function screenshot(
  url: string,
  file: string,
  timeoutMs: number,
  executablePath: string | undefined,
): Promise<{ ok: boolean; error?: string }> {
  if (!executablePath) return { ok: false, error: 'no Chromium found (set CHROME_PATH to use one)' };
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { ok: false, error: 'playwright-core is not installed' };
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: timeoutMs,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(url, { timeout: timeoutMs, waitUntil: 'load' });
    await page.screenshot({ path: file, timeout: timeoutMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    await browser.close();
  }
}
