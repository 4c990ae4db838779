import { type FrameType, fcs, SOF, type UnpiFrame } from "./frame.js";

export interface ParserEvents {
  frame(frame: UnpiFrame): void;
  /** A frame was discarded (bad FCS, or garbage skipped before a SOF). */
  discard?(reason: "fcs" | "garbage", bytes: number): void;
}

/**
 * Incremental UNPI parser: skips bytes until SOF, waits for partial frames, splits concatenated ones and drops
 * frames whose FCS does not match (as the firmware and herdsman do).
 */
export class UnpiParser {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly events: ParserEvents) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let pos = 0;
    const buf = this.buffer;
    while (pos < buf.length) {
      if (buf[pos] !== SOF) {
        const next = buf.indexOf(SOF, pos);
        const end = next === -1 ? buf.length : next;
        this.events.discard?.("garbage", end - pos);
        pos = end;
        continue;
      }
      if (pos + 2 > buf.length) break; // need LEN
      const len = buf[pos + 1];
      const total = len + 5;
      if (pos + total > buf.length) break; // wait for the rest
      const expected = fcs(buf, pos + 1, pos + total - 1);
      if (expected !== buf[pos + total - 1]) {
        // A bad frame: drop just the SOF so that a real frame hidden inside is found.
        this.events.discard?.("fcs", 1);
        pos += 1;
        continue;
      }
      const cmd0 = buf[pos + 2];
      const frame: UnpiFrame = {
        type: ((cmd0 >> 5) & 0x07) as FrameType,
        subsystem: cmd0 & 0x1f,
        command: buf[pos + 3],
        data: Buffer.from(buf.subarray(pos + 4, pos + 4 + len)),
      };
      pos += total;
      this.events.frame(frame);
    }
    this.buffer = pos >= buf.length ? Buffer.alloc(0) : buf.subarray(pos);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The partial frame at the head never completed: drop its SOF and look for a frame in what follows. */
  skipStale(): void {
    if (this.buffer.length === 0) return;
    this.events.discard?.("garbage", 1);
    const rest = this.buffer.subarray(1);
    this.buffer = Buffer.alloc(0);
    if (rest.length > 0) this.push(Buffer.from(rest));
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}
