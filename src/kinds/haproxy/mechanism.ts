import { readContainerFile } from "../../nodes/read.js";
import type { HaproxyNode } from "./runtime.js";

export interface HaproxyServerView {
  readonly backend: string;
  readonly server: string;
  readonly rise: number | null;
  readonly fall: number | null;
  /** HAProxy's last check result (L4OK, L7OK, L7STS, ...); empty when the server has no check. */
  readonly checkStatus: string;
}

export interface HaproxyView {
  readonly servers: readonly HaproxyServerView[];
  /** The config file the running HAProxy was started from, read out of its container. */
  readonly config: string;
}

/** `show stat` CSV → each server's rise, fall and last check result. */
export function haproxyServerViews(csv: string): HaproxyServerView[] {
  const [header, ...rows] = csv.trim().split("\n");
  const cols = (header ?? "").replace(/^# /, "").split(",");
  const at = (name: string) => cols.indexOf(name);
  const num = (v: string | undefined) => (v === undefined || v === "" ? null : Number(v));
  return rows
    .map((line) => line.split(","))
    .filter((f) => f[at("svname")] !== "FRONTEND" && f[at("svname")] !== "BACKEND")
    .map((f) => ({
      backend: f[at("pxname")] ?? "",
      server: f[at("svname")] ?? "",
      rise: num(f[at("check_rise")]),
      fall: num(f[at("check_fall")]),
      checkStatus: f[at("check_status")] ?? "",
    }));
}


/** Each server's check parameters and last result, and the config file the running HAProxy was started from. */
export async function readHaproxyView(haproxy: HaproxyNode): Promise<HaproxyView> {
  const [csv, config] = await Promise.all([haproxy.runtime("show stat"), readContainerFile(haproxy.container, "/usr/local/etc/haproxy/haproxy.cfg")]);
  return { servers: haproxyServerViews(csv), config };
}
