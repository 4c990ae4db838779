import { describe, expect, it } from "vitest";
import { COMMAND_LIMITS, CommandQueue } from "../../../lib/features/commandQueue.js";
import { BridgeError } from "../../../lib/util/errors.js";

/** A task that runs until `release()` is called, recording its start. */
function gate(log: string[], name: string) {
  let release: () => void = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  return {
    task: async () => {
      log.push(`start ${name}`);
      await released;
      log.push(`end ${name}`);
      return name;
    },
    release: () => release(),
  };
}

describe("CommandQueue", () => {
  it("runs the commands of one entity one after the other, in order; other entities meanwhile", async () => {
    const log: string[] = [];
    const q = new CommandQueue();
    const a1 = gate(log, "a1");
    const a2 = gate(log, "a2");
    const b1 = gate(log, "b1");
    const p1 = q.run("a", a1.task);
    const p2 = q.run("a", a2.task);
    const p3 = q.run("b", b1.task);
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(["start a1", "start b1"]);
    b1.release();
    expect(await p3).toBe("b1");
    a2.release(); // released early, but must not start before a1 ends
    expect(log).not.toContain("start a2");
    a1.release();
    expect(await p1).toBe("a1");
    expect(await p2).toBe("a2");
    expect(log).toEqual(["start a1", "start b1", "end b1", "end a1", "start a2", "end a2"]);
    await q.idle();
    expect(q.size).toBe(0);
  });

  it("starts an idle entity's command in the caller's turn; one behind it waits for it to end", async () => {
    const log: string[] = [];
    const q = new CommandQueue();
    const a1 = gate(log, "a1");
    const a2 = gate(log, "a2");
    const p1 = q.run("a", a1.task);
    expect(log).toEqual(["start a1"]); // no await in between: the frame can be written in the message's turn
    const p2 = q.run("a", a2.task);
    a2.release();
    await Promise.resolve();
    expect(log).toEqual(["start a1"]);
    a1.release();
    expect(await Promise.all([p1, p2])).toEqual(["a1", "a2"]);
    expect(log).toEqual(["start a1", "end a1", "start a2", "end a2"]);
  });

  it("a command queued right after the previous one ended (its lane not yet cleared) still runs, once", async () => {
    const q = new CommandQueue();
    const ran: string[] = [];
    const first = q.run("a", async () => ran.push("first"));
    await first; // its lane is cleared a few microtasks later
    const second = q.run("a", async () => ran.push("second"));
    await second;
    await q.idle();
    expect(ran).toEqual(["first", "second"]);
    expect(q.size).toBe(0);
  });

  it("a task that throws synchronously rejects its promise instead of throwing at the caller", async () => {
    const q = new CommandQueue();
    const task = (() => {
      throw new Error("sync");
    }) as unknown as () => Promise<void>;
    const p = q.run("a", task);
    await expect(p).rejects.toThrow("sync");
    await q.idle();
    expect(q.size).toBe(0);
  });

  it("a failing command rejects its own promise and does not stop the next one", async () => {
    const q = new CommandQueue();
    const failed = q.run("a", async () => {
      throw new Error("no ack");
    });
    const next = q.run("a", async () => "ran");
    await expect(failed).rejects.toThrow("no ack");
    expect(await next).toBe("ran");
  });

  it("refuses a command beyond the per-entity limit at once; the entity takes commands again when it drains", async () => {
    const q = new CommandQueue({ perEntity: 3, total: 100 });
    const log: string[] = [];
    const first = gate(log, "first");
    const running = [q.run("lamp", first.task), q.run("lamp", async () => 2), q.run("lamp", async () => 3)];
    let refused: unknown;
    try {
      void q.run("lamp", async () => 4);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(BridgeError);
    expect((refused as BridgeError).code).toBe("BUSY");
    expect((refused as Error).message).toBe("3 commands are already waiting (at most 3 per device or group)");
    expect(await q.run("other", async () => "other")).toBe("other");
    first.release();
    expect(await Promise.all(running)).toEqual(["first", 2, 3]);
    await q.idle();
    expect(await q.run("lamp", async () => "again")).toBe("again");
  });

  it("refuses a command beyond the total limit, whatever the entity", async () => {
    const q = new CommandQueue({ perEntity: 10, total: 4 });
    const log: string[] = [];
    const gates = ["a", "b", "c", "d"].map((k) => gate(log, k));
    const running = gates.map((g, i) => q.run(`entity${i}`, g.task));
    expect(q.size).toBe(4);
    expect(() => q.run("entity9", async () => 0)).toThrow(
      "4 commands are already waiting for all devices and groups (at most 4)",
    );
    for (const g of gates) g.release();
    await Promise.all(running);
    await q.idle();
    expect(q.size).toBe(0);
  });

  it("has sensible defaults", () => {
    expect(COMMAND_LIMITS.perEntity).toBeGreaterThanOrEqual(10);
    expect(COMMAND_LIMITS.total).toBeGreaterThan(COMMAND_LIMITS.perEntity);
  });
});
