/** See compare.mjs (and align.mjs): the compat harness's comparison, typed for its unit test. */
export interface Recorded {
  step: string;
  topic: string;
  payload: unknown;
  retain: boolean;
  qos: number;
}
export interface Point {
  key: string;
  step: string;
  topic: string;
  rule: "final" | "unordered" | "ordered";
  verdict: "identical" | "allowed" | "different";
  paths: string[];
  open: string[];
  late?: string;
  echo?: string;
  /** rule 7: a republished snapshot whose differences were all counted (allowed) at an earlier publication */
  repeat?: boolean;
  theirs?: Recorded;
  ours?: Recorded;
}
export interface AllowEntry {
  topic: string;
  step?: string;
  path?: string;
  reason: string;
}
export function compare(
  theirs: Recorded[],
  ours: Recorded[],
  allowlist: unknown[],
  steps?: { name: string; startup?: boolean }[],
): Point[] & { notes: string[] };
export function loadAllowlist(file: string): unknown[];
export function compileAllowlist(raw: (AllowEntry & { ours?: string })[], source?: string): unknown[];
export function category(point: Point): string;
export function normaliseMessage(
  msg: Omit<Recorded, "payload"> & { payload: string },
  side: { kind: "z2m" | "ours"; dir: string; mqttPort: number; simPort: number },
): Recorded;
