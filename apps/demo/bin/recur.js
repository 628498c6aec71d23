#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (the demo is a private app, not a published package).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
