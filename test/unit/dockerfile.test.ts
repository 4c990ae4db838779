import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
const runtime = instructions.slice(instructions.findLastIndex((l) => l.startsWith("FROM ")));
const last = (keyword: string) => runtime.findLast((l) => l.startsWith(`${keyword} `))?.slice(keyword.length + 1);

/** The image runs what the README runs; cheap to check, easy to let drift. */
describe("Dockerfile", () => {
  it("CMD is package.json's start script", () => {
    const cmd = JSON.parse(last("CMD") ?? "[]") as string[];
    expect(cmd.join(" ")).toBe(pkg.scripts.start);
  });

  it("keeps the data directory in the /app/data volume", () => {
    expect(runtime).toContain("ENV ZIGMQTT_DATA=/app/data");
    expect(last("VOLUME")).toBe("/app/data");
    expect(last("WORKDIR")).toBe("/app");
  });

  it("builds with npm ci, whose prepare step is the build", () => {
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(instructions.some((l) => l.startsWith("RUN ") && l.includes("npm ci"))).toBe(true);
  });

  // The example configuration is written with the settings work; until it exists `docker build` fails at its COPY.
  const EXAMPLE = "configuration.example.yaml";
  const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n").filter(Boolean);
  const sources = instructions
    .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
    .flatMap((l) => l.slice(5).trim().split(/\s+/).slice(0, -1));

  it("copies only files that exist in the build context and are not .dockerignored", () => {
    expect(sources).toContain(EXAMPLE);
    expect(sources.filter((s) => s !== EXAMPLE && !existsSync(join(ROOT, s)))).toEqual([]);
    expect(sources.filter((s) => ignored.includes(s) || ignored.includes(s.split("/")[0]))).toEqual([]);
  });

  it(`${EXAMPLE} exists`, () => {
    expect(existsSync(join(ROOT, EXAMPLE))).toBe(true);
  });
});
