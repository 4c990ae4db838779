/**
 * vitest globalSetup: compiles `lib/` to `dist/` once before any test file runs, so the tests that spawn
 * `dist/index.js` or `dist/simulator/cli.js` always run the code in the working tree, never a stale build.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export default function buildOnce(): void {
  const root = join(import.meta.dirname, "../..");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`the build before the tests failed (tsc -p tsconfig.json):\n${r.stdout}${r.stderr}`);
  }
}
