"""PyTorch CPU peer of the bench's character LM (apps/bench/src/peers/pytorch.ts spawns it).

Reads one JSON spec on stdin and prints one JSON object on stdout. The model and step are the
ones recur and TF.js run: one-hot input [B, T, V] -> nn.LSTM / nn.RNN (tanh, batch_first) ->
nn.Linear(H, V) on every step -> softmax cross-entropy; a training step is backward,
clip_grad_norm_(5) over all parameters, Adam. Inference is a forward pass under no_grad whose
logits are copied out (as recur and TF.js download theirs). Timing mirrors measure.ts: warm-up
calls, then samples of one call each until `repeats` are taken or `budgetSeconds` is spent (the
warm-up counts as the only sample when it alone exceeds the budget).

Thread settings are the caller's: `threads` goes to torch.set_num_threads (null leaves PyTorch's
default); OpenBLAS's own pool is sized by OPENBLAS_NUM_THREADS in the environment, which must be
set before the process starts.
"""

import json
import sys
import time


def measure(fn, warmup, repeats, budget):
    warmup_time = 0.0
    last = 0.0
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        last = time.perf_counter() - t0
        warmup_time += last
    if warmup > 0 and warmup_time > budget:
        return {"samples": [last], "warmupCounted": True}
    samples = []
    spent = 0.0
    while len(samples) < max(1, repeats):
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        samples.append(t)
        spent += t
        if spent > budget:
            break
    return {"samples": samples, "warmupCounted": False}


def main():
    spec = json.load(sys.stdin)
    import torch
    from torch import nn

    if spec.get("threads") is not None:
        torch.set_num_threads(int(spec["threads"]))
    torch.manual_seed(int(spec.get("seed", 1)))
    H, B, T, V = (int(spec[k]) for k in ("H", "B", "T", "V"))
    cell = spec["cell"]
    if cell == "lstm":
        recurrent = nn.LSTM(V, H, batch_first=True)
    elif cell == "rnn":
        recurrent = nn.RNN(V, H, nonlinearity="tanh", batch_first=True)
    else:
        raise ValueError(f"torch_char_lm: cell is {cell!r}; expected 'lstm' or 'rnn'")
    dense = nn.Linear(H, V)
    params = list(recurrent.parameters()) + list(dense.parameters())
    optimizer = torch.optim.Adam(params, lr=float(spec["lr"]))
    inputs = torch.tensor(spec["inputs"], dtype=torch.long).reshape(B, T)
    targets = torch.tensor(spec["targets"], dtype=torch.long).reshape(B * T)
    x = nn.functional.one_hot(inputs, V).to(torch.float32)
    clip = float(spec["clip"])

    def logits():
        outputs, _ = recurrent(x)
        return dense(outputs.reshape(B * T, H))

    def train_step():
        optimizer.zero_grad(set_to_none=False)
        loss = nn.functional.cross_entropy(logits(), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        return loss.item()

    def infer():
        with torch.no_grad():
            return logits().numpy().copy()

    calls = {"train": train_step, "infer": infer}
    results = {}
    for mode in spec["modes"]:
        results[mode] = measure(
            calls[mode], int(spec["warmup"]), int(spec["repeats"]), float(spec["budgetSeconds"])
        )
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
