import { describe, expect, it } from "vitest";
import { applyPartial, deepMerge, setIn } from "../../../lib/settings/plainObjects.js";

/** Input as it arrives from bridge/request/options: JSON.parse makes `__proto__` an own key. */
const hostile = () =>
  JSON.parse(
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3},"a":{"__proto__":{"polluted":4},"b":1}}',
  ) as Record<string, unknown>;

function expectClean(out: Record<string, unknown>): void {
  expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.hasOwn(out, "constructor")).toBe(false);
  expect(Object.hasOwn(out, "prototype")).toBe(false);
  const a = out.a as Record<string, unknown>;
  expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  expect((a as { polluted?: unknown }).polluted).toBeUndefined();
  expect(a.b).toBe(1);
}

describe("plainObjects: prototype keys from input never reach the result", () => {
  it("deepMerge skips __proto__/constructor/prototype at every depth", () => {
    expectClean(deepMerge<Record<string, unknown>>({ a: { c: 2 } }, hostile()));
    expectClean(deepMerge<Record<string, unknown>>({}, hostile()));
    expect(deepMerge({ a: { c: 2 } }, { a: { b: 1 } })).toEqual({ a: { c: 2, b: 1 } });
  });

  it("applyPartial skips them too (and still deletes on null)", () => {
    expectClean(applyPartial({ a: { c: 2 } }, hostile(), () => false) as Record<string, unknown>);
    expectClean(applyPartial({}, hostile(), () => false) as Record<string, unknown>);
    expect(applyPartial({ a: { c: 2, d: 3 } }, { a: { d: null } }, () => false)).toEqual({ a: { c: 2 } });
  });

  it("setIn refuses a path through __proto__", () => {
    const target: Record<string, unknown> = {};
    setIn(target, ["__proto__", "polluted"], 1);
    expect((target as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
