import type { MtPayload, Param } from "./types.js";

export class MtDecodeError extends Error {}

function ieeeToBuffer(value: unknown, out: Buffer, offset: number): void {
  const hex = typeof value === "string" ? value.replace(/^0x/i, "") : "";
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new TypeError(`not an IEEE address: ${String(value)}`);
  for (let i = 0; i < 8; i++) out[offset + i] = Number.parseInt(hex.slice(14 - 2 * i, 16 - 2 * i), 16);
}

function ieeeFromBuffer(buf: Buffer, offset: number): string {
  let s = "0x";
  for (let i = 7; i >= 0; i--) s += buf[offset + i].toString(16).padStart(2, "0");
  return s;
}

function num(payload: MtPayload, name: string): number {
  const v = payload[name];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`parameter '${name}' must be a number`);
  return v;
}

function bytes(payload: MtPayload, name: string): Buffer {
  const v = payload[name];
  if (Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return Buffer.from(v as number[]);
  if (v === undefined) return Buffer.alloc(0);
  throw new TypeError(`parameter '${name}' must be a buffer`);
}

/** Encodes a payload by a parameter list. The same list decodes it (`decode`). */
export function encode(params: readonly Param[], payload: MtPayload): Buffer {
  const parts: Buffer[] = [];
  for (const p of params) {
    switch (p.type) {
      case "u8":
      case "i8": {
        const b = Buffer.allocUnsafe(1);
        if (p.type === "u8") b.writeUInt8(num(payload, p.name) & 0xff);
        else b.writeInt8(num(payload, p.name));
        parts.push(b);
        break;
      }
      case "u16": {
        const b = Buffer.allocUnsafe(2);
        b.writeUInt16LE(num(payload, p.name) & 0xffff);
        parts.push(b);
        break;
      }
      case "u32": {
        const b = Buffer.allocUnsafe(4);
        b.writeUInt32LE(num(payload, p.name) >>> 0);
        parts.push(b);
        break;
      }
      case "ieee": {
        const b = Buffer.allocUnsafe(8);
        ieeeToBuffer(payload[p.name], b, 0);
        parts.push(b);
        break;
      }
      case "buffer":
      case "rest":
        parts.push(bytes(payload, p.name));
        break;
      case "bytes": {
        const b = Buffer.alloc(p.length ?? 0);
        bytes(payload, p.name).copy(b, 0, 0, b.length);
        parts.push(b);
        break;
      }
      case "list_u16": {
        const list = (payload[p.name] as number[] | undefined) ?? [];
        const b = Buffer.allocUnsafe(list.length * 2);
        list.forEach((v, i) => {
          b.writeUInt16LE(v & 0xffff, i * 2);
        });
        parts.push(b);
        break;
      }
      case "list_u8":
        parts.push(Buffer.from((payload[p.name] as number[] | undefined) ?? []));
        break;
    }
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Decodes `data` by a parameter list; throws MtDecodeError when the data is too short. */
export function decode(params: readonly Param[], data: Buffer): MtPayload {
  const out: MtPayload = {};
  let pos = 0;
  let lastNumber: number | undefined;
  const need = (n: number, name: string) => {
    if (pos + n > data.length) throw new MtDecodeError(`frame too short for '${name}'`);
  };
  for (const p of params) {
    switch (p.type) {
      case "u8":
        need(1, p.name);
        out[p.name] = lastNumber = data.readUInt8(pos);
        pos += 1;
        break;
      case "i8":
        need(1, p.name);
        out[p.name] = lastNumber = data.readInt8(pos);
        pos += 1;
        break;
      case "u16":
        need(2, p.name);
        out[p.name] = lastNumber = data.readUInt16LE(pos);
        pos += 2;
        break;
      case "u32":
        need(4, p.name);
        out[p.name] = lastNumber = data.readUInt32LE(pos);
        pos += 4;
        break;
      case "ieee":
        need(8, p.name);
        out[p.name] = ieeeFromBuffer(data, pos);
        pos += 8;
        lastNumber = undefined;
        break;
      case "buffer": {
        const n = lastNumber ?? 0;
        need(n, p.name);
        out[p.name] = data.subarray(pos, pos + n);
        pos += n;
        lastNumber = undefined;
        break;
      }
      case "rest":
        out[p.name] = data.subarray(pos);
        pos = data.length;
        break;
      case "bytes": {
        const n = p.length ?? 0;
        need(n, p.name);
        out[p.name] = data.subarray(pos, pos + n);
        pos += n;
        break;
      }
      case "list_u16": {
        const count = lastNumber ?? 0;
        need(count * 2, p.name);
        const list: number[] = [];
        for (let i = 0; i < count; i++) list.push(data.readUInt16LE(pos + i * 2));
        out[p.name] = list;
        pos += count * 2;
        break;
      }
      case "list_u8": {
        const count = lastNumber ?? 0;
        need(count, p.name);
        out[p.name] = [...data.subarray(pos, pos + count)];
        pos += count;
        break;
      }
    }
  }
  return out;
}

export { ieeeFromBuffer, ieeeToBuffer };
