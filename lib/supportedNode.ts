/**
 * zigmqtt needs Node.js ≥ 22.12 (its dependencies' engines: vitest 5, zigbee-herdsman 10). On an older Node (a
 * distribution's Node 20, say) `npm start` and `npm test` still work: Node 24 is installed once from the npm
 * registry (the `node` package) into a cache directory, and the same command is re-run on it, said in one line.
 *
 * Loaded first by the entry point, so this file uses nothing newer than Node 18.
 *
 * As a command: `node dist/supportedNode.js <script> [args…]` runs the script on a supported Node (npm test).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const MINIMUM_NODE = "22.12.0";
const PROVISIONED_MAJOR = 24;

/** True when `version` ("20.20.2" or "v20.20.2") is at least MINIMUM_NODE. */
export function isSupportedNode(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const [minMajor = 0, minMinor = 0] = MINIMUM_NODE.split(".").map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/** `$ZIGMQTT_NODE_CACHE`, else `$XDG_CACHE_HOME/zigmqtt/node24`, else `~/.cache/zigmqtt/node24`. */
export function nodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZIGMQTT_NODE_CACHE) return env.ZIGMQTT_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "zigmqtt", `node${PROVISIONED_MAJOR}`);
}

function nodeIn(dir: string): string {
  return join(dir, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
}

/** The version a Node binary reports, or undefined when it does not run. */
function versionOf(node: string): string | undefined {
  const r = spawnSync(node, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The cached Node in `dir` when it exists and is supported. */
export function cachedNode(dir: string): string | undefined {
  const node = nodeIn(dir);
  if (!existsSync(node)) return undefined;
  const version = versionOf(node);
  return version && isSupportedNode(version) ? node : undefined;
}

/** Installs `node@24` from the npm registry into `dir` (atomically: a temporary folder, then a rename). */
function installNode(dir: string, env: NodeJS.ProcessEnv): string {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const args = ["install", "--prefix", tmp, "--no-audit", "--no-fund", "--no-save", `node@${PROVISIONED_MAJOR}`];
  // under npm, npm_execpath is npm's own CLI script; else the npm beside this node, else the one on PATH
  const npmCli = env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath) ? env.npm_execpath : undefined;
  const r = npmCli
    ? spawnSync(process.execPath, [npmCli, ...args], { encoding: "utf8", env })
    : spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { encoding: "utf8", env, shell: false });
  const output = `${r.stderr ?? ""}${r.stdout ?? ""}`;
  if (r.error || r.status !== 0 || !cachedNode(tmp)) {
    rmSync(tmp, { recursive: true, force: true });
    const why = r.error?.message ?? lastErrorLine(output) ?? `npm exited with ${r.status}`;
    throw new Error(`npm install node@${PROVISIONED_MAJOR} failed: ${why}`);
  }
  mkdirSync(dirname(dir), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process installed it meanwhile
  }
  const node = cachedNode(dir);
  if (!node) throw new Error(`no working Node in ${dir} after the install`);
  return node;
}

function lastErrorLine(output: string): string | undefined {
  const lines = output.split("\n").filter((l) => /npm (error|ERR!)/.test(l));
  return lines.at(-1)?.replace(/^npm (error|ERR!)\s*/, "");
}

export interface SupportedNodeOptions {
  version?: string;
  env?: NodeJS.ProcessEnv;
  say?: (line: string) => void;
}

/**
 * A supported Node binary: this one, the cached one, or one installed now. Throws an Error whose message is one
 * line for the user.
 */
export function supportedNode(options: SupportedNodeOptions = {}): string {
  const version = options.version ?? process.versions.node;
  if (isSupportedNode(version)) return process.execPath;
  const env = options.env ?? process.env;
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = nodeCacheDir(env);
  const cached = cachedNode(dir);
  const why = `Node.js v${version.replace(/^v/, "")} is older than the ${MINIMUM_NODE} zigmqtt needs`;
  if (cached) {
    say(`zigmqtt: ${why}; running on Node.js ${versionOf(cached)} from ${dir}`);
    return cached;
  }
  say(`zigmqtt: ${why}; installing Node.js ${PROVISIONED_MAJOR} from the npm registry into ${dir} (once)`);
  try {
    return installNode(dir, env);
  } catch (error) {
    throw new Error(
      `zigmqtt: ${why}, and Node.js ${PROVISIONED_MAJOR} could not be installed (${(error as Error).message}); ` +
        `install Node.js ${PROVISIONED_MAJOR} LTS from nodejs.org`,
    );
  }
}

/** Runs `args` on `node` (its folder first on PATH, so nested `node` calls use it too); exits with its status. */
export function runOn(node: string, args: string[]): void {
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ""}` };
  const child = spawn(node, args, { stdio: "inherit", env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, forward(signal));
  child.on("error", (error) => {
    process.stderr.write(`zigmqtt: cannot run ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** A supported Node's path, or one line on stderr and exit code 1 when none can be had. */
function supportedNodeOrExit(): string {
  try {
    return supportedNode();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

/**
 * For the entry point: true when this Node is supported (go on); otherwise the same command is re-run on a
 * supported Node and this process only waits for it (false), or exits with one line when none can be had.
 */
export function ensureSupportedNode(entry: string): boolean {
  if (isSupportedNode(process.versions.node)) return true;
  const node = supportedNodeOrExit();
  runOn(node, [...process.execArgv, entry, ...process.argv.slice(2)]);
  return false;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const [script, ...rest] = process.argv.slice(2);
  if (!script) {
    process.stderr.write("usage: node dist/supportedNode.js <script> [args…]\n");
    process.exit(2);
  }
  const node = supportedNodeOrExit();
  runOn(node, [script, ...rest]);
}
