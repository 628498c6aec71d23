/**
 * @packageDocumentation
 * ONNX export for recur models: {@link exportOnnx} writes a `LanguageModel`, a
 * `SequenceClassifier`, or either half of a `Seq2Seq` (with or without attention) as an ONNX file built on
 * the standard `RNN`/`GRU`/`LSTM` operators, with `initial_h`/`initial_c` inputs and `Y_h`/`Y_c`
 * outputs so generation can run step by step in any ONNX runtime. The protobuf encoding is
 * written by hand: the package has no runtime dependency beyond recur's own.
 */
export { type ExportOnnxOptions, exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './export-onnx.js';
