import path from 'node:path';
import { scaffoldPlugin } from './scaffold';
import { SCAFFOLD_KINDS, ScaffoldError } from './names';

const USAGE = `usage: npm run plugin:new -- <kind> <name> [--dir <plugins folder>] [--package <npm name>]
  kind: ${SCAFFOLD_KINDS.join(' | ')}
  name: lowercase words joined by dashes, e.g. acme-cloud (the folder is plugins/<kind>-<name>)`;

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/**
 * The command line: parses argv (without node and the script), scaffolds, prints what was made
 * and what to do next. Returns the exit code instead of exiting, so other CLIs can embed it.
 */
export async function runScaffoldCli(argv: string[], defaults: { pluginsDir: string; cwd?: string }, io: Io = { out: console.log, err: console.error }): Promise<number> {
  const positional: string[] = [];
  let dir = defaults.pluginsDir;
  let packageName: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--dir' || arg === '--package') {
      const value = argv[++i];
      if (value === undefined) {
        io.err(`${arg} needs a value\n${USAGE}`);
        return 2;
      }
      if (arg === '--dir') dir = path.resolve(defaults.cwd ?? process.cwd(), value);
      else packageName = value;
      continue;
    }
    if (arg.startsWith('-')) {
      io.err(`unknown option ${arg}\n${USAGE}`);
      return 2;
    }
    positional.push(arg);
  }
  if (positional.length !== 2) {
    io.err(USAGE);
    return 2;
  }
  try {
    const result = await scaffoldPlugin({ kind: positional[0], name: positional[1], pluginsDir: dir, packageName });
    const rel = path.relative(defaults.cwd ?? process.cwd(), result.dir) || '.';
    io.out(`created ${result.kind} plugin '${result.id}' in ${rel}:`);
    for (const f of result.files) io.out(`  ${f}`);
    io.out(`next:\n  npx vitest run ${rel}     # the generated tests pass as they are\n  npm install               # once, when you add dependencies (joins the npm workspace)\n  docs/plugins.md           # the contract, testing and publishing`);
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldError) {
      io.err(`plugin:new: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
