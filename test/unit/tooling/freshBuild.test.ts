import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The tests that spawn dist/ must run the working tree: the suite builds before it starts (test/support/buildOnce). */
describe("the build the tests run", () => {
  it("every lib/ source has its dist/ file, compiled after the source's last change", () => {
    const stale = sources(join(ROOT, "lib")).flatMap((src) => {
      const out = join(ROOT, "dist", relative(join(ROOT, "lib"), src).replace(/\.ts$/, ".js"));
      let built: number;
      try {
        built = statSync(out).mtimeMs;
      } catch {
        return [`${relative(ROOT, out)} missing`];
      }
      return built >= statSync(src).mtimeMs ? [] : [`${relative(ROOT, out)} older than its source`];
    });
    expect(stale).toEqual([]);
  });
});
