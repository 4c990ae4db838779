/**
 * System tools some tests need that npm cannot bring (mosquitto, socat, chromium). One rule for all of them:
 * the tool is there → the test runs; it is missing and `CI=true` → the test FAILS, saying what to install;
 * it is missing elsewhere → the test is skipped, and the reason is printed.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, it, type TestContext } from "vitest";

export interface Tool {
  name: string;
  /** absolute path, or undefined when not installed */
  path: string | undefined;
  /** how to get it (Debian package) */
  install: string;
}

/** Path of an executable on PATH (then /usr/sbin, /usr/local/sbin), or undefined. */
export function findExecutable(name: string, extra: string[] = ["/usr/sbin", "/usr/local/sbin"]): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...extra]) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function tool(name: string, pkg: string): Tool {
  return { name, path: findExecutable(name), install: `apt-get install ${pkg}` };
}

/** A `node` older than zigmqtt supports (Debian's Node 20), to test the entry point's fallback to a supported one. */
function oldNode(): Tool {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"];
  const path = [...new Set(dirs)]
    .filter(Boolean)
    .map((dir) => join(dir, "node"))
    .find((node) => {
      const r = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" });
      const [major = 99, minor = 0] = (r.stdout ?? "").trim().split(".").map(Number);
      return r.status === 0 && (major < 22 || (major === 22 && minor < 12));
    });
  return { name: "node < 22.12", path, install: "apt-get install nodejs (Debian 13's Node 20)" };
}

/** The tools the suite knows; `.ci/run` installs all of them. */
export const tools = {
  /** headless Chromium for the web UI tests (`CHROMIUM_PATH` overrides the binary) */
  chromium: process.env.CHROMIUM_PATH
    ? { name: "chromium", path: executable(process.env.CHROMIUM_PATH), install: "apt-get install chromium" }
    : tool("chromium", "chromium"),
  mosquitto: tool("mosquitto", "mosquitto"),
  mosquittoPasswd: tool("mosquitto_passwd", "mosquitto"),
  socat: tool("socat", "socat"),
  get oldNode(): Tool {
    oldNodeTool ??= oldNode();
    return oldNodeTool;
  },
};
let oldNodeTool: Tool | undefined;

const inCi = (): boolean => process.env.CI === "true";

function missingText(missing: Tool[]): string {
  return `needs ${missing.map((t) => `${t.name} (${t.install})`).join(", ")}, which is not installed`;
}

/** The tools that are missing, or undefined when all are there. */
function missingOf(needed: Tool[]): Tool[] | undefined {
  const missing = needed.filter((t) => !t.path);
  return missing.length > 0 ? missing : undefined;
}

/**
 * `describe`, gated on tools: runs when all are installed; otherwise fails under CI=true, else is skipped with the
 * reason printed (and in the suite's name).
 */
export function describeWithTools(
  needed: Tool[],
  name: string,
  body: () => void,
  options: { timeout?: number } = {},
): void {
  const missing = missingOf(needed);
  if (!missing) {
    describe(name, options, body);
    return;
  }
  const reason = missingText(missing);
  if (inCi()) {
    describe(name, () => {
      it(`has its tools (CI=true: a missing tool fails the run)`, () => {
        throw new Error(`${name}: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}

/**
 * Inside a test: true when the tools are installed; otherwise throws under CI=true, else skips the test with the
 * reason printed.
 */
export function requireTools(ctx: TestContext, needed: Tool[], what: string): void {
  const missing = missingOf(needed);
  if (!missing) return;
  const reason = `${what}: ${missingText(missing)}`;
  if (inCi()) throw new Error(`${reason} (CI=true: a missing tool fails the run)`);
  console.warn(`[skipped] ${reason}`);
  ctx.skip(reason);
}

/**
 * For a part of a test that needs a tool: true when installed; otherwise throws under CI=true, else prints that the
 * part is left out and returns false.
 */
export function hasTools(needed: Tool[], what: string): boolean {
  const missing = missingOf(needed);
  if (!missing) return true;
  const reason = `${what}: ${missingText(missing)}`;
  if (inCi()) throw new Error(`${reason} (CI=true: a missing tool fails the run)`);
  console.warn(`[left out] ${reason}`);
  return false;
}
