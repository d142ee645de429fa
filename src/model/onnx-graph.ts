import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type AttributeValue = number | number[] | string;

/** ONNX Runtime's contrib-op domain: fused transformer kernels (attention, skip-layer-norm, quantized matmul). */
export const MICROSOFT = 'com.microsoft';

export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  UINT8: onnx.TensorProto.DataType.UINT8,
  INT8: onnx.TensorProto.DataType.INT8,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
} as const;

type TypedArray = Float32Array | Int8Array | Uint8Array | BigInt64Array;

const dataTypeOf = (array: TypedArray): number =>
  array instanceof Float32Array
    ? DataType.FLOAT
    : array instanceof Int8Array
      ? DataType.INT8
      : array instanceof Uint8Array
        ? DataType.UINT8
        : DataType.INT64;

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value };
}

/**
 * A small builder for ONNX graphs: every call appends a node and returns the name of its output,
 * so a model reads like the arithmetic it computes.
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  input(name: string, elemType: number, dims: Array<string | number>): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: Array<string | number>): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  constant(name: string, data: TypedArray, dims: number[]): string {
    this.initializers.push({
      name,
      dims,
      dataType: dataTypeOf(data),
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputCount = 1, domain = ''): string[] {
    const id = `${opType}_${this.counter++}`;
    const outputs = Array.from({ length: outputCount }, (_, i) => `${id}_out${i}`);
    this.nodes.push({
      name: id,
      opType,
      domain,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** Single-output node. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, attributes)[0]!;
  }

  /** Single-output ONNX Runtime contrib node. */
  contribOp(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, attributes, 1, MICROSOFT)[0]!;
  }

  /** Renames the value produced last so it can be a graph output. */
  rename(from: string, to: string): string {
    for (const node of this.nodes) node.output = node.output!.map((name) => (name === from ? to : name));
    return to;
  }

  encode(graphName: string, opset: number): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'paper-search',
      opsetImport: [
        { domain: '', version: opset },
        { domain: MICROSOFT, version: 1 },
      ],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
