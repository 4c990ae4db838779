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
  const rules = readFileSync(join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  /** .dockerignore as Docker reads it, for the forms used here: `*`, names, `!name`; the last matching rule wins. */
  const ignored = (path: string) => {
    let result = false;
    for (const rule of rules) {
      const negated = rule.startsWith("!");
      const pattern = negated ? rule.slice(1) : rule;
      if (pattern === "*" || pattern === path || path.startsWith(`${pattern}/`)) result = !negated;
    }
    return result;
  };
  const sources = instructions
    .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
    .flatMap((l) => l.slice(5).trim().split(/\s+/).slice(0, -1));

  it("copies only files that exist in the build context and are not .dockerignored", () => {
    expect(sources).toContain(EXAMPLE);
    expect(sources.filter((s) => s !== EXAMPLE && !existsSync(join(ROOT, s)))).toEqual([]);
    expect(sources.filter((s) => ignored(s))).toEqual([]);
  });

  it("keeps the build context small: tests, data, node_modules and dist stay out", () => {
    expect(["test", "data", "node_modules", "dist", ".git", "lib/index.ts"].map(ignored)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("takes its base as a build argument, the official Node image by default, in every stage", () => {
    expect(instructions).toContain("ARG NODE_IMAGE=node:24-bookworm-slim");
    const froms = instructions.filter((l) => l.startsWith("FROM "));
    expect(froms.length).toBeGreaterThan(1);
    expect(froms.every((l) => /^FROM \$\{NODE_IMAGE\}( |$)/.test(l))).toBe(true);
    // a `# syntax=` line would make Docker pull a frontend image: offline builds fail
    expect(dockerfile.startsWith("# syntax")).toBe(false);
  });

  it("runs as the non-root user node (in dialout) under tini, with the probe as its health check", () => {
    expect(last("USER")).toBe("node");
    expect(runtime.some((l) => l.startsWith("RUN ") && l.includes("usermod -a -G dialout node"))).toBe(true);
    expect(JSON.parse(last("ENTRYPOINT") ?? "[]")).toEqual(["/usr/bin/tini", "--"]);
    expect(last("HEALTHCHECK")).toMatch(/CMD \["node", "dist\/probe\.js", "health"\]$/);
    expect(existsSync(join(ROOT, "lib/probe.ts"))).toBe(true);
  });

  it(`${EXAMPLE} exists`, () => {
    expect(existsSync(join(ROOT, EXAMPLE))).toBe(true);
  });
});
