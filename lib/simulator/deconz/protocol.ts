/**
 * deCONZ serial protocol constants (dresden elektronik's "deCONZ Serial Protocol"), as the ConBee / RaspBee firmware
 * speaks it. Every frame is `[command, sequence, status, frameLength u16, …payload]` plus a CRC, SLIP-framed.
 */

export const Command = {
  APS_DATA_CONFIRM: 0x04,
  DEVICE_STATE: 0x07,
  CHANGE_NETWORK_STATE: 0x08,
  READ_PARAMETER: 0x0a,
  WRITE_PARAMETER: 0x0b,
  VERSION: 0x0d,
  DEVICE_STATE_CHANGED: 0x0e,
  APS_DATA_REQUEST: 0x12,
  APS_DATA_INDICATION: 0x17,
} as const;

export const Status = {
  SUCCESS: 0,
  FAILURE: 1,
  BUSY: 2,
  TIMEOUT: 3,
  UNSUPPORTED: 4,
  ERROR: 5,
  NO_NETWORK: 6,
  INVALID_VALUE: 7,
} as const;

export const NetState = { OFFLINE: 0, JOINING: 1, CONNECTED: 2, LEAVING: 3 } as const;

/** Bits of the device state byte next to the network state (bits 0-1). */
export const DeviceStateFlag = {
  APS_CONFIRM: 0x04,
  APS_INDICATION: 0x08,
  CONFIG_CHANGED: 0x10,
  APS_FREE_SLOTS: 0x20,
} as const;

/** Network parameter ids (READ_PARAMETER / WRITE_PARAMETER). */
export const ParamId = {
  MAC_ADDRESS: 0x01,
  NWK_PANID: 0x05,
  NWK_ADDRESS: 0x07,
  NWK_EXTENDED_PANID: 0x08,
  APS_DESIGNED_COORDINATOR: 0x09,
  APS_CHANNEL_MASK: 0x0a,
  APS_USE_EXTENDED_PANID: 0x0b,
  APS_TRUST_CENTER_ADDRESS: 0x0e,
  STK_ENDPOINT: 0x13,
  STK_PREDEFINED_PANID: 0x15,
  STK_STATIC_NETWORK_ADDRESS: 0x16,
  STK_NETWORK_KEY: 0x18,
  STK_LINK_KEY: 0x19,
  STK_CURRENT_CHANNEL: 0x1c,
  STK_PERMIT_JOIN: 0x21,
  STK_PROTOCOL_VERSION: 0x22,
  STK_NWK_UPDATE_ID: 0x24,
  DEV_WATCHDOG_TTL: 0x26,
  STK_FRAME_COUNTER: 0x27,
  STK_DEBUG_LOG_LEVEL: 0x29,
} as const;

/** APS address modes of data requests, confirms and indications. */
export const AddrMode = { GROUP: 0x01, NWK: 0x02, IEEE: 0x03, NWK_AND_IEEE: 0x04 } as const;

/**
 * Firmware identity: `0xMMmmPPpp` with the platform in the second lowest byte (0x07 ConBee II / RaspBee II, 0x09
 * ConBee III). The defaults are released firmwares of each stick.
 */
export const Firmware = {
  conbee2: 0x26780700,
  conbee3: 0x26500900,
} as const;
export type FirmwareIdentity = keyof typeof Firmware;

/** The serial protocol version the firmware reports in STK_PROTOCOL_VERSION. */
export const PROTOCOL_VERSION = 0x010b;
