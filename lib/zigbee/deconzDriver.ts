import type { Controller } from "zigbee-herdsman";
import type { Logger } from "../util/logger.js";

const NS = "z2m:zigbee";

/**
 * Workarounds for zigbee-herdsman 11.1.1's `deconz` adapter (ConBee / RaspBee), applied from outside through the
 * objects' own fields: herdsman's files are not patched. Everything here is guarded: when herdsman's internals change
 * and a field is missing, it says so at debug level and does nothing.
 *
 * 1. The driver (`adapter/deconz/driver/driver.js`) runs its state machine from a 100 ms `setInterval` started in its
 *    constructor (`tickTimer`) and never cleared: `adapter.stop()` closes the port, which puts the driver into
 *    `WaitToReconnect`, and the next ticks reopen the port 5 s later and read the stick's configuration again. A
 *    stopped herdsman thus keeps talking to the stick (or keeps trying to lock its port every 5 s, failing while a
 *    new bridge holds it), the bridge's in-process restart and reconnect end up with two drivers on one stick, and
 *    the timer keeps the process alive. {@link quiesceDeconz} clears that timer after a stop.
 * 2. The driver times out a request whose APS-DATA.confirm never comes after `request.timeout * 1000` ms, "seconds *
 *    1000", while every caller passes milliseconds (10 s ZDO and ZCL, 60 s broadcasts): a lost confirm held the
 *    command, and every later command to that device behind it, for hours. {@link guardDeconz} wraps the driver's
 *    `enqueueApsDataRequest` on the instance to hand it a copy of the request with the timeout in seconds (the
 *    adapter keeps its own request, in ms, for the response it waits for).
 *
 * (herdsman 10.x also registered the TCP socket's close handler unbound, so every disconnect threw from a socket
 * event; 11.x's shared transport binds it, and the guard this file had for it is gone.)
 *
 * Left as they are (no handle to reach them): the adapter's own 1 s `setInterval` (request timeouts; it touches
 * no port, but keeps the event loop alive, so the process ends with an explicit exit, as lib/main.ts does) and the
 * listeners both register on the driver's module-wide frame parser emitter (inert once the driver is quiet).
 */

interface DeconzDriverFields {
  tickTimer?: unknown;
  isOpen?: unknown;
  close?: unknown;
  enqueueApsDataRequest?: unknown;
}

/** herdsman's adapter instance and its deconz driver, or undefined (with a debug line) when it is not one. */
function deconzDriver(h: Controller, logger: Logger, adapter?: unknown): DeconzDriverFields | undefined {
  const a = adapter ?? (h as unknown as { adapter?: unknown }).adapter;
  if (typeof a !== "object" || a === null) return undefined; // never created (a start that failed early)
  if (a.constructor?.name !== "DeconzAdapter") return undefined;
  const driver = (a as { driver?: unknown }).driver;
  if (typeof driver !== "object" || driver === null) {
    logger.debug("deconz adapter without its 'driver' field: nothing to neutralise (herdsman changed?)", NS);
    return undefined;
  }
  return driver as DeconzDriverFields;
}

/**
 * Stops what herdsman's deconz driver leaves running after herdsman (or its adapter) was stopped: its tick timer
 * (the state machine that reopens the port), and closes its port if a reconnect opened it again meanwhile. Only
 * call it once the herdsman start has ended (a start in flight waits for the driver's ticks to connect).
 * No-op for other adapters.
 */
export function quiesceDeconz(h: Controller, logger: Logger): void {
  const driver = deconzDriver(h, logger);
  if (!driver) return;
  if (driver.tickTimer === undefined) {
    logger.debug("deconz driver without its 'tickTimer' field: it may reopen the port (herdsman changed?)", NS);
  } else {
    clearInterval(driver.tickTimer as Parameters<typeof clearInterval>[0]);
    logger.debug("deconz driver stopped (its tick timer would reopen the port)", NS);
  }
  if (typeof driver.isOpen === "function" && typeof driver.close === "function") {
    if (driver.isOpen.call(driver) === true) {
      const closing = driver.close.call(driver) as Promise<void> | undefined;
      void closing?.catch?.(() => {});
    }
  } else logger.debug("deconz driver without isOpen()/close(): cannot check that its port is closed", NS);
}

/**
 * Fixes up the deconz driver as soon as `h` creates its adapter (2. above): watches herdsman's `adapter`
 * field, which Controller.start() assigns. No-op for other adapters.
 */
export function guardDeconz(h: Controller, logger: Logger): void {
  const holder = h as unknown as Record<string, unknown>;
  const existing = Object.getOwnPropertyDescriptor(holder, "adapter");
  if (existing && (!existing.configurable || !("value" in existing))) {
    logger.debug("zigbee-herdsman's 'adapter' field cannot be watched: the deconz confirm timeout fix is off", NS);
    return;
  }
  let value = existing?.value;
  Object.defineProperty(holder, "adapter", {
    configurable: true,
    enumerable: existing?.enumerable ?? true,
    get: () => value,
    set: (v: unknown) => {
      value = v;
      const driver = deconzDriver(h, logger, v);
      if (!driver) return;
      const enqueue = driver.enqueueApsDataRequest;
      if (typeof enqueue === "function") {
        driver.enqueueApsDataRequest = (request: unknown) => {
          const timeout = (request as { timeout?: unknown } | null)?.timeout;
          if (typeof timeout !== "number") return enqueue.call(driver, request);
          return enqueue.call(driver, { ...(request as object), timeout: timeout / 1000 });
        };
      } else logger.debug("deconz driver without enqueueApsDataRequest(): confirm timeouts stay in hours", NS);
    },
  });
}
