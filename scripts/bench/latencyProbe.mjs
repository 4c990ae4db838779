// `npm run bench -- --in-bridge`: loaded into a bridge process with --import (zigmqtt and zigbee2mqtt alike), it
// times, inside that process, each command from the socket read that carries its `/set` PUBLISH to the write of the
// next AF.dataRequest to the coordinator, and writes the times (ms) to $BENCH_LATENCY_OUT.<pid>.json when the
// process exits. That is the bridge's own share of command → frame, without the broker hop or the bench's side,
// which vary from run to run far more on a shared machine. Wrapping two socket methods costs both bridges the same.
import { writeFileSync } from "node:fs";
import net from "node:net";

const out = process.env.BENCH_LATENCY_OUT;
if (out) {
  const times = [];
  const SET = Buffer.from("/set");
  let readAt = 0;
  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, chunk, ...rest) {
    if (event === "data" && Buffer.isBuffer(chunk) && chunk.includes(SET)) readAt = performance.now();
    return emit.call(this, event, chunk, ...rest);
  };
  const write = net.Socket.prototype.write;
  // a Z-Stack frame: 0xFE, length, then AF (0x24 = SREQ | subsystem 4) dataRequest (0x01)
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (readAt && Buffer.isBuffer(chunk) && chunk[0] === 0xfe && chunk[2] === 0x24 && chunk[3] === 0x01) {
      times.push(performance.now() - readAt);
      readAt = 0;
    }
    return write.call(this, chunk, ...rest);
  };
  process.on("exit", () => writeFileSync(`${out}.${process.pid}.json`, JSON.stringify(times)));
}
