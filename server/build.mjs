// `node server/build.mjs [--quiet]`: the compiled build (see compile.mjs). npm runs it after
// install and before `npm start`.
import { COMPILED_CONDITION } from './src/cli/node-flags.mjs';
import { compileSwitchyard } from './compile.mjs';

const started = Date.now();
const count = await compileSwitchyard();
if (!process.argv.includes('--quiet')) process.stdout.write(`compiled ${count} packages (condition "${COMPILED_CONDITION}") in ${Date.now() - started} ms\n`);
