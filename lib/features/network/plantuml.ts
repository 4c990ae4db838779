import { lastSeenText } from "./graphviz.js";
import type { NetworkMap, NetworkMapNode } from "./networkMap.js";

const FILL: Record<string, string> = { Coordinator: "#e04e5d", Router: "#4ea3e0" };
const END_DEVICE_FILL = "#fff8ce";

/**
 * The network map as a PlantUML diagram: one `card` per device (name, IEEE and network address, vendor and model,
 * last seen), coloured by role, and one arrow per neighbor-table entry, from the neighbor to the device that lists
 * it, labelled with the link quality (and the routed destinations when routes were read).
 */
export function renderPlantuml(map: NetworkMap): string {
  const alias = new Map(map.nodes.map((n, i) => [n.ieeeAddr, `n${i}`]));
  const out = ["@startuml", "skinparam defaultTextAlignment center", ""];
  for (const n of map.nodes) {
    out.push(`card ${alias.get(n.ieeeAddr)} ${FILL[n.type] ?? END_DEVICE_FILL} [`);
    out.push(...cardLines(n), "]", "");
  }
  for (const l of map.links) {
    const from = alias.get(l.source.ieeeAddr);
    const to = alias.get(l.target.ieeeAddr);
    if (!from || !to) continue;
    const routes = l.routes.map((r) => `0x${r.destinationAddress.toString(16).padStart(4, "0")}`);
    const label = routes.length > 0 ? `${l.lqi} (routes: ${routes.join(", ")})` : String(l.lqi);
    out.push(`${from} --> ${to}: ${label}`);
  }
  out.push("", "@enduml");
  return `${out.join("\n")}\n`;
}

function cardLines(n: NetworkMapNode): string[] {
  const nwk = `0x${n.networkAddress.toString(16).padStart(4, "0")}`;
  const model = n.definition
    ? `${n.definition.vendor} ${n.definition.model} (${n.definition.description})`
    : n.type === "Coordinator"
      ? "Coordinator"
      : (n.modelID ?? "unknown model");
  const lines = [n.friendlyName, "---", `${n.ieeeAddr} (${nwk})`, "---", model, "---", lastSeenText(n.lastSeen)];
  if (n.failed && n.failed.length > 0) lines.push("---", `failed: ${n.failed.join(", ")}`);
  // a line that is only "]" would close the card early; keep every line on one line
  return lines.map((l) => (l === "---" ? l : l.replace(/[\r\n]+/g, " ").replace(/^\]/, " ]")));
}
