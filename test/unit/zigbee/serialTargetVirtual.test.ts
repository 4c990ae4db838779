import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/util/logger.js";
import { resolveSerialTarget } from "../../../lib/zigbee/serialTarget.js";
import { removeDir, tempDir } from "../../e2e/support/herdsmanWorld.js";

/** `virtual://` follows `serial.adapter`: Z-Stack by default, deCONZ on request, anything else is refused. */
describe("the virtual coordinator's adapter", () => {
  const dir = tempDir();
  const logger = createLogger({ level: "warning", output: [] });
  afterAll(() => {
    logger.close();
    removeDir(dir);
  });

  it("speaks deCONZ when serial.adapter is deconz, as a serial port", async () => {
    const target = await resolveSerialTarget(
      { port: "virtual://demo", adapter: "deconz", disable_led: false },
      dir,
      logger,
    );
    try {
      expect(target.adapter).toBe("deconz");
      expect(target.virtual?.simulator.adapter).toBe("deconz");
      expect(target.path).toBe(target.virtual?.simulator.ptyPath);
    } finally {
      await target.virtual?.stop();
    }
  });

  it("speaks Z-Stack when serial.adapter is not set", async () => {
    const target = await resolveSerialTarget({ port: "virtual://demo", disable_led: false }, dir, logger);
    try {
      expect(target.adapter).toBe("zstack");
      expect(target.path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await target.virtual?.stop();
    }
  });

  it("refuses an adapter it cannot simulate, saying which ones it can", async () => {
    await expect(
      resolveSerialTarget({ port: "virtual://demo", adapter: "ember", disable_led: false }, dir, logger),
    ).rejects.toThrow(
      /serial\.adapter 'ember' cannot run on the virtual coordinator \(virtual:\/\/\): use zstack or deconz/,
    );
  });
});
