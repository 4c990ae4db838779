import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SESSION_FILE, SessionClock } from "../../../lib/mqtt/sessionClock.js";

const dir = mkdtempSync(join(tmpdir(), "zigmqtt-clock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("when the bridge was last connected", () => {
  it("survives the process (a stop or a crash counts as time away) and decides whether to resume", async () => {
    const first = new SessionClock(60, "zigmqtt_a", "mqtt://b", dir);
    expect(first.awayMs()).toBeUndefined();
    expect(first.mayResume()).toBe(false); // never seen connected: no session to trust
    first.connected(1_000_000);
    await first.disconnected(1_000_000);

    const again = new SessionClock(60, "zigmqtt_a", "mqtt://b", dir);
    expect(again.awayMs(1_030_000)).toBe(30_000);
    expect(again.mayResume(1_060_000)).toBe(true);
    expect(again.mayResume(1_060_001)).toBe(false);
    expect(new SessionClock(0, "zigmqtt_a", "mqtt://b", dir).mayResume(1_000_001)).toBe(false);
    // another client id or server: not this session
    expect(new SessionClock(60, "zigmqtt_x", "mqtt://b", dir).awayMs()).toBeUndefined();
    expect(new SessionClock(60, "zigmqtt_a", "mqtt://c", dir).awayMs()).toBeUndefined();
  });

  it("a stop while already disconnected keeps the moment the connection was lost", async () => {
    const clock = new SessionClock(60, "zigmqtt_s", "mqtt://b", dir);
    clock.connected(2_000_000);
    await clock.disconnected(2_005_000); // the broker went away
    await clock.disconnected(2_090_000); // the bridge stops later
    expect(JSON.parse(readFileSync(join(dir, SESSION_FILE), "utf8")).last_connected).toBe(2_005_000);
  });

  it("an unreadable file means unknown: no session is resumed", () => {
    writeFileSync(join(dir, SESSION_FILE), "{garbage");
    expect(new SessionClock(60, "zigmqtt_a", "mqtt://b", dir).mayResume()).toBe(false);
  });
});
