import { describe, expect, it } from "vitest";
import type { SetGetRequest } from "../../../lib/features/setGet.js";
import { TopicRouter } from "../../../lib/mqtt/topicRouter.js";

function router(names: string[]) {
  const commands: Array<Omit<SetGetRequest, "payload">> = [];
  const requests: string[] = [];
  const r = new TopicRouter("z2m", {
    request: (name) => requests.push(name),
    setGet: ({ payload: _payload, ...rest }) => commands.push(rest),
    isEntity: (name) => names.includes(name),
  });
  r.setNames(names);
  const route = (topic: string) => (r.route(topic, Buffer.from("{}")) ? commands.at(-1) : undefined);
  return { r, route, requests };
}

describe("TopicRouter", () => {
  it("splits a command topic at the longest known name", () => {
    const { route } = router(["lamp", "hall", "hall/get/lamp", "a/b/c/d/e/f/g"]);
    expect(route("z2m/lamp/set")).toEqual({ entityPath: "lamp", action: "set", attribute: undefined });
    expect(route("z2m/lamp/set/brightness")).toEqual({ entityPath: "lamp", action: "set", attribute: "brightness" });
    expect(route("z2m/lamp/l2/set")).toEqual({
      entityPath: "lamp",
      endpoint: "l2",
      action: "set",
      attribute: undefined,
    });
    expect(route("z2m/lamp/l2/get/state")).toEqual({
      entityPath: "lamp",
      endpoint: "l2",
      action: "get",
      attribute: "state",
    });
    expect(route("z2m/hall/get/lamp/set")).toEqual({
      entityPath: "hall/get/lamp",
      action: "set",
      attribute: undefined,
    });
    expect(route("z2m/hall/get/lamp/get/state")).toEqual({
      entityPath: "hall/get/lamp",
      action: "get",
      attribute: "state",
    });
    expect(route("z2m/hall/get/brightness")).toEqual({ entityPath: "hall", action: "get", attribute: "brightness" });
    expect(route("z2m/a/b/c/d/e/f/g/7/set")).toEqual({
      entityPath: "a/b/c/d/e/f/g",
      endpoint: "7",
      action: "set",
      attribute: undefined,
    });
  });

  it("does not take an entity's own state topic for a command", () => {
    const { route } = router(["hall", "hall/get/lamp"]);
    expect(route("z2m/hall/get/lamp")).toBeUndefined();
    expect(route("z2m/hall")).toBeUndefined();
  });

  it("names an unknown entity by the first /set or /get, for the error", () => {
    const { route } = router(["lamp"]);
    expect(route("z2m/ghost/set")).toEqual({ entityPath: "ghost", action: "set", attribute: undefined });
    expect(route("z2m/lamp/x/y/set")).toEqual({ entityPath: "lamp/x/y", action: "set", attribute: undefined });
    expect(route("z2m/lamp/set/")).toBeUndefined();
  });

  it("routes bridge requests and ignores other bridge topics and other bases", () => {
    const { r, requests } = router([]);
    expect(r.route("z2m/bridge/request/permit_join", Buffer.from("{}"))).toBe(true);
    expect(requests).toEqual(["permit_join"]);
    expect(r.route("z2m/bridge/state", Buffer.from("{}"))).toBe(false);
    expect(r.route("other/lamp/set", Buffer.from("{}"))).toBe(false);
  });

  it("subscribes to as many name levels as the deepest name, plus one for an endpoint, following renames", () => {
    const { r } = router(["lamp"]);
    const levels = (subs: string[]) =>
      Math.max(...subs.filter((s) => s.endsWith("/set")).map((s) => s.split("/").length - 2));
    expect(levels(r.subscriptions())).toBe(2);
    expect(r.subscriptions()).toContain("z2m/bridge/request/#");
    const deeper = r.setNames(["lamp", "a/b/c/d/e/f"]);
    expect(levels(r.subscriptions())).toBe(7);
    expect(deeper.unsubscribe).toEqual([]);
    expect(deeper.subscribe).toContain("z2m/+/+/+/+/+/+/+/set");
    expect(deeper.subscribe).toContain("z2m/+/+/+/+/+/+/+/get/+");
    expect(deeper.subscribe).not.toContain("z2m/+/+/set");
    const shallower = r.setNames(["lamp"]);
    expect(shallower.subscribe).toEqual([]);
    expect(shallower.unsubscribe.sort()).toEqual(deeper.subscribe.sort());
    expect(r.setNames(["lamp"])).toEqual({ subscribe: [], unsubscribe: [] });
  });
});
