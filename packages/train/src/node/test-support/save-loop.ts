// Test-only child process: saves checkpoints to argv[2] in a loop, announcing each save on
// stdout, until it is killed. Each checkpoint's weights are all equal to its step, so the parent
// can tell a consistent file from a torn one.
import { dispose, full, Rng } from '@recur/tensor';
import { saveCheckpoint } from '../checkpoint-file.js';

const path = process.argv[2]!;
const size = Number(process.argv[3] ?? 1_000_000);
const rng = new Rng(7);
for (let step = 1; ; step++) {
  const W = full([size], step);
  const b = full([3], -step);
  rng.next();
  process.stdout.write(`begin ${step}\n`);
  saveCheckpoint(path, {
    step,
    epoch: step % 3,
    parameters: { W, b },
    rng: { model: rng.getState() },
    vocabulary: ['a', 'b', 'c'],
    metadata: { check: step },
  });
  process.stdout.write(`saved ${step}\n`);
  dispose([W, b]);
}
