/** Live-memory tracing across training steps: used by the memory suite's child process. */
const MB = 2 ** 20;

/** Memory figures of a run of training steps. */
export interface MemoryTrace {
  steps: number;
  seconds: number;
  rssStartMB: number;
  rssPeakMB: number;
  rssEndMB: number;
  /** The step after which the baseline counts were taken (see {@link baselineStep}). */
  baselineStep: number;
  tensorsAfterFirst: number;
  tensorsAtBaseline: number;
  tensorsAfterLast: number;
  tensorsMax: number;
  texturesAfterFirst?: number;
  texturesAtBaseline?: number;
  texturesAfterLast?: number;
}

/**
 * The step whose live counts later steps are compared with: a tenth of the way in, and never
 * before the second step — the first steps compile GPU kernels (a gpu.js kernel keeps its output
 * texture), so textures may rise once before they settle.
 */
export function baselineStep(steps: number): number {
  return Math.min(steps, Math.max(2, Math.ceil(steps / 10)));
}

/** Whether live tensors (and textures) after the last step equal those at the baseline step. */
export function isFlat(trace: MemoryTrace): boolean {
  return (
    trace.tensorsAfterLast === trace.tensorsAtBaseline &&
    (trace.texturesAtBaseline === undefined || trace.texturesAfterLast === trace.texturesAtBaseline)
  );
}

/** One line on the live counts of a trace: flat, or which count grew. */
export function describeTrace(trace: MemoryTrace): string {
  const span = `from step ${trace.baselineStep} to ${trace.steps}`;
  const parts: string[] = [];
  const tensors = trace.tensorsAfterLast === trace.tensorsAtBaseline;
  parts.push(
    tensors
      ? `live tensors flat (${trace.tensorsAfterLast})`
      : `LEAK: live tensors ${trace.tensorsAtBaseline} → ${trace.tensorsAfterLast}`,
  );
  if (trace.texturesAtBaseline !== undefined) {
    const textures = trace.texturesAfterLast === trace.texturesAtBaseline;
    parts.push(
      textures
        ? `GPU textures flat (${trace.texturesAfterLast}; ${trace.texturesAfterFirst} after step 1)`
        : `LEAK: GPU textures ${trace.texturesAtBaseline} → ${trace.texturesAfterLast}`,
    );
  }
  return `${parts.join(', ')} ${span}`;
}

/** What {@link traceSteps} drives: a training step and the live counts. */
export interface Steppable {
  trainStep(): unknown;
  liveTensors(): { tensors: number; textures: number | undefined };
}

/**
 * Runs training steps, sampling RSS and live counts after each; stops after `steps` or once
 * `capSeconds` have passed (the trace says how many ran).
 */
export function traceSteps(lm: Steppable, steps: number, capSeconds: number): MemoryTrace {
  const start = performance.now();
  const rssStart = process.memoryUsage.rss();
  const wanted = baselineStep(steps);
  let rssPeak = rssStart;
  const counts: { tensors: number; textures: number | undefined }[] = [];
  while (counts.length < steps) {
    lm.trainStep();
    const live = lm.liveTensors();
    counts.push(live);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    if ((performance.now() - start) / 1000 > capSeconds) break;
  }
  const done = counts.length;
  const at = (step: number) => counts[Math.max(0, Math.min(done, step) - 1)] ?? lm.liveTensors();
  const first = at(1);
  const base = at(wanted);
  const last = at(done);
  const trace: MemoryTrace = {
    steps: done,
    seconds: (performance.now() - start) / 1000,
    rssStartMB: rssStart / MB,
    // The sampled peak, or the kernel's record of the process peak when that is higher.
    rssPeakMB: Math.max(rssPeak, process.resourceUsage().maxRSS * 1024) / MB,
    rssEndMB: process.memoryUsage.rss() / MB,
    baselineStep: Math.min(done, wanted),
    tensorsAfterFirst: first.tensors,
    tensorsAtBaseline: base.tensors,
    tensorsAfterLast: last.tensors,
    tensorsMax: Math.max(...counts.map((c) => c.tensors)),
  };
  if (last.textures !== undefined) {
    trace.texturesAfterFirst = first.textures;
    trace.texturesAtBaseline = base.textures;
    trace.texturesAfterLast = last.textures;
  }
  return trace;
}
