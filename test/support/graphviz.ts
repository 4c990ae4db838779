/**
 * Graphviz for tests, from npm (a WebAssembly build of Graphviz 16): renders DOT text with the `dot` layout to SVG,
 * so the network-map tests need no system binary. A syntax error rejects with Graphviz's message.
 */
import { Graphviz } from "@hpcc-js/wasm-graphviz";

let loaded: Promise<Graphviz> | undefined;

/** The SVG `dot` makes of `source`; rejects on a DOT syntax error. */
export async function renderDot(source: string): Promise<string> {
  loaded ??= Graphviz.load();
  const graphviz = await loaded;
  return graphviz.dot(source, "svg");
}
