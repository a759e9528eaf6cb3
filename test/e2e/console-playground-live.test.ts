import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/gateway';
import { browserAvailable, launchBrowser, NARROW, openPage } from './support/browser';
import { openFromNav, OWNER, signIn, startConsoleGateway } from './support/console-gateway';
import { adminCall, FALLBACK_GRAPH } from './support/seed';

/*
 * A request sent from the playground through a published fallback pipeline, seen streaming into
 * the live dashboard (socket.io) that is open in another tab; then what other roles and a phone-
 * sized screen get. One browser for the file.
 */

const TIMEOUT = 120_000;
const VIEWER = { email: 'val@example.com', password: 'viewer password 123' };

describe.skipIf(!browserAvailable())('console: a playground request through a pipeline shows on the live dashboard', () => {
  let gw: TestGateway;
  let browser: Browser;
  let playground: Page;
  let dashboard: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    gw = await startConsoleGateway();
    // The owner, a viewer and the published pipeline come from the admin API: another file builds them in the UI.
    await adminCall(gw, 'POST', '/api/setup', { email: OWNER.email, name: OWNER.name, password: OWNER.password });
    await adminCall(gw, 'POST', '/api/users', { email: VIEWER.email, name: 'Val Viewer', role: 'viewer', password: VIEWER.password });
    await adminCall(gw, 'POST', '/api/pipelines', { id: 'resilient-chat', name: 'Resilient chat', graph: FALLBACK_GRAPH });
    await adminCall(gw, 'POST', '/api/pipelines/resilient-chat/publish', {});
    await adminCall(gw, 'PUT', '/api/pipelines/resilient-chat/bindings', { aliases: ['resilient-chat'] });
    browser = await launchBrowser();
    // Two windows, each signed in: one sends from the playground while the other watches the dashboard.
    for (const which of ['playground', 'dashboard'] as const) {
      const { page } = await openPage(browser, gw.url);
      page.on('pageerror', (e) => pageErrors.push(`${which}: ${e.message}`));
      if (which === 'playground') playground = page;
      else dashboard = page;
    }
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('streams an answer in the playground from the pipeline, next to a plain model, with stats for each', async () => {
    await signIn(playground);
    await signIn(dashboard);
    // Connected to the feed (the badge turns "Live"), with nothing to list yet.
    await dashboard.locator('.live-badge.live').waitFor();
    await dashboard.getByText(/^No requests yet/).waitFor();

    await openFromNav(playground, 'Playground');
    await playground.getByLabel('System prompt').fill('You are terse.');
    await playground.getByLabel('Message').fill('hello through the fallback');
    await playground.getByLabel('Model 1', { exact: true }).selectOption('resilient-chat');
    await playground.getByRole('button', { name: 'Compare with another model' }).click();
    await playground.getByLabel('Model 2', { exact: true }).selectOption('mock-chat');
    await playground.getByRole('button', { name: 'Send' }).click();

    const viaPipeline = playground.getByRole('region', { name: 'Answer from resilient-chat' });
    const direct = playground.getByRole('region', { name: 'Answer from mock-chat' });
    await playground.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0 && document.querySelectorAll('.result .stats dd').length > 0);
    // The mock echoes the last user message; the pipeline's primary failed and its backup answered.
    await expect(viaPipeline.locator('.answer').textContent()).resolves.toContain('hello through the fallback');
    await expect(direct.locator('.answer').textContent()).resolves.toContain('hello through the fallback');
    for (const col of [viaPipeline, direct]) {
      const stats = await col.locator('.stats').textContent();
      expect(stats).toMatch(/Latency\d+ ms/);
      expect(stats).toMatch(/Tokens in \/ out\d+ \/ \d+/);
      expect(stats).toContain('Finishstop');
    }

    // "View code" shows the same request for curl, JavaScript and Python.
    await playground.getByRole('button', { name: 'View code' }).click();
    await expect(playground.getByLabel('curl snippet').textContent()).resolves.toContain('"model": "resilient-chat"');
    await playground.getByRole('tab', { name: 'Python' }).click();
    await expect(playground.getByLabel('Python snippet').textContent()).resolves.toContain('client.chat.completions.create(');
  }, TIMEOUT);

  it('shows both requests on the live dashboard as they finish, the pipeline one marked with its pipeline', async () => {
    const table = dashboard.getByRole('table', { name: 'Recent requests' });
    await table.waitFor({ timeout: 30_000 });
    // Columns: time, status, model, provider, pipeline, latency, tokens, cost.
    const rows = table.locator('tbody tr');
    const viaPipeline = rows.filter({ has: dashboard.locator('td:nth-child(5)', { hasText: /^resilient-chat$/ }) });
    await viaPipeline.waitFor();
    await expect(viaPipeline.locator('td:nth-child(2)').textContent()).resolves.toBe('200');
    await expect(viaPipeline.locator('td:nth-child(4)').textContent()).resolves.toBe('mock');
    const direct = rows.filter({ has: dashboard.locator('td:nth-child(5)', { hasText: /^—$/ }) });
    await direct.waitFor();
    await expect(direct.locator('td:nth-child(3)').textContent()).resolves.toContain('mock-chat');
    await expect(rows.count()).resolves.toBe(2);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);

  it('gives a viewer only the screens a viewer may use, and works on a phone-sized screen', async () => {
    const { page, errors } = await openPage(browser, gw.url, NARROW);
    await signIn(page, VIEWER);
    // Narrow: the navigation is a drawer behind the menu button.
    await expect(page.getByRole('navigation', { name: 'Main' }).isVisible()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toContain('Dashboard');
    expect(links).toContain('Pipelines');
    expect(links).not.toContain('Playground');
    expect(links).not.toContain('Users & credits');
    expect(links).not.toContain('Audit log');

    await openFromNav(page, 'Pipelines');
    await page.getByRole('link', { name: 'Resilient chat' }).click();
    await page.getByRole('heading', { name: 'Resilient chat', level: 1 }).waitFor();
    await page.getByText('Read-only: editing pipelines needs the admin role.').waitFor();
    await expect(page.getByRole('button', { name: 'Publish…' }).count()).resolves.toBe(0);

    // A screen above the role says so instead of failing.
    await page.goto('/users');
    await page.getByText('Users & credits needs the admin role or higher.').waitFor();
    expect(errors).toEqual([]);
  }, TIMEOUT);
});
