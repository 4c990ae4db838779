import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator } from "../../../lib/simulator/simulator.js";
import { waitFor } from "../../e2e/support/herdsmanWorld.js";

/** Fault injection for host fuzzing: the bytes reach the host exactly as given, nothing is framed or checked. */
describe("Simulator.injectToHost", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await new Simulator({ scenario: "demo" }).start();
  });
  afterAll(() => sim.stop());

  it("sends raw bytes (garbage, a truncated frame) to the connected host unchanged", async () => {
    const socket = connect(sim.tcpPort, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    await new Promise((r) => socket.once("connect", r));
    await waitFor(() => sim.coordinator.hostAttached || undefined, 2000, "host attached");
    const bytes = Buffer.from([0x00, 0xfe, 0x30, 0x44, 0x81, 0x12, 0xff]);
    sim.injectToHost(bytes);
    const got = await waitFor(
      () => (Buffer.concat(chunks).length >= bytes.length ? Buffer.concat(chunks) : undefined),
      2000,
      "bytes",
    );
    expect(got).toEqual(bytes);
    socket.destroy();
  });

  it("drops the bytes when no host is connected", async () => {
    await waitFor(() => !sim.coordinator.hostAttached || undefined, 2000, "host detached");
    const before = sim.coordinator.stats.framesOut;
    expect(() => sim.injectToHost(Buffer.from([1, 2, 3]))).not.toThrow();
    expect(sim.coordinator.stats.framesOut).toBe(before + 1);
  });
});
