/**
 * USB identities of known Zigbee coordinators, learned from zigbee-herdsman's discovery table and vendors' docs.
 *
 * Some vendor:product pairs are generic USB-UART bridges shared by sticks with different radios (10c4:ea60 CP210x,
 * 0403:6015 FTDI, 1a86:55d4/7523 WCH, 067b:2303 Prolific, 303a Espressif, 2fe3 Zephyr); those entries also need
 * `match` to hit the port's identity text (manufacturer, /dev/serial/by-id name, path), e.g.
 * "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_…". Order matters: the first matching entry wins, so the
 * specific ones ("…Dongle_Plus_V2" → ember) come before the general ones ("…Dongle_Plus" → zstack).
 */
export type DiscoverableAdapter = "zstack" | "deconz" | "ember" | "zigate" | "zboss";

export interface UsbFingerprint {
  adapter: DiscoverableAdapter;
  description: string;
  vendorId: string;
  productId: string;
  /** required for shared vendor:product pairs; tested case-insensitively against the identity text */
  match?: RegExp;
  /** serial options the stick needs (herdsman's own table; pass them to herdsman's transport options) */
  rtscts?: boolean;
  baudRate?: number;
}

const CP210X = { vendorId: "10c4", productId: "ea60" } as const;
const FTDI = { vendorId: "0403", productId: "6015" } as const;

export const USB_FINGERPRINTS: readonly UsbFingerprint[] = [
  // Silicon Labs EmberZNet (ember)
  { adapter: "ember", description: "Home Assistant SkyConnect", ...CP210X, match: /skyconnect/i, rtscts: true },
  { adapter: "ember", description: "Home Assistant Connect ZBT-1", ...CP210X, match: /zbt-1/i, rtscts: true },
  ...["4001", "831a"].map((productId) => ({
    adapter: "ember" as const,
    description: "Home Assistant Connect ZBT-2",
    vendorId: "303a",
    productId,
    match: /zbt-2/i,
    rtscts: true,
    baudRate: 460800,
  })),
  { adapter: "ember", description: "Sonoff ZBDongle-E (EFR32MG21)", ...CP210X, match: /dongle.plus.v2|zbdongle-e/i },
  {
    adapter: "ember",
    description: "Sonoff ZBDongle-E (EFR32MG21)",
    vendorId: "1a86",
    productId: "55d4",
    match: /sonoff|itead|zbdongle-e/i,
  },
  { adapter: "ember", description: "SONOFF Dongle Max (MG24)", ...CP210X, match: /sonoff.*max/i },
  { adapter: "ember", description: "SONOFF Dongle Plus MG24", ...CP210X, match: /sonoff.*plus.*mg24/i },
  { adapter: "ember", description: "SONOFF Dongle Lite MG21", ...CP210X, match: /sonoff.*lite.*mg21/i },
  { adapter: "ember", description: "SMLIGHT SLZB-06M/07 (EFR32)", ...CP210X, match: /slzb-06m|slzb-07_|slzb-07mg24/i },
  // Texas Instruments Z-Stack (zstack)
  { adapter: "zstack", description: "SONOFF Dongle Plus CC2674P10", ...CP210X, match: /sonoff.*plus.*cc2674p10/i },
  { adapter: "zstack", description: "Sonoff ZBDongle-P (CC2652P)", ...CP210X, match: /sonoff.*dongle.plus/i },
  { adapter: "zstack", description: "slae.sh CC2652RB stick", ...CP210X, match: /slae\.sh_cc2652rb/i },
  { adapter: "zstack", description: "SMLIGHT SLZB-06p7/06p10/07p7 (CC2652)", ...CP210X, match: /slzb-0[67]p/i },
  { adapter: "zstack", description: "TubesZB (CC2652)", ...CP210X, match: /tubeszb/i },
  {
    adapter: "zstack",
    description: "TubesZB / ZigStar (CC2652)",
    vendorId: "1a86",
    productId: "7523",
    match: /tubeszb|zigstar/i,
  },
  { adapter: "zstack", description: "Electrolama zzh! (CC2652R)", ...FTDI, match: /electrolama|zzh/i },
  { adapter: "zstack", description: "TI CC2531 USB stick", vendorId: "0451", productId: "16a8" },
  { adapter: "zstack", description: "TI CC2538 USB stick", vendorId: "0451", productId: "16c8" },
  { adapter: "zstack", description: "TI LaunchPad (CC26x2/CC1352)", vendorId: "0451", productId: "bef3" },
  // dresden elektronik deCONZ (deconz)
  { adapter: "deconz", description: "ConBee II", vendorId: "1cf1", productId: "0030" },
  { adapter: "deconz", description: "ConBee III", ...FTDI, match: /dresden|conbee/i },
  // ZiGate (zigate)
  { adapter: "zigate", description: "ZiGate+ V2", ...FTDI, match: /zigate/i },
  { adapter: "zigate", description: "ZiGate (PL2303)", vendorId: "067b", productId: "2303", match: /zigate/i },
  { adapter: "zigate", description: "ZiGate (CP2102)", ...CP210X, match: /zigate/i },
  // Nordic nRF ZBOSS NCP (zboss)
  {
    adapter: "zboss",
    description: "Nordic Zigbee NCP (ZBOSS)",
    vendorId: "2fe3",
    productId: "0100",
    match: /zigbee|ncp/i,
  },
];
