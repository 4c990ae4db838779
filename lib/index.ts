#!/usr/bin/env node
/**
 * Entry point. On a Node.js older than zigmqtt supports, re-runs itself on a supported one (supportedNode.ts).
 * Otherwise turns on Node's on-disk compile cache before anything else is loaded (every start after the first
 * skips compiling zigbee-herdsman, the converters and the rest: about 150 ms here), then runs the bridge.
 */
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { ensureSupportedNode } from "./supportedNode.js";

if (ensureSupportedNode(fileURLToPath(import.meta.url))) {
  // a namespace import: a named import of a function the running Node lacks would fail before any line runs
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  await import("./main.js");
}
