import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

function versionOf(pkgJsonPath: string): string {
  try {
    return (JSON.parse(readFileSync(pkgJsonPath, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The package.json of an installed package, found from its main file (some packages don't export it). */
function packageJsonOf(name: string): string {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === name) return join(dir, "package.json");
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return "";
}

/**
 * The commit this checkout is at (short hash), read from its `.git` (a directory, or a worktree's `gitdir:` file);
 * `undefined` when installed from a package (no `.git`).
 */
export function gitCommit(root: string): string | undefined {
  try {
    const dir = gitDir(root);
    const head = readFileSync(join(dir, "HEAD"), "utf8").trim();
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return head.slice(0, 10);
    // a worktree keeps its refs in the main repository (commondir)
    const common = tryRead(join(dir, "commondir"));
    for (const base of [dir, ...(common ? [join(dir, common.trim())] : [])]) {
      const hash = tryRead(join(base, ref))?.trim();
      if (hash) return hash.slice(0, 10);
      const packed = tryRead(join(base, "packed-refs"))
        ?.split("\n")
        .find((l) => l.endsWith(` ${ref}`));
      if (packed) return packed.slice(0, 10);
    }
  } catch {
    // not a git checkout
  }
  return undefined;
}

function gitDir(root: string): string {
  const dotGit = join(root, ".git");
  const text = tryRead(dotGit);
  if (text === undefined) return dotGit; // a directory (or absent: the caller's read fails)
  const target = text.replace(/^gitdir:\s*/, "").trim();
  return target.startsWith("/") ? target : join(root, target);
}

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Versions for bridge/info and logs, read once. */
export const versions = {
  zigmqtt: versionOf(new URL("../../package.json", import.meta.url).pathname),
  commit: gitCommit(new URL("../..", import.meta.url).pathname),
  herdsman: versionOf(packageJsonOf("zigbee-herdsman")),
  converters: versionOf(packageJsonOf("zigbee-herdsman-converters")),
};
