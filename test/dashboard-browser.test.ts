import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ensureDebianPackage } from '../cli/stack/install.ts';
import { projectRoot } from '../lib/config.ts';
import { ApiPipeline } from './api-support.ts';
import { uniqueSuffix } from './support.ts';

/**
 * The live dashboard in a real headless Chromium (Debian's, installed the way the stack installs
 * its packages), driven by playwright-core: it loads from the API's own assets without console
 * errors, its numbers move while readings flow through the real pipeline, and it holds at 375 px.
 * Screenshots go to test-results/ (the test's artifacts).
 */

const artifacts = join(projectRoot, 'test-results');
const chromiumPath = '/usr/bin/chromium';

describe('live dashboard in headless Chromium', { timeout: 300_000 }, () => {
  const suffix = uniqueSuffix();
  let pipeline: ApiPipeline;
  let browser: Browser;
  const problems: string[] = [];
  const offsite: string[] = [];
  let flowing = true;
  let ingesting: Promise<void> | undefined;

  before(async () => {
    ensureDebianPackage('chromium', chromiumPath);
    mkdirSync(artifacts, { recursive: true });
    pipeline = await ApiPipeline.start(suffix, { operations: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    // readings flow while the page is open: a batch every 200 ms, bounded by the test
    ingesting = (async () => {
      for (let batch = 0; flowing && batch < 1500; batch++) {
        await pipeline.ingest(
          Array.from({ length: 20 }, (_, i) => ({
            deviceId: `dash-${suffix}-${i % 5}`,
            siteId: `site-${i % 2}`,
            metric: 'temperature',
            value: 20 + (batch % 10),
            unit: 'degC',
            ts: new Date(Date.now() - i).toISOString(),
          })),
        );
        await sleep(200);
      }
    })();
  });

  after(async () => {
    flowing = false;
    await ingesting?.catch(() => undefined);
    await browser?.close();
    await pipeline?.stop();
  });

  async function open(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(pipeline.api.url) && !request.url().startsWith('data:'))
        offsite.push(request.url());
    });
    await page.goto(`${pipeline.api.url}/#key=${pipeline.keys.read}`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live', undefined, {
      timeout: 30_000,
    });
    return page;
  }

  it('loads without console errors, from local assets only, and its live numbers change while events flow', async () => {
    const page = await open(1280);
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (seen.size < 3 && Date.now() < deadline) {
      const figure = (await page.textContent('#ingest-rate'))?.trim() ?? '';
      if (/^\d[\d,]*$/.test(figure)) seen.add(figure);
      await sleep(500);
    }
    assert.ok(seen.size >= 3, `the raw rate showed only ${[...seen].join(', ')}`);
    await page.waitForFunction(
      () => (document.querySelectorAll('#readings .site').length ?? 0) > 0,
      undefined,
      { timeout: 30_000 },
    );
    const rows = await page.locator('#topics tr').count();
    assert.ok(rows > 1);
    assert.ok((await page.locator('#throughput-chart path').count()) === 2);
    await page.screenshot({ path: join(artifacts, 'dashboard-1280.png'), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(offsite, []);
    await page.close();
  });

  it('holds its layout at 375 px: nothing wider than the screen, sections stacked', async () => {
    const page = await open(375);
    await page.waitForFunction(
      () => /^\d/.test(document.getElementById('ingest-rate')?.textContent ?? ''),
      undefined,
      {
        timeout: 30_000,
      },
    );
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      // what sticks out, to say where the width comes from
      wider: [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > 375 && !element.closest('.scroll'))
        .slice(0, 5)
        .map(
          (element) =>
            `${element.tagName.toLowerCase()}#${element.id}.${element.className}: ${(element.textContent ?? '').slice(0, 60)}`,
        ),
      sections: [...document.querySelectorAll('section')].map((section) => {
        const box = section.getBoundingClientRect();
        return { left: box.left, right: box.right, width: box.width };
      }),
    }));
    assert.ok(
      layout.scrollWidth <= 375,
      `the page is ${layout.scrollWidth} px wide: ${layout.wider.join(' | ')}`,
    );
    assert.ok(layout.sections.length >= 7);
    for (const section of layout.sections) {
      assert.ok(section.left >= 0 && section.right <= 375, JSON.stringify(section));
      assert.ok(section.width >= 300, 'one section per row on a phone');
    }
    await page.screenshot({ path: join(artifacts, 'dashboard-375.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
