/**
 * @module test/support/browser
 * A real browser for the tests that check what people will look at (SVG pictures, the HTML
 * report): Debian's chromium, headless, driven by playwright-core. Skips with a visible reason
 * where chromium is not installed; .ci/run installs it, so CI always runs these tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
export const SKIP_WITHOUT_BROWSER: string | false = CHROMIUM === undefined ? 'needs chromium (apt-get install chromium; .ci/run installs it)' : false;

export interface Rendered {
  readonly page: Page;
  /** Console errors and uncaught page errors while loading. */
  readonly errors: readonly string[];
  /** Requests the page made beyond its own content: a self-contained page makes none. */
  readonly requests: readonly string[];
}

/** Opens a browser for `use`, closing it after, whatever happens. */
export async function withBrowser<T>(use: (open: (html: string) => Promise<Rendered>) => Promise<T>): Promise<T> {
  if (CHROMIUM === undefined) throw new Error(String(SKIP_WITHOUT_BROWSER));
  // Root in a container has no user namespaces for chromium's sandbox.
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    return await use(async (html) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(html, { waitUntil: 'load' });
      return { page, errors, requests };
    });
  } finally {
    await browser.close();
  }
}

/**
 * The share of the page's pixels (a screenshot drawn into a canvas, counted in the page) that are
 * not the background: a blank or failed rendering has next to none.
 */
export async function inkShare(page: Page): Promise<number> {
  const png = await page.screenshot({ fullPage: false });
  const probe = await page.context().newPage();
  try {
    return await probe.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      if (ctx === null) return 0;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 240 || (data[i + 1] ?? 255) < 240 || (data[i + 2] ?? 255) < 240) ink++;
      return ink / (data.length / 4);
    }, png.toString('base64'));
  } finally {
    await probe.close();
  }
}
