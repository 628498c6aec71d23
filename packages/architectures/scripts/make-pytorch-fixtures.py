#!/usr/bin/env python3
"""PyTorch fixtures for recur's safetensors import and export (run by hand, never in CI).

Needs torch (Debian: apt-get install python3-torch libopenblas0-pthread) and nothing else:
Debian has no python3-safetensors, so the format is read and written below, as the reference
implementation lays it out (tensors in name order, header padded with spaces to 8 bytes).

1. PyTorch -> recur: builds seeded PyTorch modules (nn.Embedding, nn.LSTM / nn.GRU / nn.RNN,
   nn.Linear), saves each state dict as fixtures/pytorch/torch-NAME.safetensors, and
   torch-NAME.io.safetensors: seeded inputs and torch's logits as tensors, the recur config
   of the same model in __metadata__ ("config").
2. recur -> PyTorch: loads every fixtures/pytorch/recur-NAME.safetensors (written by
   scripts/export-recur-fixtures.ts) into the PyTorch module its recur.config describes
   (load_state_dict(strict=True)), and writes recur-NAME.io.safetensors: seeded inputs and
   torch's logits.

The vitest suite (src/pytorch-fixtures.test.ts) runs recur on the same inputs and compares.

    pnpm --filter @recur/architectures exec tsx scripts/export-recur-fixtures.ts
    /usr/bin/python3 packages/architectures/scripts/make-pytorch-fixtures.py
"""

import json
import struct
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pytorch"
DTYPES = {torch.float32: "F32", torch.int32: "I32"}


def save_safetensors(path, tensors, metadata=None):
    """The reference layout: header keys and data in name order, header padded to 8 bytes."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if t.dtype == torch.int64:
            t = t.to(torch.int32)
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def load_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", name  # recur writes float32 weights
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors, metadata


def recurrent(cell, input_size, hidden, layers, bidirectional=False, cell_options=None):
    """recur's cells as PyTorch modules: lstm -> nn.LSTM, rnn -> nn.RNN, irnn -> nn.RNN(relu),
    gru with cellOptions.resetAfter -> nn.GRU (always "reset after"; recur's default GRU is
    "reset before", which no PyTorch module computes)."""
    common = dict(num_layers=layers, bidirectional=bidirectional, batch_first=True)
    options = cell_options or {}
    if options.get("recurrentActivation", "sigmoid") != "sigmoid":
        raise ValueError("PyTorch's recurrent modules have only the logistic sigmoid")
    if cell == "lstm":
        return nn.LSTM(input_size, hidden, **common)
    if cell == "gru":
        if not options.get("resetAfter", False):
            raise ValueError("nn.GRU is reset-after: give cellOptions.resetAfter = true")
        return nn.GRU(input_size, hidden, **common)
    if cell in ("rnn", "irnn"):
        return nn.RNN(input_size, hidden, nonlinearity="tanh" if cell == "rnn" else "relu", **common)
    raise ValueError(f"no PyTorch module computes recur's {cell}")


def final_hidden(state):
    return state[0] if isinstance(state, tuple) else state


class TokenDecoder(nn.Module):
    """recur's TokenDecoder: embedding or one-hot, stacked cells, optional attention, output."""

    def __init__(self, vocabulary, token_input, cell, hidden, layers, attention=None,
                 cell_options=None):
        super().__init__()
        self.vocabulary = vocabulary
        width = vocabulary
        if token_input["kind"] == "embedding":
            self.embedding = nn.Embedding(vocabulary, token_input["size"])
            width = token_input["size"]
        self.rnn = recurrent(cell, width, hidden, layers, cell_options=cell_options)
        self.score = attention
        if attention == "general":
            self.attention = nn.ModuleDict({"key": nn.Linear(hidden, hidden, bias=False)})
        if attention is not None:
            self.combine = nn.Linear(2 * hidden, hidden)
        self.output = nn.Linear(hidden, vocabulary)

    def embed(self, ids):
        if hasattr(self, "embedding"):
            return self.embedding(ids)
        return F.one_hot(ids, self.vocabulary).float()

    def forward(self, ids, state=None, memory=None):
        outputs, state = self.rnn(self.embed(ids), state)
        if self.score is None:
            return self.output(outputs), state
        keys = self.attention["key"](memory)                    # (k W_a), [B, S, H]
        weights = torch.softmax(outputs @ keys.transpose(1, 2), dim=-1)
        context = weights @ memory
        return self.output(torch.tanh(self.combine(torch.cat([outputs, context], 2)))), state


class LanguageModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = TokenDecoder(c["vocabularySize"], c["input"], c["cell"], c["hiddenSize"], c["numLayers"],
                         cell_options=c.get("cellOptions"))
        # The decoder's parts sit at the top level, as recur names them.
        self.embedding = getattr(d, "embedding", None)
        self.rnn, self.output, self.decoder = d.rnn, d.output, [d]

    def forward(self, ids):
        return self.decoder[0](ids)[0]


class SequenceClassifier(nn.Module):
    """Readout `last`: the final state of the last layer (both directions when bidirectional)."""

    def __init__(self, c):
        super().__init__()
        assert c["readout"] == "last", "the fixtures mirror readout last"
        i = c["input"]
        width = i["size"] if i["kind"] != "onehot" else i["vocabularySize"]
        if i["kind"] == "embedding":
            self.embedding = nn.Embedding(i["vocabularySize"], i["size"])
        self.rnn = recurrent(c["cell"], width, c["hiddenSize"], c["numLayers"], c["bidirectional"],
                             c.get("cellOptions"))
        directions = 2 if c["bidirectional"] else 1
        self.output = nn.Linear(directions * c["hiddenSize"], c["outputSize"])
        self.bidirectional = c["bidirectional"]

    def forward(self, x):
        if hasattr(self, "embedding"):
            x = self.embedding(x)
        h = final_hidden(self.rnn(x)[1])
        last = torch.cat([h[-2], h[-1]], 1) if self.bidirectional else h[-1]
        return self.output(last)


class Seq2Seq(nn.Module):
    """Encoder final state -> decoder initial state; teacher-forced decoder; Luong attention."""

    def __init__(self, c):
        super().__init__()
        s = c["sourceInput"]
        self.encoder = nn.ModuleDict({"rnn": recurrent(
            c["cell"], s["size"] if s["kind"] == "embedding" else c["sourceVocabularySize"],
            c["hiddenSize"], c["numLayers"], cell_options=c.get("cellOptions"))})
        if s["kind"] == "embedding":
            self.encoder["embedding"] = nn.Embedding(c["sourceVocabularySize"], s["size"])
        self.source_vocabulary = c["sourceVocabularySize"]
        self.decoder = TokenDecoder(c["targetVocabularySize"], c["targetInput"], c["cell"],
                                    c["hiddenSize"], c["numLayers"], c["attention"],
                                    c.get("cellOptions"))

    def forward(self, source, decoder_input):
        x = (self.encoder["embedding"](source) if "embedding" in self.encoder
             else F.one_hot(source, self.source_vocabulary).float())
        memory, state = self.encoder["rnn"](x)
        return self.decoder(decoder_input, state, memory)[0]


MODELS = {"LanguageModel": LanguageModel, "SequenceClassifier": SequenceClassifier,
          "Seq2Seq": Seq2Seq}


def inputs_for(config, generator):
    """Seeded inputs: batch 3, 5 steps (4 target steps for Seq2Seq)."""
    def ids(vocabulary, steps):
        return torch.randint(vocabulary, (3, steps), generator=generator, dtype=torch.int64)
    arch = config["architecture"]
    if arch == "LanguageModel":
        return {"inputs": ids(config["vocabularySize"], 5)}
    if arch == "Seq2Seq":
        return {"source": ids(config["sourceVocabularySize"], 5),
                "decoderInput": ids(config["targetVocabularySize"], 4)}
    i = config["input"]
    if i["kind"] == "features":
        return {"inputs": torch.randn(3, 5, i["size"], generator=generator)}
    return {"inputs": ids(i["vocabularySize"], 5)}


