import type { Responder } from "../context.js";

const n = (v: unknown) => v as number;

/** BDB commissioning (APP_CNF). Formation completes a few milliseconds after the request, as on real firmware. */
export const appCnfResponder: Responder = {
  bdbSetChannel: (req, ctx) => {
    if (n(req.isPrimary)) ctx.bdbChannels.primary = n(req.channel);
    else ctx.bdbChannels.secondary = n(req.channel);
    return { status: 0 };
  },
  bdbStartCommissioning: (req, ctx) => {
    const mode = n(req.mode);
    if (mode & 0x04) {
      // formation: the stack reports COORD_STARTING, then ZB_COORD, then the BDB notification
      ctx.later(5, () => ctx.formNetwork());
    } else if (mode & 0x02 && ctx.networkInfo()) {
      // network steering on a formed network opens joining for 180 s
      ctx.net.permitJoin("all", 180);
      ctx.later(1, () => ctx.emit("APP_CNF", "bdbComissioningNotifcation", { status: 0 }));
    }
    return { status: 0 };
  },
  bdbSetTcRequireKeyExchange: () => ({ status: 0 }),
  bdbAddInstallCode: () => ({ status: 0 }),
  setNwkFrameCounter: () => ({ status: 0 }),
};
