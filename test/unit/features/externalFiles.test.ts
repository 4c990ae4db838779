import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BridgeContext } from "../../../lib/features/context.js";
import { SharedSubscriptions } from "../../../lib/features/external/extensionApi.js";
import { ExternalFolder, removeRequest, saveRequest } from "../../../lib/features/external/externalFiles.js";
import { removeDir, tempDir } from "../../e2e/support/herdsmanWorld.js";

describe("external files: request payloads", () => {
  it("takes {name, code} with a plain JavaScript file name", () => {
    expect(saveRequest({ name: "a.mjs", code: "x" })).toEqual({ name: "a.mjs", code: "x" });
    expect(removeRequest({ name: "b.cjs" })).toBe("b.cjs");
  });

  it.each([
    [null, "Invalid payload"],
    ["a.mjs", "Invalid payload"],
    [{ name: "a.mjs" }, "Invalid payload"],
    [{ name: 5, code: "x" }, "Invalid payload"],
    [{ name: "a.ts", code: "x" }, "JavaScript file must have '.mjs', '.js' or '.cjs' extension"],
    [{ name: "sub/a.mjs", code: "x" }, "'sub/a.mjs' must be a plain file name (no folder, not starting with '.')"],
    [{ name: "..\\a.js", code: "x" }, "'..\\a.js' must be a plain file name (no folder, not starting with '.')"],
    [{ name: ".hidden.js", code: "x" }, "'.hidden.js' must be a plain file name (no folder, not starting with '.')"],
  ])("refuses %j: %s", (payload, error) => {
    expect(() => saveRequest(payload)).toThrow(error);
  });
});

describe("external files: a folder", () => {
  const dir = tempDir("zigmqtt-extfiles-");
  const folder = new ExternalFolder(join(dir, "external_converters"));
  afterAll(() => removeDir(dir));

  it("persists the code only once it loaded and was used, and leaves no temporary copy", async () => {
    const got = await folder.load({ name: "a.mjs", code: "export default 7;" }, async (v) => v, true);
    expect(got).toBe(7);
    expect(readdirSync(folder.dir)).toEqual(["a.mjs"]);
    expect(folder.list()).toEqual([{ name: "a.mjs", code: "export default 7;" }]);
  });

  it("imports a new version of the same name (not Node's cached module)", async () => {
    const got = await folder.load({ name: "a.mjs", code: "export default 8;" }, async (v) => v, true);
    expect(got).toBe(8);
  });

  it("keeps the previous file when the new code does not load, or its use fails", async () => {
    await expect(folder.load({ name: "a.mjs", code: "export default {{" }, async (v) => v, true)).rejects.toThrow(
      /^a\.mjs contains invalid code: /,
    );
    await expect(
      folder.load(
        { name: "a.mjs", code: "export default 9;" },
        async () => {
          throw new Error("not usable");
        },
        true,
      ),
    ).rejects.toThrow("not usable");
    expect(readFileSync(folder.path("a.mjs"), "utf8")).toBe("export default 8;");
    expect(readdirSync(folder.dir)).toEqual(["a.mjs"]);
  });

  it("sets a file aside as <name>.invalid, which is not listed", () => {
    expect(folder.setAside("a.mjs")).toBe("renamed to 'a.mjs.invalid'");
    expect(folder.list()).toEqual([]);
    expect(existsSync(folder.path("a.mjs.invalid"))).toBe(true);
  });

  it("remove: an error naming the path when there is no such file", () => {
    expect(() => folder.remove("none.mjs")).toThrow(`none.mjs (${folder.path("none.mjs")}) doesn't exists`);
  });
});

describe("external extensions: shared MQTT subscriptions", () => {
  const calls: string[] = [];
  const ctx = {
    mqtt: {
      baseTopic: "z2m",
      subscribe: async (t: string[]) => void calls.push(`sub ${t.join()}`),
      unsubscribe: async (t: string[]) => void calls.push(`unsub ${t.join()}`),
    },
  } as unknown as BridgeContext;

  it("subscribes a topic once, unsubscribes it when its last user leaves", async () => {
    const topics = new SharedSubscriptions(ctx);
    await topics.subscribe("other/a");
    await topics.subscribe("other/a");
    await topics.unsubscribe("other/a");
    expect(calls).toEqual(["sub other/a"]);
    await topics.unsubscribe("other/a");
    await topics.unsubscribe("other/a");
    expect(calls).toEqual(["sub other/a", "unsub other/a"]);
  });

  it("never unsubscribes a topic under the base topic (it may be one of the bridge's own)", async () => {
    calls.length = 0;
    const topics = new SharedSubscriptions(ctx);
    await topics.subscribe("z2m/+/set");
    await topics.unsubscribe("z2m/+/set");
    expect(calls).toEqual(["sub z2m/+/set"]);
  });
});
