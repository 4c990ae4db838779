import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { copyFile, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic, writeFileAtomicAsync } from "./atomicFile.js";

/** The last good version of `path`, kept beside it. */
export function backupPath(path: string): string {
  return `${path}.bak`;
}

/**
 * Writes `path` atomically and keeps a copy of the version it replaces as `<path>.bak` (a copy, not a link, so
 * that damage to one file never reaches the other). A kill at any point leaves `path` old or new, never a mix,
 * and a complete `.bak` once there was one.
 */
export function writeFileWithBackup(path: string, data: string | Buffer): void {
  if (existsSync(path)) {
    const copy = backupTemporary(path);
    copyFileSync(path, copy);
    renameSync(copy, backupPath(path));
  }
  writeFileAtomic(path, data);
}

/** Where the copy of the replaced version is made before it is renamed to `<path>.bak`. */
function backupTemporary(path: string): string {
  return join(dirname(path), `.${basename(path)}.bak.${process.pid}.tmp`);
}

/** `writeFileWithBackup` off the event loop (see `writeFileAtomicAsync`); one write to a path at a time. */
export async function writeFileWithBackupAsync(path: string, data: string | Buffer): Promise<void> {
  if (existsSync(path)) {
    const copy = backupTemporary(path);
    await copyFile(path, copy);
    await rename(copy, backupPath(path));
  }
  await writeFileAtomicAsync(path, data);
}

export interface BackedUpRead<T> {
  value: T;
  /** true when `path` was unreadable and the value comes from `<path>.bak` */
  fromBackup: boolean;
}

/**
 * Reads `path` with `parse` (which throws on invalid content). A missing file gives undefined. An unreadable one
 * is moved aside to `<path>.corrupt-<time>` and reported, and the last good copy (`<path>.bak`) is used when it
 * parses. Temporary files left by a write that was killed are removed.
 */
export function readFileWithBackup<T>(
  path: string,
  parse: (text: string) => T,
  report: (message: string) => void,
): BackedUpRead<T> | undefined {
  removeStaleTemporaries(path);
  if (!existsSync(path)) return undefined;
  let problem: string;
  try {
    return { value: parse(readFileSync(path, "utf8")), fromBackup: false };
  } catch (e) {
    problem = (e as Error).message;
  }
  const aside = `${path}.corrupt-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    // leave it; the next write replaces it
  }
  const bak = backupPath(path);
  if (existsSync(bak)) {
    try {
      const value = parse(readFileSync(bak, "utf8"));
      report(`${path} is unreadable (${problem}); moved to ${aside}, using the last good copy ${bak}`);
      return { value, fromBackup: true };
    } catch (e) {
      problem += `; the last good copy ${bak} is unreadable too (${(e as Error).message})`;
    }
  }
  report(`${path} is unreadable (${problem}); moved to ${aside}, starting without it`);
  return undefined;
}

/** `.<name>[.bak].<pid>.tmp` files beside `path` from processes that were killed mid-write. */
function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(?:bak\.)?(\d+)(?:\.\d+)?\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (m && Number(m[1]) !== process.pid) rmSync(join(dirname(path), name), { force: true });
  }
}
