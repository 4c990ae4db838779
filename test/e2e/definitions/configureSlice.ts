import { describe, expect, it } from "vitest";
import { differences, writeBaseline } from "./baseline.js";
import { catalogSlice, configureCovering, loadCatalog } from "./catalog.js";
import { DEVICE_STATUS, type Outcome, runOnBridge } from "./configureRun.js";

/** configure-*.test.ts files the definitions are spread over (vitest runs them in parallel when it has workers) */
export const SLICES = 2;
/** devices per herdsman instance: herdsman rewrites its whole database at every device save */
const BATCH = 150;

/**
 * Slice `n` of the definitions that cover every configure code path of zigbee-herdsman-converters (one simulable
 * definition per distinct configure signature, see `configureCovering`): a device per definition, built from its
 * fingerprint (or its zigbee model with the common standard clusters), joins the bridge's Zigbee layer on the
 * simulator. Each is interviewed and resolved by the bridge, and the configure the bridge runs must end as it did
 * on the pinned versions (the baseline): a ZCL status the generic device answers for a
 * manufacturer-specific attribute or cluster, or an endpoint it lacks, is the simulator's limit and is in the
 * baseline; anything new is a regression of the stack (or, after an upgrade, a change to review).
 */
export function configureSlice(n: number): void {
  const slice = `slice-${n}-of-${SLICES}`;
  describe(`definitions ${slice}: interview, resolve and configure on the bridge`, () => {
    const outcomes: Outcome[] = [];

    it("every device of the slice is interviewed, resolved and configured as in the baseline", async () => {
      const entries = catalogSlice(configureCovering(loadCatalog()), n, SLICES);
      expect(entries.length).toBeGreaterThan(400);
      for (let i = 0; i < entries.length; i += BATCH)
        outcomes.push(...(await runOnBridge(entries.slice(i, i + BATCH), `${slice}-${i}`, 120_000)));
      if (process.env.ZIGMQTT_DEFINITIONS_BASELINE === "write") writeBaseline(slice, outcomes);
      expect(differences(slice, outcomes)).toEqual([]);
    }, 600_000);

    it("no interview or configure timed out or never ended (the simulated device answers every request)", () => {
      const timedOut = outcomes.filter(
        (o) =>
          o.configure === "not run" || (/Timeout - |timed out/.test(o.configure) && !DEVICE_STATUS.test(o.configure)),
      );
      expect(timedOut.map((o) => `${o.id}: ${o.configure}`)).toEqual([]);
    });
  });
}
