#!/usr/bin/env node
/**
 * The `recur` command line: train, sample, translate, classify, caption and diagnose RNNs.
 * Every command has `--help`; a bad flag or file is one clear line on stderr and exit code 2.
 */
import { runCli } from './cli.js';

// `recur … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`recur: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
