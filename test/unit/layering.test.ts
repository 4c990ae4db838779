import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const LIB = join(import.meta.dirname, "../../lib");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  return [...src.matchAll(/(?:import|export)[^"']*from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

/** Layers stay honest: an import in the wrong direction is a design bug. */
describe("layering", () => {
  const simulatorFiles = files(join(LIB, "simulator"));

  it("the simulator never imports the bridge (only the generic helpers in lib/util)", () => {
    const offenders = simulatorFiles.flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith("."))
        .filter((i) => !join(f, "..", i).startsWith(join(LIB, "simulator")))
        .filter((i) => !join(f, "..", i).startsWith(join(LIB, "util")))
        .map((i) => `${relative(LIB, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the simulator has its own MT codec: no zigbee-herdsman internals", () => {
    const offenders = simulatorFiles.flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith("zigbee-herdsman/"))
        .map((i) => `${relative(LIB, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the generic helpers in lib/util import nothing of the bridge", () => {
    const offenders = files(join(LIB, "util")).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith(".") && !join(f, "..", i).startsWith(join(LIB, "util")))
        .map((i) => `${relative(LIB, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("devices know nothing of MT or the host", () => {
    const deviceFiles = simulatorFiles.filter((f) => f.includes(`${join("simulator", "devices")}`));
    const offenders = deviceFiles.flatMap((f) =>
      imports(f)
        .filter((i) => /\/(mt|unpi|coordinator|transport)\//.test(i))
        .map((i) => `${relative(LIB, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("protocol front-ends stay apart: deCONZ knows nothing of Z-Stack's MT/UNPI/coordinator, and the reverse", () => {
    const inDir = (dir: string) => simulatorFiles.filter((f) => f.includes(`${join("simulator", dir)}/`));
    const offenders = [
      ...inDir("deconz").flatMap((f) =>
        imports(f)
          .filter(
            (i) => /\/(unpi|coordinator|transport)\/|^\.\/(?:unpi|coordinator)\//.test(i) || /\/mt\/(?!codec)/.test(i),
          )
          .map((i) => `${relative(LIB, f)} -> ${i}`),
      ),
      ...[...inDir("coordinator"), ...inDir("unpi"), ...inDir("mt")].flatMap((f) =>
        imports(f)
          .filter((i) => /deconz\//.test(i))
          .map((i) => `${relative(LIB, f)} -> ${i}`),
      ),
    ];
    expect(offenders).toEqual([]);
  });

  it("the network model knows no front-end: nothing in network/ or devices/ imports coordinator/ or deconz/", () => {
    const modelFiles = simulatorFiles.filter(
      (f) => f.includes(`${join("simulator", "network")}/`) || f.includes(`${join("simulator", "devices")}/`),
    );
    const offenders = modelFiles.flatMap((f) =>
      imports(f)
        .filter((i) => /\/(coordinator|deconz|transport|unpi)\//.test(i))
        .map((i) => `${relative(LIB, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
