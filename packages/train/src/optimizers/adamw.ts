import { Adam } from './adam.js';

/**
 * AdamW (Loshchilov & Hutter 2019) with PyTorch's `torch.optim.AdamW` semantics: weight decay
 * is decoupled from the gradient — first `θ ← θ·(1 − η·λ)`, then the {@link Adam} update with
 * no L2 term. Default `weightDecay` is 0.01, as in PyTorch. Options: `AdamOptions`.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  /** Read by the Adam constructor: the type name, decoupled decay and its default. */
  static readonly variant = { type: 'AdamW', decoupled: true, defaultDecay: 0.01 };
}
