/**
 * Screenshots of each main screen for docs/screenshots/ (`npm run screenshots`). Starts a real
 * gateway with demo data and drives the built console in Chromium. Not part of the test run.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { LAPTOP, launchBrowser, NARROW, openPage } from './support/browser';
import { REPO_ROOT } from './support/build-console';
import { OWNER, setUpOwner, signIn, startConsoleGateway } from './support/console-gateway';
import { adminCall, FALLBACK_GRAPH, seedDemo, sendTraffic } from './support/seed';

const OUT = path.join(REPO_ROOT, 'docs/screenshots');

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(400); // charts finish their first layout
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
  console.log(`  ${name}.png`);
}

async function visit(page: Page, url: string, heading: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const gw = await startConsoleGateway();
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser, gw.url);
    await page.goto(new URL(gw.setup!.url).pathname + new URL(gw.setup!.url).search);
    await page.getByRole('heading', { name: 'Set up Switchyard' }).waitFor();
    await shot(page, 'setup');
    await setUpOwner(page, gw);
    const owner = (await adminCall<{ data: Array<{ id: string; email: string }> }>(gw, 'GET', '/api/users')).data.find((u) => u.email === OWNER.email)!;
    const { key } = await seedDemo(gw, owner.id);

    await visit(page, '/', 'Dashboard');
    await sendTraffic(gw, key, 40, 350);
    await page.getByRole('table', { name: 'Recent requests' }).waitFor();
    await page.waitForTimeout(1500);
    await shot(page, 'dashboard');

    await visit(page, '/analytics', 'Analytics');
    await page.getByLabel('Time range').selectOption('1h');
    await page.getByRole('tab', { name: 'Model' }).waitFor();
    await shot(page, 'analytics', true);

    await visit(page, '/playground', 'Playground');
    await page.getByLabel('Message').fill('What is a fallback pipeline?');
    await page.getByRole('button', { name: 'Compare with another model' }).click();
    await page.getByLabel('Model 2', { exact: true }).selectOption('resilient-chat');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    await shot(page, 'playground', true);

    // A second version, so the history has a change to show.
    const v2 = JSON.parse(JSON.stringify(FALLBACK_GRAPH));
    v2.nodes[0].params.fallbackOn = { statuses: [429, 500, 502, 503] };
    v2.nodes[2].params.params = { temperature: 0.2 };
    await adminCall(gw, 'PATCH', '/api/pipelines/resilient-chat', { graph: v2 });
    await adminCall(gw, 'POST', '/api/pipelines/resilient-chat/publish', { note: 'fall back on listed statuses only; steadier backup' });

    await visit(page, '/pipelines', 'Pipelines');
    await shot(page, 'pipelines');
    await visit(page, '/pipelines/resilient-chat', 'Resilient chat');
    await page.locator('.react-flow__node').first().waitFor();
    await shot(page, 'pipeline-editor');
    await page.getByRole('button', { name: 'Test run' }).click();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('heading', { name: 'Trace' }).waitFor();
    await shot(page, 'pipeline-test-run');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Changes' }).first().click();
    await page.getByRole('heading', { name: 'v1 → v2' }).waitFor();
    await shot(page, 'pipeline-history');

    await visit(page, '/providers', 'Providers');
    await shot(page, 'providers', true);
    await visit(page, '/models', 'Models & prices');
    await shot(page, 'models');
    await page.getByRole('tab', { name: 'Prices' }).click();
    await page.getByRole('table').waitFor();
    await shot(page, 'prices');
    await visit(page, '/keys', 'API keys');
    await shot(page, 'keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Name').fill('docs example');
    await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Your new API key' }).waitFor();
    await shot(page, 'key-created');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await visit(page, '/users', 'Users & credits');
    await shot(page, 'users');
    await page.getByRole('tab', { name: 'Credits' }).click();
    await page.getByRole('table').waitFor();
    await shot(page, 'credits');
    await page.getByRole('tab', { name: 'Budgets' }).click();
    await page.getByRole('table').waitFor();
    await shot(page, 'budgets');
    await visit(page, '/oauth-clients', 'OAuth clients');
    if (await page.getByRole('button', { name: 'Register client' }).isVisible()) {
      await page.getByRole('button', { name: 'Register client' }).click();
      const form = page.getByRole('dialog', { name: 'Register an OAuth client' });
      await form.getByLabel('Name').fill('Team notebook');
      await form.getByLabel('Redirect URIs (one per line)').fill('https://notebook.example.com/oauth/callback');
      await form.getByRole('button', { name: 'Register client' }).click();
      await page.getByRole('dialog', { name: 'The client secret' }).getByRole('button', { name: 'I have copied it' }).click();
    }
    await shot(page, 'oauth-clients');
    await visit(page, '/audit', 'Audit log');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('The chain is intact').waitFor();
    await shot(page, 'audit');
    await visit(page, '/plugins', 'Plugins');
    await shot(page, 'plugins', true);

    // Narrow (a phone, 390 wide).
    const narrow = await openPage(browser, gw.url, NARROW);
    await signIn(narrow.page);
    await shot(narrow.page, 'narrow-dashboard');
    await narrow.page.getByRole('button', { name: 'Open navigation' }).click();
    await shot(narrow.page, 'narrow-navigation');
    await visit(narrow.page, '/pipelines/resilient-chat', 'Resilient chat');
    await narrow.page.locator('.react-flow__node').first().waitFor();
    await shot(narrow.page, 'narrow-pipeline-editor');
    await visit(narrow.page, '/playground', 'Playground');
    await shot(narrow.page, 'narrow-playground');

    // Signed out.
    const out = await openPage(browser, gw.url, LAPTOP);
    await out.page.goto('/');
    await out.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(out.page, 'sign-in');

    if (errors.length || narrow.errors.length) console.warn('page errors:', [...errors, ...narrow.errors]);
  } finally {
    await browser.close();
    await gw.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
