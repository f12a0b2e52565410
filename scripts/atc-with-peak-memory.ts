// `atc` as bin/atc.js runs it, for the bench: when the process exits, one last line on stdout gives its peak
// resident memory (the atc process alone; Pagefind runs in its own). Run with `node --import tsx`; `atc build`
// itself writes nothing to stdout, so the line is the only one there.
import { writeSync } from 'node:fs';
import { main } from '../src/cli/main.ts';

// scripts/incremental-build.ts reads this line back; nothing is exported, since importing this file runs atc.
process.on('exit', () => {
  writeSync(1, `\natc peak RSS MB: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)}\n`);
});
process.exitCode = await main(process.argv.slice(2));
