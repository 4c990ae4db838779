// Pairs the messages of one (step, topic) on both sides, so that one missing or extra message is one point and not a
// cascade of shifted ones. Two pairings: `ordered` (a sequence alignment that keeps each side's order) and
// `unordered` (a multiset match, for topics whose order the oracle itself does not keep; README "Rules").

/** A stable text of a value, object keys sorted: equal texts = equal values. */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}

const tokens = (s) => new Set(s.split(/[^A-Za-z0-9_.-]+/).filter(Boolean));

/** How alike two values are, 0..1 (1 = equal): objects by key, strings by their words. */
export function similarity(a, b) {
  if (a === b) return 1;
  const isObj = (v) => v !== null && typeof v === "object";
  if (typeof a === "string" && typeof b === "string") {
    const x = tokens(a);
    const y = tokens(b);
    if (x.size + y.size === 0) return 1;
    let common = 0;
    for (const t of x) if (y.has(t)) common++;
    return common / (x.size + y.size - common);
  }
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i)
      : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    if (keys.length === 0) return 1;
    let sum = 0;
    for (const k of keys) if (k in a && k in b) sum += similarity(a[k], b[k]);
    return sum / keys.length;
  }
  return 0;
}

/** Below this similarity two messages are not the same message with differences, but two different messages. */
export const PAIR_THRESHOLD = 0.5;

const keyOf = (m) => `${m.retain ? "r" : "-"}${m.qos}${canonical(m.payload)}`;

/**
 * `exact`: equal messages only, no pairing by likeness.
 *
 * Ordered pairing: the alignment of least cost (identical pair 0, a pair with differences 2·(1 − similarity), a message
 * on one side only 1), like a diff; one message on each side is always a pair. Returns [[i, j]…] with i or j undefined for a message on one side only, in order.
 */
export function alignOrdered(a, b, { exact = false } = {}) {
  const n = a.length;
  const m = b.length;
  // one message on each side is the same message however much it differs
  if (n === 1 && m === 1 && !exact) return [[0, 0]];
  const ka = a.map(keyOf);
  const kb = b.map(keyOf);
  const sub = (i, j) => {
    if (ka[i] === kb[j]) return 0;
    if (exact) return Number.POSITIVE_INFINITY;
    const s = similarity(a[i].payload, b[j].payload);
    return s >= PAIR_THRESHOLD ? 2 * (1 - s) : Number.POSITIVE_INFINITY;
  };
  const cost = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const move = Array.from({ length: n + 1 }, () => new Uint8Array(m + 1)); // 1 pair, 2 a only, 3 b only
  for (let i = 1; i <= n; i++) {
    cost[i][0] = i;
    move[i][0] = 2;
  }
  for (let j = 1; j <= m; j++) {
    cost[0][j] = j;
    move[0][j] = 3;
  }
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      let best = cost[i - 1][j - 1] + sub(i - 1, j - 1);
      let mv = 1;
      if (cost[i - 1][j] + 1 < best) {
        best = cost[i - 1][j] + 1;
        mv = 2;
      }
      if (cost[i][j - 1] + 1 < best) {
        best = cost[i][j - 1] + 1;
        mv = 3;
      }
      cost[i][j] = best;
      move[i][j] = mv;
    }
  const out = [];
  for (let i = n, j = m; i > 0 || j > 0; ) {
    const mv = move[i][j];
    if (mv === 1) out.push([--i, --j]);
    else if (mv === 2) out.push([--i, undefined]);
    else out.push([undefined, --j]);
  }
  return out.reverse();
}

/**
 * Unordered pairing: equal messages first (as multisets), then the most alike remaining ones (similarity at least
 * PAIR_THRESHOLD, best first); the rest are on one side only. Returned in the order of `a`, then b's leftovers.
 */
export function alignUnordered(a, b, { exact = false } = {}) {
  const pairOfA = new Array(a.length).fill(undefined);
  const usedB = new Array(b.length).fill(false);
  const byKey = new Map();
  b.forEach((m, j) => {
    const k = keyOf(m);
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k).push(j);
  });
  a.forEach((m, i) => {
    const js = byKey.get(keyOf(m));
    if (js?.length) {
      const j = js.shift();
      pairOfA[i] = j;
      usedB[j] = true;
    }
  });
  const candidates = [];
  a.forEach((x, i) => {
    if (exact || pairOfA[i] !== undefined) return;
    b.forEach((y, j) => {
      if (usedB[j]) return;
      const s = similarity(x.payload, y.payload);
      if (s >= PAIR_THRESHOLD) candidates.push([s, i, j]);
    });
  });
  candidates.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  for (const [, i, j] of candidates) {
    if (pairOfA[i] !== undefined || usedB[j]) continue;
    pairOfA[i] = j;
    usedB[j] = true;
  }
  const out = a.map((_, i) => [i, pairOfA[i]]);
  b.forEach((_, j) => {
    if (!usedB[j]) out.push([undefined, j]);
  });
  return out;
}
