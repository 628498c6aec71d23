#!/usr/bin/env node
// The demo's `recur` runs the compiled CLI of @recur/cli (packages/cli; build it first with
// `pnpm turbo run build --filter=@recur/cli...`).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const manifest = createRequire(import.meta.url).resolve('@recur/cli/package.json');
await import(new URL('dist/main.js', pathToFileURL(manifest)).href);
