import type { Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { ensureConsoleBuilt } from './build-console';

export const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'correct horse battery staple' };

/** A real gateway (SQLite, the seeded mock provider) serving the freshly built console. */
export async function startConsoleGateway(): Promise<TestGateway> {
  await ensureConsoleBuilt();
  return startTestGateway();
}

/** First run through the browser: the printed setup link, then the owner's details. Leaves the owner signed in. */
export async function setUpOwner(page: Page, gw: TestGateway): Promise<void> {
  if (!gw.setup) throw new Error('the gateway has no setup link: an owner exists already');
  await page.goto(new URL(gw.setup.url).pathname + new URL(gw.setup.url).search);
  await page.getByRole('heading', { name: 'Set up Switchyard' }).waitFor();
  await page.getByLabel('Your name').fill(OWNER.name);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByLabel('Repeat the password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner and sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

export async function signIn(page: Page, who: { email: string; password: string } = OWNER): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}

/** Client-side navigation through the sidebar, as a person would. */
export async function openFromNav(page: Page, label: string, heading = label): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Open navigation' }).click();
  await nav.getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}
