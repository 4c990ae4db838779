import { realpath as fsRealpath } from "node:fs/promises";
import { SerialPort } from "serialport";
import { type DiscoverableAdapter, USB_FINGERPRINTS, type UsbFingerprint } from "./usbFingerprints.js";

/** What `SerialPort.list()` reports for a port (serialport's PortInfo, restated so tests need no import). */
export interface PortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  /** on Linux the /dev/serial/by-id name, e.g. "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_…-if00-port0" */
  pnpId?: string | undefined;
  locationId?: string | undefined;
  productId?: string | undefined;
  vendorId?: string | undefined;
}

export interface FoundAdapter {
  /** the stable /dev/serial/by-id path when it resolves to the same device, else the port's path */
  path: string;
  adapter: DiscoverableAdapter;
  description: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  /** serial options the stick needs (e.g. SkyConnect/ZBT-1 use hardware flow control) */
  rtscts?: boolean;
  baudRate?: number;
}

export interface DiscoveryOptions {
  /** serial.adapter: only candidates of this adapter ("ezsp" counts as ember) */
  adapter?: string;
  /** defaults to SerialPort.list() */
  list?: () => Promise<PortInfo[]>;
  /** defaults to fs.realpath; used to check that a /dev/serial/by-id link points at the port */
  realpath?: (path: string) => Promise<string>;
}

export interface DiscoveryResult {
  /** the first candidate by port path (stable across runs); undefined when none */
  chosen?: FoundAdapter;
  /** every recognised coordinator, in port path order */
  candidates: FoundAdapter[];
  /** every serial port seen, sorted by path */
  ports: PortInfo[];
  /** set when listing the ports failed (e.g. no udevadm in a container) */
  error?: string;
}

const BY_ID = "/dev/serial/by-id/";

/** Finds connected Zigbee coordinators by their USB ids, for when serial.port is not set. */
export async function discoverAdapter(opts: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const list = opts.list ?? (() => SerialPort.list());
  const realpath = opts.realpath ?? fsRealpath;
  let ports: PortInfo[];
  try {
    ports = [...(await list())].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (error) {
    return { candidates: [], ports: [], error: `listing serial ports failed: ${(error as Error).message}` };
  }
  const wanted = opts.adapter === "ezsp" ? "ember" : opts.adapter;
  const candidates: FoundAdapter[] = [];
  for (const port of ports) {
    const fingerprint = matchFingerprint(port, wanted);
    if (fingerprint) candidates.push(await toFound(port, fingerprint, realpath));
  }
  return { chosen: candidates[0], candidates, ports };
}

/** The first fingerprint matching this port (restricted to `adapter` when given), or undefined. */
export function matchFingerprint(port: PortInfo, adapter?: string): UsbFingerprint | undefined {
  const vendorId = port.vendorId?.toLowerCase();
  const productId = port.productId?.toLowerCase();
  if (!vendorId || !productId) return undefined;
  const identity = [port.manufacturer, port.pnpId, port.path].filter(Boolean).join(" ");
  return USB_FINGERPRINTS.find(
    (f) =>
      (adapter === undefined || f.adapter === adapter) &&
      f.vendorId === vendorId &&
      f.productId === productId &&
      (f.match === undefined || f.match.test(identity)),
  );
}

async function toFound(
  port: PortInfo,
  fingerprint: UsbFingerprint,
  realpath: (path: string) => Promise<string>,
): Promise<FoundAdapter> {
  const found: FoundAdapter = {
    path: await stablePath(port, realpath),
    adapter: fingerprint.adapter,
    description: fingerprint.description,
  };
  if (port.vendorId) found.vendorId = port.vendorId.toLowerCase();
  if (port.productId) found.productId = port.productId.toLowerCase();
  if (port.manufacturer) found.manufacturer = port.manufacturer;
  if (fingerprint.rtscts !== undefined) found.rtscts = fingerprint.rtscts;
  if (fingerprint.baudRate !== undefined) found.baudRate = fingerprint.baudRate;
  return found;
}

/** /dev/serial/by-id/<pnpId> survives re-plugging and reboots (ttyUSB0 may become ttyUSB1); use it when it is there. */
async function stablePath(port: PortInfo, realpath: (path: string) => Promise<string>): Promise<string> {
  if (port.path.startsWith(BY_ID)) return port.path;
  const name = port.pnpId;
  if (!name || name.includes("/") || name.includes("\\")) return port.path;
  const link = BY_ID + name;
  try {
    const [target, device] = await Promise.all([realpath(link), realpath(port.path)]);
    return target === device ? link : port.path;
  } catch {
    return port.path;
  }
}

/** One line listing the serial ports, for the "no coordinator found" message. */
export function describePorts(ports: readonly PortInfo[]): string {
  if (ports.length === 0) return "none";
  return ports
    .map((port) => {
      if (!port.vendorId || !port.productId) return `${port.path} (no USB ids)`;
      const ids = `${port.vendorId.toLowerCase()}:${port.productId.toLowerCase()}`;
      const detail = [port.manufacturer, port.pnpId].filter(Boolean).join(", ");
      return `${port.path} (${detail ? `${ids} ${detail}` : ids})`;
    })
    .join("; ");
}
