import type { MapOptions } from "../../settings/types.js";
import type { NetworkMap, NetworkMapLink, NetworkMapNode } from "./networkMap.js";

type Colors = NonNullable<NonNullable<MapOptions["graphviz"]>["colors"]>;
type Kind = "coordinator" | "router" | "enddevice";

const DEFAULT_FILL: Record<Kind, string> = { coordinator: "#e04e5d", router: "#4ea3e0", enddevice: "#fff8ce" };
const DEFAULT_FONT: Record<Kind, string> = { coordinator: "#ffffff", router: "#ffffff", enddevice: "#000000" };
const DEFAULT_LINE = { active: "#009900", inactive: "#994444" };

/**
 * The network map as a Graphviz `digraph` (render with `dot -Tpng`): one record node per device — name, IEEE and
 * network address, vendor and model, last seen — filled by role (coordinator, router, end device; colours from
 * `map_options.graphviz.colors`), and one edge per neighbor-table entry, from the neighbor to the device that
 * lists it, labelled with the link quality. Edges to end devices are dashed; edges that carry routes use the
 * "active" line colour and list the routed destinations.
 */
export function renderGraphviz(map: NetworkMap, colors: Colors = {}): string {
  const fill = pick(DEFAULT_FILL, colors.fill);
  const font = pick(DEFAULT_FONT, colors.font);
  const line = pick(DEFAULT_LINE, colors.line);
  const types = new Map(map.nodes.map((n) => [n.ieeeAddr, n.type]));
  const out = ["digraph G {", '  node [shape=record, fontname="Helvetica", fontsize=10];', "  edge [fontsize=9];"];
  for (const n of map.nodes) {
    const k = kind(n.type);
    const style = n.failed && n.failed.length > 0 ? "rounded, filled, dashed" : "rounded, filled";
    out.push(
      `  ${id(n.ieeeAddr)} [style=${quote(style)}, fillcolor=${quote(fill[k])}, fontcolor=${quote(font[k])}, ` +
        `label=${quote(nodeLabel(n))}];`,
    );
  }
  for (const l of map.links) {
    const toEndDevice = kind(types.get(l.target.ieeeAddr) ?? "") === "enddevice" || l.deviceType === 2;
    const attrs = [
      `label=${quote(edgeLabel(l))}`,
      `color=${quote(l.routes.length > 0 ? line.active : line.inactive)}`,
      toEndDevice ? "penwidth=1, weight=0, style=dashed" : "penwidth=2, weight=1",
    ];
    out.push(`  ${id(l.source.ieeeAddr)} -> ${id(l.target.ieeeAddr)} [${attrs.join(", ")}];`);
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

function pick<K extends string>(
  defaults: Record<K, string>,
  given: Partial<Record<K, string>> = {},
): Record<K, string> {
  const out = { ...defaults };
  for (const k of Object.keys(defaults) as K[]) if (typeof given[k] === "string") out[k] = colour(given[k] as string);
  return out;
}

function kind(type: string): Kind {
  if (type === "Coordinator") return "coordinator";
  if (type === "Router") return "router";
  return "enddevice";
}

/** `{name|ieee (0xnwk)|vendor model (description)|last seen}` with record-label escaping. */
function nodeLabel(n: NetworkMapNode): string {
  const nwk = `0x${n.networkAddress.toString(16).padStart(4, "0")}`;
  const model = n.definition
    ? `${n.definition.vendor} ${n.definition.model} (${n.definition.description})`
    : n.type === "Coordinator"
      ? "Coordinator"
      : (n.modelID ?? "unknown model");
  const fields = [n.friendlyName, `${n.ieeeAddr} (${nwk})`, model, lastSeenText(n.lastSeen)];
  if (n.failed && n.failed.length > 0) fields.push(`failed: ${n.failed.join(", ")}`);
  return `{${fields.map(recordText).join("|")}}`;
}

function edgeLabel(l: NetworkMapLink): string {
  if (l.routes.length === 0) return String(l.lqi);
  const to = l.routes.map((r) => `0x${r.destinationAddress.toString(16).padStart(4, "0")}`);
  return `${l.lqi} (routes: ${to.join(", ")})`;
}

export function lastSeenText(ms: number | undefined): string {
  return ms === undefined ? "last seen: unknown" : `last seen: ${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Text inside a record field: record syntax characters and backslashes escaped, newlines become spaces. */
function recordText(s: string): string {
  return s.replace(/[\r\n]+/g, " ").replace(/[\\{}|<>]/g, (c) => `\\${c}`);
}

/** A DOT quoted string: `"` is the only escape DOT knows there. */
function quote(s: string): string {
  return `"${s.replace(/[\r\n]+/g, " ").replace(/"/g, '\\"')}"`;
}

/** A colour from the settings, kept to what colour names and values use (it cannot break the DOT syntax). */
function colour(s: string): string {
  return s.replace(/[^#A-Za-z0-9 ,.:/]/g, "");
}

function id(ieee: string): string {
  return quote(ieee);
}
