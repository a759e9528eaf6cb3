import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/gateway';
import { browserAvailable, launchBrowser, openPage } from './support/browser';
import { openFromNav, OWNER, setUpOwner, startConsoleGateway } from './support/console-gateway';
import { adminCall, chat } from './support/seed';

/*
 * The console end to end, in Chromium against a real gateway: first-run setup, sign-in, an API
 * key created (and shown once), and a fallback pipeline built, published and routed in the editor.
 * One browser for the file; the steps share one signed-in page, in order.
 */

const TIMEOUT = 120_000;

describe.skipIf(!browserAvailable())('console: sign in, create a key, build and publish a fallback pipeline', () => {
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let secret = '';

  beforeAll(async () => {
    gw = await startConsoleGateway();
    browser = await launchBrowser();
    ({ page, errors: pageErrors } = await openPage(browser, gw.url));
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('sets up the owner on first run, signs out, and signs in again', async () => {
    await page.goto('/');
    // No owner yet: the console asks for the setup link rather than a password.
    await page.getByRole('heading', { name: 'Set up Switchyard' }).waitFor();
    await setUpOwner(page, gw);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Incorrect email or password');

    // Keyboard only: the email field has focus, Tab moves on, Enter submits.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('');
    await page.keyboard.type(OWNER.email);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('signin-password');
    await page.keyboard.type(OWNER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await expect(page.getByText(OWNER.name).first().isVisible()).resolves.toBe(true);
  }, TIMEOUT);

  it('creates an API key whose secret is shown once and works against /v1', async () => {
    await openFromNav(page, 'API keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('e2e backend');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await shown.waitFor();
    secret = await shown.getByLabel('API key').inputValue();
    expect(secret).toMatch(/^sy-/);
    await expect(shown.textContent()).resolves.toContain('only this once');
    await shown.getByRole('button', { name: 'I have copied it' }).click();

    const row = page.getByRole('row', { name: /e2e backend/ });
    await row.waitFor();
    // The listing has the key's public prefix only; the secret is gone from the page.
    await expect(page.content()).resolves.not.toContain(secret);
    await expect(row.getByText('active').isVisible()).resolves.toBe(true);

    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
  }, TIMEOUT);

  it('builds a fallback pipeline from the palette, with the connection rules shown while dragging', async () => {
    await openFromNav(page, 'Pipelines');
    await page.getByRole('button', { name: 'New pipeline' }).click();
    const dialog = page.getByRole('dialog', { name: 'New pipeline' });
    await dialog.getByLabel('Name').fill('Resilient chat');
    await expect(dialog.getByLabel('Id').inputValue()).resolves.toBe('resilient-chat');
    await dialog.getByLabel('An empty canvas').check();
    await dialog.getByRole('button', { name: 'Create and open the editor' }).click();
    await page.getByRole('heading', { name: 'Resilient chat', level: 1 }).waitFor();
    await page.getByText('An empty pipeline.').waitFor();

    // A fallback, then a target: added with the fallback selected, it takes the first free output.
    await page.getByRole('button', { name: 'Add Fallback node' }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector: fallback' });
    await inspector.waitFor();
    await page.getByRole('button', { name: 'Add Target node' }).click();
    let target = page.getByRole('complementary', { name: 'Inspector: target' });
    await target.getByLabel('Provider').selectOption('mock');
    await target.getByLabel('Model').fill('error-503');
    await target.getByLabel('Node id').fill('flaky');
    await target.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('complementary', { name: 'Inspector: flaky' }).waitFor();

    await page.locator('.react-flow__node[data-id="fallback"]').click();
    await inspector.waitFor();
    await page.getByRole('button', { name: 'Add Target node' }).click();
    target = page.getByRole('complementary', { name: 'Inspector: target' });
    await target.getByLabel('Provider').selectOption('mock');
    await target.getByLabel('Model').fill('mock-chat');

    // The fallback's outputs now lead to the two targets, in order.
    await page.locator('.react-flow__node[data-id="fallback"]').click();
    await expect(inspector.getByLabel('primary').inputValue()).resolves.toBe('flaky');
    await expect(inspector.getByLabel('backup').inputValue()).resolves.toBe('target');

    // Dragging a second edge out of an output that is already connected: the shared rule says why not.
    const from = page.locator('.react-flow__node[data-id="fallback"] .react-flow__handle[data-handleid="primary"]');
    const to = page.locator('.react-flow__node[data-id="target"] .react-flow__handle[data-handleid="in"]');
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(a.x + 40, a.y + 20, { steps: 5 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
    const hint = page.locator('.connection-hint');
    await hint.waitFor();
    await expect(hint.textContent()).resolves.toContain("output 'primary' of 'fallback' is already connected");
    await page.mouse.up();
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(2);

    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.getByText('No problems: this graph can be published.').waitFor();
  }, TIMEOUT);

  it('saves the draft, publishes version 1 and routes a model name to it', async () => {
    await expect(page.getByText('unsaved changes').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('unsaved changes').waitFor({ state: 'hidden' });
    await expect(page.getByRole('button', { name: 'Save draft' }).isDisabled()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish Resilient chat' });
    await publish.getByLabel('Note').fill('primary with a backup');
    await publish.getByRole('button', { name: 'Publish version 1' }).click();
    await page.getByText('v1 running').waitFor();

    await page.getByRole('button', { name: 'Routing' }).click();
    const routing = page.getByRole('dialog', { name: 'Which requests run this pipeline' });
    await routing.getByLabel('Requests for these model names').fill('resilient-chat');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await page.getByRole('button', { name: 'Routing (1)' }).waitFor();

    // What the editor stored is the domain format, and it serves traffic: the primary fails, the backup answers.
    const stored = await adminCall<{ publishedVersion: number; draft: { nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>; edges: unknown[] } }>(gw, 'GET', '/api/pipelines/resilient-chat');
    expect(stored.publishedVersion).toBe(1);
    expect(stored.draft.nodes.map((n) => [n.id, n.type, n.params.model ?? null]).sort()).toEqual([
      ['fallback', 'fallback', null],
      ['flaky', 'target', 'error-503'],
      ['target', 'target', 'mock-chat'],
    ]);
    expect(stored.draft.edges).toEqual([
      { source: 'fallback', sourceHandle: 'primary', target: 'flaky', targetHandle: 'in' },
      { source: 'fallback', sourceHandle: 'backup', target: 'target', targetHandle: 'in' },
    ]);
    expect(await chat(gw, secret, 'resilient-chat', 'ping through the fallback')).toBe(200);

    // The history lists the version with its note.
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByRole('complementary', { name: 'Version history' }).textContent()).resolves.toContain('primary with a backup');
  }, TIMEOUT);

  it('test-runs the graph and draws the trace on it: which path ran, the timings, why the fallback moved on', async () => {
    await page.getByRole('button', { name: 'Test run' }).click();
    const panel = page.getByRole('complementary', { name: 'Test run' });
    await panel.getByLabel('Model in the request').fill('mock-chat');
    await panel.getByRole('button', { name: 'Run', exact: true }).click();
    await panel.getByText('answered by mock/mock-chat').waitFor();

    const fallback = page.locator('.react-flow__node[data-id="fallback"] .pl-node');
    await expect(fallback.getAttribute('class')).resolves.toContain('ran ok');
    await expect(fallback.locator('.pl-decision').textContent()).resolves.toBe('branch "backup"');
    await expect(fallback.locator('.pl-note').textContent()).resolves.toMatch(/primary.*failed: 503/);
    await expect(page.locator('.react-flow__node[data-id="flaky"] .pl-node').getAttribute('class')).resolves.toContain('ran error');
    await expect(page.locator('.react-flow__node[data-id="target"] .pl-run').textContent()).resolves.toMatch(/✓ \d+ ms/);
    await expect(page.locator('.react-flow__edge.edge-failed').count()).resolves.toBe(1);
    await expect(page.locator('.react-flow__edge.edge-ran').count()).resolves.toBe(1);

    await panel.getByRole('button', { name: 'Clear the trace' }).click();
    await expect(page.locator('.pl-node.ran').count()).resolves.toBe(0);
  }, TIMEOUT);

  it('publishes again and rolls back to version 1 from the history', async () => {
    await page.getByRole('button', { name: 'Publish…' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish Resilient chat' });
    await publish.getByLabel('Note').fill('second publish');
    await publish.getByRole('button', { name: 'Publish version 2' }).click();
    await page.getByText('v2 running').waitFor();

    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('complementary', { name: 'Version history' });
    await history.getByRole('button', { name: 'Changes' }).first().click();
    await history.getByText('No change in behaviour').waitFor();
    page.once('dialog', (d) => void d.accept());
    await history.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByText('v3 running', { exact: true }).waitFor(); // the badge, not the history entry 'v3 running rollback to v1'
    await history.getByText('rollback to v1').waitFor();
    const stored = await adminCall<{ publishedVersion: number }>(gw, 'GET', '/api/pipelines/resilient-chat');
    expect(stored.publishedVersion).toBe(3);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
