/** A small seeded PRNG (mulberry32) and a string hash, so that addresses and values are deterministic. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Prng {
  private state: number;
  constructor(seed: number | string) {
    this.state = typeof seed === "string" ? hashString(seed) : seed >>> 0;
  }
  /** uniform in [0, 2^32) */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** uniform in [0, 1) */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }
  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + (this.nextUint32() % (max - min + 1));
  }
}

/** A deterministic IEEE address from a seed and an index, with the given 3-byte OUI. */
export function deterministicIeee(seed: string, index: number | string, oui = "00124b"): string {
  const p = new Prng(`${seed}/ieee/${index}`);
  const a = p.nextUint32().toString(16).padStart(8, "0");
  const b = (p.nextUint32() & 0xff).toString(16).padStart(2, "0");
  return `0x${oui}${b}${a}`;
}
