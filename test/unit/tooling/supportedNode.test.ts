import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedNode, isSupportedNode, nodeCacheDir, supportedNode } from "../../../lib/supportedNode.js";
import { describeWithTools, tools } from "../../support/tools.js";

const ROOT = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "zigmqtt-node-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cache dir whose Node is the one running the tests (a supported one), as the first provisioning leaves it. */
function cacheWithThisNode(): string {
  const cache = join(dir, "cache");
  mkdirSync(join(cache, "node_modules", ".bin"), { recursive: true });
  try {
    symlinkSync(process.execPath, join(cache, "node_modules", ".bin", "node"));
  } catch {}
  return cache;
}

describe("supported Node versions", () => {
  it("22.12 and later are supported; 20 and 22.11 are not", () => {
    expect(["20.20.2", "v22.11.0", "18.0.0"].map(isSupportedNode)).toEqual([false, false, false]);
    expect(["22.12.0", "v22.13.1", "24.0.0", "26.1.0"].map(isSupportedNode)).toEqual([true, true, true, true]);
  });

  it("the cache directory: ZIGMQTT_NODE_CACHE, else XDG_CACHE_HOME/zigmqtt/node24", () => {
    expect(nodeCacheDir({ ZIGMQTT_NODE_CACHE: "/x" })).toBe("/x");
    expect(nodeCacheDir({ XDG_CACHE_HOME: "/c" })).toBe(join("/c", "zigmqtt", "node24"));
  });

  it("on an old Node, a cached supported Node is used and said in one line", () => {
    const said: string[] = [];
    const cache = cacheWithThisNode();
    expect(cachedNode(cache)).toBe(join(cache, "node_modules", ".bin", "node"));
    const node = supportedNode({ version: "20.20.2", env: { ZIGMQTT_NODE_CACHE: cache }, say: (l) => said.push(l) });
    expect(node).toBe(join(cache, "node_modules", ".bin", "node"));
    expect(said).toEqual([
      `zigmqtt: Node.js v20.20.2 is older than the 22.12.0 zigmqtt needs; running on Node.js ${process.version} from ${cache}`,
    ]);
  });

  it("when no Node can be installed, one line says what to do", () => {
    const said: string[] = [];
    // npm on a registry that does not answer: the install fails fast
    const env = {
      ...process.env,
      ZIGMQTT_NODE_CACHE: join(dir, "none"),
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_fetch_retries: "0",
      npm_config_offline: "true",
    };
    expect(() => supportedNode({ version: "20.0.0", env, say: (l) => said.push(l) })).toThrow(
      /^zigmqtt: Node.js v20.0.0 is older than the 22.12.0 zigmqtt needs, and Node.js 24 could not be installed \(npm install node@24 failed: .+\); install Node.js 24 LTS from nodejs.org$/,
    );
    expect(said).toHaveLength(1);
  });
});

describeWithTools([tools.oldNode], "the entry point on an old Node", () => {
  it("re-runs on the supported Node instead of a SyntaxError: a bad configuration is reported as such", () => {
    const data = join(dir, "data");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "configuration.yaml"), "mqtt: [\n");
    const r = spawnSync(tools.oldNode.path as string, ["--max-semi-space-size=8", join(ROOT, "dist", "index.js")], {
      encoding: "utf8",
      env: { ...process.env, ZIGMQTT_NODE_CACHE: cacheWithThisNode(), ZIGMQTT_DATA: data },
      timeout: 20_000,
    });
    expect(r.stderr).not.toMatch(/SyntaxError|\n\s+at /);
    expect(r.stderr).toMatch(/^zigmqtt: Node.js v\d+\.\d+\.\d+ is older than the 22\.12\.0 zigmqtt needs; running on/);
    expect(r.stderr).toContain(`Invalid configuration in ${join(data, "configuration.yaml")}`);
    expect(r.status).toBe(1);
  });
});
