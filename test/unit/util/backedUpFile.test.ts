import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateCache } from "../../../lib/state/stateCache.js";
import { readFileWithBackup, writeFileWithBackup } from "../../../lib/util/backedUpFile.js";
import { silentLogger } from "../../support/broker.js";

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), "zigmqtt-bak-"));
  dirs.push(d);
  return d;
};
const parse = (t: string) => JSON.parse(t) as { n: number };

/** A file written with a backup survives a corrupt or truncated version: the last good copy is used and reported. */
describe("files with a last good copy", () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("keeps the replaced version as .bak", () => {
    const f = join(dir(), "state.json");
    writeFileWithBackup(f, '{"n":1}');
    expect(existsSync(`${f}.bak`)).toBe(false);
    writeFileWithBackup(f, '{"n":2}');
    expect(readFileSync(`${f}.bak`, "utf8")).toBe('{"n":1}');
    expect(readFileWithBackup(f, parse, () => {})).toEqual({ value: { n: 2 }, fromBackup: false });
  });

  it("moves a truncated file aside, reports it and uses the last good copy", () => {
    const d = dir();
    const f = join(d, "state.json");
    writeFileWithBackup(f, '{"n":1}');
    writeFileWithBackup(f, '{"n":2}');
    writeFileSync(f, '{"n":');
    const reports: string[] = [];
    expect(readFileWithBackup(f, parse, (m) => reports.push(m))).toEqual({ value: { n: 1 }, fromBackup: true });
    expect(reports).toEqual([expect.stringMatching(/state\.json is unreadable .*using the last good copy/)]);
    expect(readdirSync(d).some((n) => n.startsWith("state.json.corrupt-"))).toBe(true);
  });

  it("reports a corrupt file without a good copy and gives nothing; a missing file is no error", () => {
    const d = dir();
    const f = join(d, "nv.json");
    const reports: string[] = [];
    expect(readFileWithBackup(f, parse, (m) => reports.push(m))).toBeUndefined();
    writeFileSync(f, "\u0000\u0000");
    expect(readFileWithBackup(f, parse, (m) => reports.push(m))).toBeUndefined();
    expect(reports).toEqual([expect.stringMatching(/nv\.json is unreadable .*starting without it/)]);
  });

  it("removes temporary files left by a killed writer", () => {
    const d = dir();
    const f = join(d, "state.json");
    writeFileSync(join(d, ".state.json.999999.tmp"), "{");
    writeFileSync(join(d, ".state.json.bak.999998.tmp"), "{");
    readFileWithBackup(f, parse, () => {});
    expect(readdirSync(d)).toEqual([]);
  });

  it("StateCache loads the last good state when state.json is truncated, and writes it back", () => {
    const f = join(dir(), "state.json");
    const first = new StateCache(f, silentLogger, 0);
    first.merge("0x01", { state: "ON" });
    first.save();
    first.merge("0x01", { state: "OFF" });
    first.save();
    writeFileSync(f, readFileSync(f, "utf8").slice(0, 10));
    const next = new StateCache(f, silentLogger, 0);
    next.load();
    expect(next.get("0x01")).toEqual({ state: "ON" });
    next.save();
    expect(JSON.parse(readFileSync(f, "utf8"))).toEqual({ "0x01": { state: "ON" } });
  });
});
