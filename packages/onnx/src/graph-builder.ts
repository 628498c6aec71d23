import type {
  AttributeValue,
  DataType,
  GraphValue,
  NodeValue,
  TensorValue,
  ValueInfo,
} from './onnx-proto.js';

/**
 * Builds an ONNX graph one node at a time: every value gets a unique name, constants become
 * initializers, and nodes are kept in the order they were added (which is topological, since a
 * node can only read values that already exist).
 */
export class GraphBuilder {
  readonly #nodes: NodeValue[] = [];
  readonly #initializers: TensorValue[] = [];
  readonly #inputs: ValueInfo[] = [];
  readonly #outputs: ValueInfo[] = [];
  readonly #names = new Set<string>();
  readonly #counts = new Map<string, number>();

  /** Declares a graph input; returns its name. */
  input(info: ValueInfo): string {
    this.#claim(info.name);
    this.#inputs.push(info);
    return info.name;
  }

  /** Declares `value` a graph output under `info.name` (through an Identity when renamed). */
  output(value: string, info: ValueInfo): void {
    if (value !== info.name) this.node('Identity', [value], {}, [info.name]);
    this.#outputs.push(info);
  }

  /** A constant stored in the file; returns its (unique) name. */
  constant(
    name: string,
    dataType: DataType,
    dims: readonly number[],
    values: ArrayLike<number>,
  ): string {
    const unique = this.#fresh(name);
    this.#initializers.push({ name: unique, dataType, dims, values });
    return unique;
  }

  /** An int64 vector constant (shapes, axes, permutations given as inputs). */
  ints(name: string, values: readonly number[]): string {
    return this.constant(name, 'int64', [values.length], values);
  }

  /**
   * Adds a node. Outputs are named `{opType}_{n}` unless `outputs` names them (an empty name
   * leaves an optional output out); returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: readonly string[] | number = 1,
  ): string[] {
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.#fresh(opType))
        : outputs.map((o) => (o === '' ? o : this.#claim(o)));
    this.#nodes.push({
      opType,
      name: `${opType}_node_${this.#nodes.length}`,
      inputs,
      outputs: names,
      attributes,
    });
    return names;
  }

  /** Adds a node with one output and returns that output's name. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): string {
    return this.node(opType, inputs, attributes)[0]!;
  }

  /** The finished graph. */
  build(name: string, docString?: string): GraphValue {
    return {
      name,
      nodes: this.#nodes,
      initializers: this.#initializers,
      inputs: this.#inputs,
      outputs: this.#outputs,
      ...(docString ? { docString } : {}),
    };
  }

  #claim(name: string): string {
    if (this.#names.has(name)) throw new RangeError(`GraphBuilder: value ${name} exists already`);
    this.#names.add(name);
    return name;
  }

  #fresh(base: string): string {
    let n = this.#counts.get(base) ?? 0;
    let name = n === 0 ? base : `${base}_${n}`;
    while (this.#names.has(name)) name = `${base}_${++n}`;
    this.#counts.set(base, n + 1);
    return this.#claim(name);
  }
}
