#!/usr/bin/env node
// Node 20 cannot strip TypeScript types, so the CLI registers tsx's loader before importing the sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
