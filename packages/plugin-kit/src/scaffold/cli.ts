// `npm run plugin:new -- <kind> <name>`: scaffolds plugins/<kind>-<name> in this checkout.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScaffoldCli } from './cli-main';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
// npm runs scripts from the package root; INIT_CWD is where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();
process.exitCode = await runScaffoldCli(process.argv.slice(2), { pluginsDir: path.join(repoRoot, 'plugins'), cwd });
