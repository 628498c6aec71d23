import { DatasetError } from '@recur/datasets';
import { closest, RecurError } from '@recur/tensor';
import { UsageError } from './errors.js';
import type { Command, CommandIO } from './io.js';
import { cliVersion } from './version.js';

const commands: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./commands/train.js')).trainCommand,
  sample: async () => (await import('./commands/sample.js')).sampleCommand,
  translate: async () => (await import('./commands/translate.js')).translateCommand,
  classify: async () => (await import('./commands/classify.js')).classifyCommand,
  caption: async () => (await import('./commands/caption.js')).captionCommand,
  diagnose: async () => (await import('./commands/diagnose.js')).diagnoseCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  forecast: async () => (await import('./commands/forecast.js')).forecastCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
};

const summaries: Record<string, string> = {
  train: 'train a model (lm | seq2seq | classify | caption | forecast) with checkpoints and resume',
  sample: 'generate text from a language-model checkpoint, optionally from a prompt',
  translate: 'translate with an encoder-decoder checkpoint (greedy or beam search)',
  classify: 'classify texts or digits with a sequence-classifier checkpoint',
  caption: 'caption digit strips with a captioning checkpoint',
  diagnose: 'gradient norms per time step, vanishing/exploding verdict, SVG/HTML plot',
  export: 'write a checkpoint as safetensors (PyTorch), ONNX or TF.js for other runtimes',
  forecast: 'forecast the next steps of a numeric series (CSV) with a forecaster checkpoint',
  import: 'turn a TF.js model, a safetensors (PyTorch) or .recur file into a checkpoint',
};

/** The top-level help. */
export function usage(): string {
  const rows = Object.entries(summaries).map(([name, text]) => `  ${name.padEnd(10)} ${text}`);
  return `recur — recurrent neural networks in TypeScript\n\nUsage: recur <command> [options]\n       recur --version\n\nCommands:\n${rows.join('\n')}\n\nRun 'recur <command> --help' for a command's options. With no options, 'recur train'\ntrains a character-level LSTM on Moby Dick for about a minute and generates text.\n`;
}

/** Whether `error` is the caller's mistake (a bad flag, file or input): one line, exit 2. */
function isUserError(error: unknown): error is Error {
  if (error instanceof UsageError || error instanceof DatasetError) return true;
  if (error instanceof RecurError) return true;
  // A system call that failed on a path or device the user named (ENOENT, EACCES, ENOSPC, …).
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/**
 * Runs `recur <argv>` and resolves to the exit code: 0 on success, 2 for a usage or input error
 * (one line on stderr), 1 for anything unexpected (with its stack).
 */
export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    const near = closest(name, Object.keys(commands));
    io.stderr.write(
      `recur: unknown command '${name}' (expected one of ${Object.keys(commands).join(', ')}; see recur --help)${near ? `; did you mean ${near}?` : ''}\n`,
    );
    return 2;
  }
  try {
    const command = await load();
    await command.run(rest, io);
    return 0;
  } catch (error) {
    if (isUserError(error)) {
      const message = error.message.split('\n')[0]!;
      const prefixed = message.startsWith('recur') ? message : `recur ${name}: ${message}`;
      io.stderr.write(`${prefixed}\n`);
      return 2;
    }
    io.stderr.write(
      `recur ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
    );
    return 1;
  }
}
