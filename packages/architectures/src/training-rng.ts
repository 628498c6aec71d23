import { isRng, RecurError, type Rng } from '@recur/tensor';

/**
 * What a training pass of a model with `dropout` between `numLayers` stacked layers draws at
 * random, in words (null when it draws nothing: dropout acts between layers only).
 */
export function dropoutDraws(config: { dropout: number; numLayers: number }): string | null {
  return config.dropout > 0 && config.numLayers > 1
    ? `dropout ${config.dropout} between ${config.numLayers} layers`
    : null;
}

/**
 * The generator a training pass of `owner` draws from. Models hold no generator of their own:
 * every random draw while training (dropout masks, scheduled sampling) comes from the `rng` the
 * caller gives — the `TrainingContext.rng` of `@recur/train`, whose state checkpoints save — so a
 * run resumed from a checkpoint draws exactly what the uninterrupted run drew. `draws` says what
 * the pass draws (see {@link dropoutDraws}); when it draws something and `rng` is not an Rng, this
 * throws rather than fall back to a generator no checkpoint would save.
 */
export function trainingRng(owner: string, rng: unknown, draws: string | null): Rng | undefined {
  if (isRng(rng)) return rng;
  if (draws === null) return undefined;
  throw new RecurError(
    'ARGUMENT',
    `${owner}: training with ${draws} draws random numbers, so it needs an rng (the context's rng in loss, e.g. the Trainer's, whose state checkpoints save; or forward's rng); got ${rng === undefined ? 'none' : typeof rng}. Pass training: false to evaluate`,
  );
}
