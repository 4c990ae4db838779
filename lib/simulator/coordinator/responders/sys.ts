import type { Responder } from "../context.js";
import { NvStatus } from "../nvStore.js";

const n = (v: unknown) => v as number;
const b = (v: unknown) => v as Buffer;

/** SYS: identity, reset and the NV memory (legacy OSAL items and the Z-Stack 3.x extended items). */
export const sysResponder: Responder = {
  resetReq: (_req, ctx) => {
    ctx.reset();
    return undefined;
  },
  ping: () => ({ capabilities: 0x07fd }),
  version: (_req, ctx) => ({ ...ctx.firmware }),
  getExtAddr: (_req, ctx) => ({ extaddress: ctx.ieee }),
  setExtAddr: (req, ctx) => {
    ctx.ieee = String(req.extaddress);
    ctx.changed();
    return { status: 0 };
  },
  random: () => ({ value: Math.floor(Math.random() * 0x10000) }),
  stackTune: (req) => ({ value: n(req.value) & 0xff }),
  setTxPower: (req) => ({ txpower: n(req.level) }),

  osalNvLength: (req, ctx) => ({ length: ctx.nv.length(n(req.id)) }),
  osalNvItemInit: (req, ctx) => ({ status: ctx.nv.init(n(req.id), n(req.len), b(req.initvalue)) }),
  osalNvRead: (req, ctx) => {
    const r = ctx.nv.read(n(req.id), n(req.offset), 246);
    return { status: r.status, len: r.value.length, value: r.value };
  },
  osalNvReadExt: (req, ctx) => {
    const r = ctx.nv.read(n(req.id), n(req.offset), 246);
    return { status: r.status, len: r.value.length, value: r.value };
  },
  osalNvWrite: (req, ctx) => ({ status: ctx.nv.write(n(req.id), n(req.offset), b(req.value)) }),
  osalNvWriteExt: (req, ctx) => ({ status: ctx.nv.write(n(req.id), n(req.offset), b(req.value)) }),
  osalNvDelete: (req, ctx) => ({ status: ctx.nv.delete(n(req.id)) }),

  nvLength: (req, ctx) => ({ len: Math.min(255, ctx.nv.extLength(n(req.sysid), n(req.itemid), n(req.subid))) }),
  nvCreate: (req, ctx) => ({ status: ctx.nv.extCreate(n(req.sysid), n(req.itemid), n(req.subid), n(req.len)) }),
  nvRead: (req, ctx) => {
    const r = ctx.nv.extRead(n(req.sysid), n(req.itemid), n(req.subid), n(req.offset), n(req.len));
    return { status: r.status, len: r.value.length, value: r.value };
  },
  nvWrite: (req, ctx) => ({
    status: ctx.nv.extWrite(n(req.sysid), n(req.itemid), n(req.subid), n(req.offset), b(req.value)),
  }),
  nvUpdate: (req, ctx) => ({ status: ctx.nv.extUpdate(n(req.sysid), n(req.itemid), n(req.subid), b(req.value)) }),
  nvDelete: (req, ctx) => ({ status: ctx.nv.extDelete(n(req.sysid), n(req.itemid), n(req.subid)) }),
};

export { NvStatus };
