// @ts-expect-error: a plain ES module (the build's library), no type declarations
import { compileSwitchyard } from '../server/compile.mjs';

/**
 * Before the suite: the compiled build (server/build.mjs), once, so the tests that run the server
 * as `npm start` does (its own process, from server/dist/) test the current sources. Built here
 * rather than by each test, because files written under a running test's feet could be read
 * half-written.
 */
export default async function compileBeforeTests(): Promise<void> {
  await compileSwitchyard();
}
