import { readFileSync } from 'node:fs';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** IEEE 754 half → single precision; Node 20 has no Float16Array. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(entry: HeaderEntry, bytes: Buffer): Float32Array {
  const [start, end] = entry.data_offsets;
  const raw = bytes.subarray(start, end);
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    case 'F16': {
      const out = new Float32Array(raw.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(raw.readUInt16LE(i * 2));
      return out;
    }
    default:
      throw new Error(`safetensors: unsupported dtype ${entry.dtype}`);
  }
}

/** Reads every floating-point tensor of a .safetensors file as fp32. Integer tensors (e.g. position_ids) are skipped. */
export function readSafetensors(path: string): Map<string, Tensor> {
  const file = readFileSync(path);
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, HeaderEntry>;
  const body = file.subarray(8 + headerLength);
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || !entry.dtype.startsWith('F')) continue;
    tensors.set(name, { shape: entry.shape, data: decode(entry, body) });
  }
  return tensors;
}
