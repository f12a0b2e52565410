/** The `atc` command: a table of sub-commands, each a module with a `run(args)` returning the exit code. */
interface Command {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => ({ summary: 'build the knowledge base into the output folder', run: (await import('./build-command.ts')).runBuild }),
  convert: async () => ({ summary: 'convert Sigma rules into queries for one target', run: (await import('./convert-command.ts')).runConvert }),
  check: async () => ({ summary: 'check the knowledge base for CI without writing anything', run: (await import('./check-command.ts')).runCheck }),
  coverage: async () => ({ summary: 'print what each coverage profile can run; fail below a threshold or a baseline', run: (await import('./coverage-command.ts')).runCoverage }),
  layer: async () => ({ summary: 'write an ATT&CK Navigator layer for any filter of the rules', run: (await import('./layer-command.ts')).runLayer }),
  'check-links': async () => ({ summary: 'check every internal link and anchor of a built site', run: (await import('./check-links-command.ts')).runCheckLinks }),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, the usage is the output; missing a command, it is the error message.
    (name ? process.stdout : process.stderr).write(usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`atc: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(args);
}

function usage(): string {
  return [
    'usage: atc <command> [options]',
    '',
    'commands:',
    '  build     build the knowledge base (markdown and HTML) into the output folder',
    '  convert   convert Sigma rules into queries for one target',
    '  check     check the knowledge base (for CI): every issue, exit 1 on errors; writes nothing',
    '  coverage  what each coverage profile can run and what to enable next (for CI): exit 1 when a',
    '            profile falls below --min-techniques or loses coverage against --baseline',
    '  layer     write an ATT&CK Navigator layer of the rules that pass a filter',
    '  check-links [DIR]  check every internal link and anchor of a built site (default _site)',
    '',
    'Run "atc <command> --help" for the options and exit statuses of a command.',
    'Every command exits 2 when its command line is wrong.',
    '',
  ].join('\n');
}
