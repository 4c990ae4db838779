/**
 * deCONZ framing: a frame plus its 16-bit checksum (two's complement of the byte sum, little-endian), wrapped in
 * SLIP (RFC 1055). Written here rather than taken from the `slip` package the host uses: the simulator is the other
 * side of the wire, so an independent implementation is what catches a mismatch.
 */

const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;
/** Longest frame we accept from the host; the firmware's own buffers are smaller. */
const MAX_FRAME = 1024;

export function checksum(frame: Buffer): number {
  let sum = 0;
  for (const b of frame) sum += b;
  return (~sum + 1) & 0xffff;
}

/** A frame as bytes on the wire: checksum appended, SLIP-escaped, END before and after. */
export function encodeFrame(frame: Buffer): Buffer {
  const withCrc = Buffer.alloc(frame.length + 2);
  frame.copy(withCrc);
  withCrc.writeUInt16LE(checksum(frame), frame.length);
  const out: number[] = [END];
  for (const b of withCrc) {
    if (b === END) out.push(ESC, ESC_END);
    else if (b === ESC) out.push(ESC, ESC_ESC);
    else out.push(b);
  }
  out.push(END);
  return Buffer.from(out);
}

export interface DeframerEvents {
  frame(frame: Buffer): void;
  /** a SLIP packet that is not a frame: wrong length field or checksum, or too long */
  discard(reason: "crc" | "length" | "overflow", bytes: number): void;
}

/** Splits the host's byte stream into checked frames (without the checksum). */
export class Deframer {
  private buf: number[] = [];
  private escaped = false;

  constructor(private readonly events: DeframerEvents) {}

  /** bytes of a packet received so far */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): void {
    for (const b of chunk) {
      if (b === END) {
        this.finish();
        continue;
      }
      if (this.escaped) {
        this.escaped = false;
        this.buf.push(b === ESC_END ? END : b === ESC_ESC ? ESC : b);
      } else if (b === ESC) this.escaped = true;
      else this.buf.push(b);
      if (this.buf.length > MAX_FRAME) {
        this.events.discard("overflow", this.buf.length);
        this.buf = [];
      }
    }
  }

  /** A partial packet that never ended (a cut line) is dropped. */
  skipStale(): void {
    if (this.buf.length > 0) this.events.discard("length", this.buf.length);
    this.buf = [];
    this.escaped = false;
  }

  private finish(): void {
    const bytes = this.buf;
    this.buf = [];
    this.escaped = false;
    if (bytes.length === 0) return;
    if (bytes.length < 7) {
      this.events.discard("length", bytes.length);
      return;
    }
    const packet = Buffer.from(bytes);
    const frameLength = packet.readUInt16LE(3);
    if (frameLength + 2 !== packet.length) {
      this.events.discard("length", packet.length);
      return;
    }
    const frame = packet.subarray(0, frameLength);
    if (checksum(frame) !== packet.readUInt16LE(frameLength)) {
      this.events.discard("crc", packet.length);
      return;
    }
    this.events.frame(frame);
  }
}

/** `[command, seq, status, frameLength u16, …body]`: builds a frame with its length field filled in. */
export function buildFrame(command: number, seq: number, status: number, body: Buffer | number[]): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const frame = Buffer.alloc(5 + b.length);
  frame[0] = command;
  frame[1] = seq;
  frame[2] = status;
  frame.writeUInt16LE(frame.length, 3);
  b.copy(frame, 5);
  return frame;
}

/** Frames with a payload carry `payloadLength u16` first; this prepends it. */
export function withPayloadLength(payload: Buffer): Buffer {
  const b = Buffer.alloc(2 + payload.length);
  b.writeUInt16LE(payload.length, 0);
  payload.copy(b, 2);
  return b;
}
