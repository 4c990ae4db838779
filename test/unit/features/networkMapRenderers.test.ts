import { describe, expect, it } from "vitest";
import { renderGraphviz } from "../../../lib/features/network/graphviz.js";
import type { NetworkMap, NetworkMapLink } from "../../../lib/features/network/networkMap.js";
import { renderPlantuml } from "../../../lib/features/network/plantuml.js";
import { renderDot } from "../../support/graphviz.js";

const COORD = "0x00124b0000000001";
const ROUTER = "0xa4c1380000000002";
const SENSOR = "0xa4c1380000000003";

function link(source: [string, number], target: [string, number], lqi: number, routes = false): NetworkMapLink {
  const src = { ieeeAddr: source[0], networkAddress: source[1] };
  const tgt = { ieeeAddr: target[0], networkAddress: target[1] };
  return {
    source: src,
    target: tgt,
    deviceType: source[0] === SENSOR ? 2 : 1,
    rxOnWhenIdle: 1,
    relationship: 1,
    permitJoining: 0,
    depth: 1,
    lqi,
    routes: routes ? [{ destinationAddress: src.networkAddress, nextHop: src.networkAddress, status: "ACTIVE" }] : [],
    linkquality: lqi,
    sourceIeeeAddr: src.ieeeAddr,
    targetIeeeAddr: tgt.ieeeAddr,
    sourceNwkAddr: src.networkAddress,
  };
}

const MAP: NetworkMap = {
  nodes: [
    {
      ieeeAddr: COORD,
      friendlyName: "Coordinator",
      type: "Coordinator",
      networkAddress: 0,
      manufacturerName: undefined,
      modelID: undefined,
      failed: [],
      lastSeen: undefined,
    },
    {
      ieeeAddr: ROUTER,
      friendlyName: 'we{ird}|"lamp"<1>\\ ]',
      type: "Router",
      networkAddress: 0x1234,
      manufacturerName: "Ajax",
      modelID: "AJ_ZB_A60",
      failed: ["routingTable"],
      lastSeen: Date.UTC(2026, 0, 2, 3, 4, 5),
      definition: {
        model: "ZB_A60_RGBCW",
        vendor: "Ajax Online",
        supports: "state, brightness",
        description: 'Bulb "A60"',
      },
    },
    {
      ieeeAddr: SENSOR,
      friendlyName: "]sensor\nline",
      type: "EndDevice",
      networkAddress: 0xbeef,
      manufacturerName: "eWeLink",
      modelID: "TH01",
      failed: [],
      lastSeen: 0,
    },
  ],
  links: [
    link([ROUTER, 0x1234], [COORD, 0], 200, true),
    link([COORD, 0], [ROUTER, 0x1234], 190),
    link([SENSOR, 0xbeef], [COORD, 0], 90),
  ],
};

describe("renderGraphviz", () => {
  it("renders with dot, awkward names included", async () => {
    const svg = await renderDot(renderGraphviz(MAP));
    expect(svg).toMatch(/<svg[\s\S]*<\/svg>/);
    expect(svg.match(/class="node"/g)).toHaveLength(3);
    expect(svg.match(/class="edge"/g)).toHaveLength(3);
  });

  it("the renderer used here refuses broken DOT (so the render checks can fail)", async () => {
    await expect(renderDot('digraph G { "a" -> }')).rejects.toThrow(/syntax error/);
  });

  it("labels nodes with name, ieee and network address, model and last seen; styles them by role", () => {
    const dot = renderGraphviz(MAP);
    const router = dot.split("\n").find((l) => l.startsWith(`  "${ROUTER}" [`)) ?? "";
    expect(router).toContain('fillcolor="#4ea3e0"');
    expect(router).toContain(`${ROUTER} (0x1234)`);
    expect(router).toContain("Ajax Online ZB_A60_RGBCW");
    expect(router).toContain("last seen: 2026-01-02T03:04:05Z");
    expect(router).toContain("failed: routingTable");
    expect(router).toContain("dashed"); // a node that failed a read
    expect(router).toContain('we\\{ird\\}\\|\\"lamp\\"\\<1\\>\\\\ ]');
    expect(dot).toMatch(new RegExp(`"${COORD}" \\[style="rounded, filled", fillcolor="#e04e5d"`));
  });

  it("draws one edge per neighbor entry with its lqi; routes in the active colour; end-device links dashed", () => {
    const dot = renderGraphviz(MAP);
    expect(dot).toContain(`"${ROUTER}" -> "${COORD}" [label="200 (routes: 0x1234)", color="#009900", penwidth=2`);
    expect(dot).toContain(`"${COORD}" -> "${ROUTER}" [label="190", color="#994444", penwidth=2`);
    expect(dot).toContain(
      `"${SENSOR}" -> "${COORD}" [label="90", color="#994444", penwidth=1, weight=0, style=dashed]`,
    );
  });

  it("takes colours from map_options, stripped of anything that could break the syntax", async () => {
    const dot = renderGraphviz(MAP, { fill: { router: 'red"; evil' }, line: { active: "#123456" } });
    expect(dot).toContain('fillcolor="red evil"');
    expect(dot).toContain('color="#123456"');
    // "red evil" is no colour dot knows: a warning, not a syntax error
    expect(await renderDot(dot)).toMatch(/<svg/);
  });
});

describe("renderPlantuml", () => {
  it("one card per device, one arrow per link, no line that closes a card early", () => {
    const uml = renderPlantuml(MAP);
    expect(uml.startsWith("@startuml\n")).toBe(true);
    expect(uml.endsWith("@enduml\n")).toBe(true);
    expect(uml).toContain("card n0 #e04e5d [");
    expect(uml).toContain("card n1 #4ea3e0 [");
    expect(uml).toContain("card n2 #fff8ce [");
    expect(uml).toContain(" ]sensor line");
    expect(uml).toContain("n1 --> n0: 200 (routes: 0x1234)");
    expect(uml).toContain("n2 --> n0: 90");
    const cardBodies = uml.split("\n").filter((l) => l === "]");
    expect(cardBodies).toHaveLength(3);
  });
});
