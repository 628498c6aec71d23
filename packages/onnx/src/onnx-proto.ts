import { ProtoWriter } from './protobuf.js';

/**
 * The subset of ONNX's `onnx.proto` (proto2) that an exported recur model uses, as plain
 * objects, and their encoding. Field numbers are those of `onnx/onnx.proto` in the ONNX
 * repository (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto).
 */

/** Element types used here, with their `TensorProto.DataType` numbers. */
export type DataType = 'float32' | 'int32' | 'int64' | 'bool';

const DATA_TYPE: Record<DataType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };
const BYTES_PER_ELEMENT: Record<DataType, number> = { float32: 4, int32: 4, int64: 8, bool: 1 };

/** A constant tensor stored in the file (an initializer): row-major values. */
export interface TensorValue {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  values: ArrayLike<number>;
}

/** A graph input or output: its element type and shape (a string names a dynamic dimension). */
export interface ValueInfo {
  name: string;
  dataType: DataType;
  shape: readonly (number | string)[];
  docString?: string;
}

/** An attribute value: an integer, a string, a list of either, or a list of floats. */
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { readonly floats: readonly number[] };

/** One operator application. An empty input name leaves an optional input out. */
export interface NodeValue {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph: nodes in topological order, initializers, inputs and outputs. */
export interface GraphValue {
  name: string;
  nodes: readonly NodeValue[];
  initializers: readonly TensorValue[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  docString?: string;
}

/** A whole file: the graph, the opset it binds to and who made it. */
export interface ModelValue {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graph: GraphValue;
}

/** Encodes a ModelProto. */
export function encodeModel(model: ModelValue): Uint8Array {
  const w = new ProtoWriter()
    .varint(1, model.irVersion) // ir_version
    .string(2, model.producerName) // producer_name
    .string(3, model.producerVersion); // producer_version
  if (model.docString) w.string(6, model.docString); // doc_string
  w.message(7, encodeGraph(model.graph)); // graph
  // opset_import: OperatorSetIdProto { domain = 1 (empty: the default ONNX domain), version = 2 }
  w.message(8, new ProtoWriter().string(1, '').varint(2, model.opsetVersion));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    // metadata_props: StringStringEntryProto { key = 1, value = 2 }
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}

function encodeGraph(graph: GraphValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, encodeNode(node)); // node
  w.string(2, graph.name); // name
  for (const t of graph.initializers) w.message(5, encodeTensor(t)); // initializer
  if (graph.docString) w.string(10, graph.docString); // doc_string
  for (const v of graph.inputs) w.message(11, encodeValueInfo(v)); // input
  for (const v of graph.outputs) w.message(12, encodeValueInfo(v)); // output
  return w;
}

function encodeNode(node: NodeValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input); // input
  for (const output of node.outputs) w.string(2, output); // output
  w.string(3, node.name).string(4, node.opType); // name, op_type
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(5, encodeAttribute(name, value)); // attribute
  }
  return w;
}

/** AttributeProto: name = 1, i = 3, s = 4, floats = 7, ints = 8, strings = 9, type = 20. */
function encodeAttribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return w.varint(3, value).varint(20, 2); // INT
  if (typeof value === 'string') return w.string(4, value).varint(20, 3); // STRING
  if (!Array.isArray(value)) {
    const { floats } = value as { readonly floats: readonly number[] };
    // Packed (one length-delimited run of little-endian float32s), which protobuf readers
    // accept for any repeated scalar field.
    const bytes = new Uint8Array(4 * floats.length);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < floats.length; i++) view.setFloat32(4 * i, floats[i]!, true);
    return w.bytes(7, bytes).varint(20, 6); // FLOATS
  }
  if (value.length === 0) throw new RangeError(`ONNX attribute ${name}: an empty list has no type`);
  if (typeof value[0] === 'number') {
    for (const v of value as readonly number[]) w.varint(8, v);
    return w.varint(20, 7); // INTS
  }
  for (const v of value as readonly string[]) w.string(9, v);
  return w.varint(20, 8); // STRINGS
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (fixed width, little-endian). */
function encodeTensor(tensor: TensorValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.varint(1, d);
  w.varint(2, DATA_TYPE[tensor.dataType]).string(8, tensor.name);
  return w.bytes(9, rawData(tensor));
}

function rawData({ dataType, values, dims, name }: TensorValue): Uint8Array {
  const count = dims.reduce((p, d) => p * d, 1);
  if (values.length !== count) {
    throw new RangeError(`ONNX tensor ${name}: ${values.length} values for dims [${dims}]`);
  }
  const size = BYTES_PER_ELEMENT[dataType];
  const bytes = new Uint8Array(count * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (dataType === 'float32') view.setFloat32(i * size, v, true);
    else if (dataType === 'int32') view.setInt32(i * size, v, true);
    else if (dataType === 'int64') view.setBigInt64(i * size, BigInt(v), true);
    else view.setUint8(i, v ? 1 : 0);
  }
  return bytes;
}

/**
 * ValueInfoProto { name = 1, type = 2, doc_string = 3 } with TypeProto { tensor_type = 1 },
 * TypeProto.Tensor { elem_type = 1, shape = 2 }, TensorShapeProto { dim = 1 } and
 * Dimension { dim_value = 1, dim_param = 2 }.
 */
function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.shape) {
    const dim =
      typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, DATA_TYPE[info.dataType]).message(2, shape);
  const w = new ProtoWriter()
    .string(1, info.name)
    .message(2, new ProtoWriter().message(1, tensorType));
  if (info.docString) w.string(3, info.docString);
  return w;
}
