#!/usr/bin/env node
/**
 * Entry point. Turns on Node's on-disk compile cache before anything else is loaded (every start after the first
 * skips compiling zigbee-herdsman, the converters and the rest: about 150 ms here), then runs the bridge.
 */
import { enableCompileCache } from "node:module";

enableCompileCache?.();
await import("./main.js");