def run(module, inputs):
    module.eval()
    with torch.no_grad():
        return module(*inputs.values())


def record(name, config, module, seed):
    inputs = inputs_for(config, torch.Generator().manual_seed(seed))
    logits = run(module, inputs)
    metadata = {"config": json.dumps(config)} if name.startswith("torch-") else None
    save_safetensors(FIXTURES / f"{name}.io.safetensors", {**inputs, "logits": logits}, metadata)
    print(f"{name}: logits {list(logits.shape)}")


# recur configs of the PyTorch-made modules (defaults filled in by recur on import).
TORCH_MODELS = {
    "lstm-bidirectional-classifier": {
        "architecture": "SequenceClassifier", "input": {"kind": "features", "size": 4},
        "cell": "lstm", "hiddenSize": 6, "numLayers": 2, "bidirectional": True,
        "readout": "last", "outputSize": 3},
    "rnn-bidirectional-classifier": {
        "architecture": "SequenceClassifier",
        "input": {"kind": "embedding", "vocabularySize": 10, "size": 4},
        "cell": "rnn", "hiddenSize": 5, "numLayers": 1, "bidirectional": True,
        "readout": "last", "outputSize": 2},
    "irnn-classifier": {
        "architecture": "SequenceClassifier", "input": {"kind": "features", "size": 3},
        "cell": "irnn", "hiddenSize": 5, "numLayers": 2, "bidirectional": False,
        "readout": "last", "outputSize": 2},
    "lstm-lm": {
        "architecture": "LanguageModel", "vocabularySize": 11,
        "input": {"kind": "embedding", "size": 4}, "cell": "lstm", "hiddenSize": 6,
        "numLayers": 2},
    # nn.GRU: reset-after, gate order r z n, two biases (recur: cellOptions.resetAfter).
    "gru-classifier": {
        "architecture": "SequenceClassifier", "input": {"kind": "features", "size": 3},
        "cell": "gru", "cellOptions": {"resetAfter": True}, "hiddenSize": 5, "numLayers": 1,
        "bidirectional": False, "readout": "last", "outputSize": 2},
    "gru-two-layer-classifier": {
        "architecture": "SequenceClassifier", "input": {"kind": "features", "size": 4},
        "cell": "gru", "cellOptions": {"resetAfter": True}, "hiddenSize": 6, "numLayers": 2,
        "bidirectional": False, "readout": "last", "outputSize": 3},
    "gru-bidirectional-classifier": {
        "architecture": "SequenceClassifier",
        "input": {"kind": "embedding", "vocabularySize": 10, "size": 4},
        "cell": "gru", "cellOptions": {"resetAfter": True}, "hiddenSize": 5, "numLayers": 2,
        "bidirectional": True, "readout": "last", "outputSize": 2},
    "gru-lm": {
        "architecture": "LanguageModel", "vocabularySize": 11,
        "input": {"kind": "embedding", "size": 4}, "cell": "gru",
        "cellOptions": {"resetAfter": True}, "hiddenSize": 6, "numLayers": 2},
}


def main():
    for index, (name, config) in enumerate(TORCH_MODELS.items()):
        torch.manual_seed(100 + index)
        module = MODELS[config["architecture"]](config)
        save_safetensors(FIXTURES / f"torch-{name}.safetensors", module.state_dict())
        record(f"torch-{name}", config, module, 200 + index)
    recur = [p for p in sorted(FIXTURES.glob("recur-*.safetensors")) if ".io." not in p.name]
    for index, path in enumerate(recur):
        tensors, metadata = load_safetensors(path)
        config = json.loads(metadata["recur.config"])
        module = MODELS[config["architecture"]](config)
        module.load_state_dict(tensors, strict=True)
        record(path.stem, config, module, 300 + index)


if __name__ == "__main__":
    main()
