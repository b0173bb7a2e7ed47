#!/usr/bin/env node
// The weatherkd command. Runs the TypeScript sources directly through tsx's loader API, so the
// CLI needs no build step; tsImport scopes the loader to this import and leaves node alone.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
