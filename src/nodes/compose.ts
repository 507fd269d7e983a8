import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import type { NodeDeclaration } from "../cluster/topology.js";
import { UserError } from "../errors.js";
import type { Health } from "./generic.js";

/** A service's keys Brownout maps onto a generic node. */
const MAPPED = ["image", "build", "environment", "command", "entrypoint", "healthcheck", "depends_on", "cap_add", "ports", "expose", "volumes", "tmpfs", "profiles"] as const;
/**
 * Keys Brownout's own rules replace, so they are read and set aside: it names containers, puts every node on the
 * run's one network under its service name, publishes ports on loopback only, labels for its reaper, and
 * decides when a node stops or restarts.
 */
const REPLACED = ["container_name", "hostname", "networks", "restart", "labels", "logging", "deploy", "stop_grace_period", "stop_signal", "init", "platform", "pull_policy"] as const;
const TOP = ["version", "name", "services", "volumes", "networks"] as const;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** Splits a command line as compose does for a string `command`: on blanks, quotes grouping, no shell. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let word = "";
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (word !== "" || any) out.push(word);
      word = "";
      any = false;
    } else word += ch;
  }
  if (quote) throw new UserError(`unbalanced quote in command '${line}'`);
  if (word !== "" || any) out.push(word);
  return out;
}

/**
 * Compose's interpolation of the environment Brownout runs in, in every string value: `${VAR}`, `${VAR:-default}`
 * (also when empty), `${VAR-default}` (when unset), `$VAR`; `$$` is a literal `$`. An unset variable is empty.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\$|\$\{(\w+)(?:(:?)-([^}]*))?\}|\$(\w+)/g, (all, braced?: string, colon?: string, fallback?: string, bare?: string) => {
      if (all === "$$") return "$";
      const name = braced ?? bare ?? "";
      const v = env[name];
      if (fallback !== undefined && (v === undefined || (colon === ":" && v === ""))) return fallback;
      return v ?? "";
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

/** Compose's `depends_on` conditions Brownout honours, and what each waits for. */
const CONDITIONS = ["service_healthy", "service_started"] as const;

/**
 * A service's `depends_on` as the nodes it starts after. The list form, and `condition: service_healthy`, wait for
 * each dependency's wait (its healthcheck, or its kind's readiness); `condition: service_started` only for its
 * container to run. `required: false` lets a run leave the dependency out (a profile it does not name).
 */
function dependsOnOf(file: string, service: string, raw: unknown): Pick<NodeDeclaration, "after" | "afterStarted" | "optionalAfter"> {
  if (raw === undefined) return {};
  if (Array.isArray(raw) && raw.every((d) => typeof d === "string")) return raw.length > 0 ? { after: raw } : {};
  if (!isObject(raw)) throw new UserError(`${file}: service '${service}': depends_on must be a list of services or a mapping of service to { condition, required }`);
  const after: string[] = [];
  const afterStarted: string[] = [];
  const optionalAfter: string[] = [];
  for (const [dependency, how] of Object.entries(raw)) {
    if (how !== null && !isObject(how)) throw new UserError(`${file}: service '${service}': depends_on.${dependency} must be { condition, required }`);
    const extra = Object.keys(how ?? {}).filter((k) => !["condition", "required", "restart"].includes(k));
    if (extra.length > 0) throw new UserError(`${file}: service '${service}': depends_on.${dependency}: unsupported key ${extra.map((k) => `'${k}'`).join(", ")}; Brownout reads: condition, required, restart`);
    const condition = how?.condition ?? "service_started";
    if (!(CONDITIONS as readonly unknown[]).includes(condition)) throw new UserError(`${file}: service '${service}': depends_on.${dependency}: condition ${JSON.stringify(condition)} is not one Brownout runs; conditions: ${CONDITIONS.join(", ")}`);
    (condition === "service_healthy" ? after : afterStarted).push(dependency);
    if (how?.required === false) optionalAfter.push(dependency);
  }
  return { ...(after.length > 0 ? { after } : {}), ...(afterStarted.length > 0 ? { afterStarted } : {}), ...(optionalAfter.length > 0 ? { optionalAfter } : {}) };
}

/** A service's compose `profiles`: it starts only where one of them is asked for (a scenario's composeProfiles). */
function profilesOf(file: string, service: string, raw: unknown): { profiles?: string[] } {
  if (raw === undefined) return {};
  if (!Array.isArray(raw) || !raw.every((p) => typeof p === "string" && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(p))) throw new UserError(`${file}: service '${service}': profiles must be a list of names`);
  return raw.length > 0 ? { profiles: raw as string[] } : {};
}

const shellQuote = (s: string) => (/^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function healthOf(service: string, raw: unknown): Health | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new UserError(`compose service '${service}': healthcheck must be a mapping`);
  if (raw.disable === true) return undefined;
  const test = raw.test;
  if (typeof test === "string") return { command: test };
  if (Array.isArray(test) && test.every((t) => typeof t === "string")) {
    const [form, ...rest] = test;
    if (form === "NONE") return undefined;
    if (form === "CMD-SHELL" && rest.length === 1 && rest[0]) return { command: rest[0] };
    if (form === "CMD" && rest.length > 0) return { command: rest.map(shellQuote).join(" ") };
  }
  throw new UserError(`compose service '${service}': healthcheck.test must be a string, ["CMD", ...], ["CMD-SHELL", "line"] or ["NONE"], not ${JSON.stringify(test)}`);
}

function environmentOf(service: string, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((e) => {
        if (typeof e !== "string") throw new UserError(`compose service '${service}': environment entries are "KEY=value" strings`);
        const i = e.indexOf("=");
        // "KEY" alone takes the value from the environment Brownout runs in, as compose does.
        return i < 0 ? [e, process.env[e] ?? ""] : [e.slice(0, i), e.slice(i + 1)];
      }),
    );
  }
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v as string | number | boolean)]));
  throw new UserError(`compose service '${service}': environment must be a list or a mapping`);
}

/** The container port of a compose `ports` entry: "80", "8080:80", "127.0.0.1:8080:80/tcp", { target: 80 }. */
function containerPort(service: string, p: unknown): number {
  const n = isObject(p) ? Number(p.target) : Number(String(p).split("/")[0]?.split(":").at(-1));
  if (!Number.isInteger(n) || n <= 0 || n >= 65536) throw new UserError(`compose service '${service}': cannot read a container port from ${JSON.stringify(p)}`);
  return n;
}

function commandOf(service: string, key: string, raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return splitCommand(raw);
  if (Array.isArray(raw) && raw.every((x) => typeof x === "string")) return raw;
  throw new UserError(`compose service '${service}': ${key} must be a string or a list of strings`);
}

/**
 * A team's docker-compose.yml as declared nodes of the generic kind, under Brownout's rules: each service is a
 * node named after it (image or build, environment, command, entrypoint, healthcheck, depends_on, cap_add, ports
 * and expose, bind volumes, tmpfs, profiles: a service with profiles runs only in a scenario that names one). Keys Brownout's rules replace (container_name, networks, restart, labels,
 * ...) are set aside; any other key is an error naming what is mapped and what is set aside. Named volumes are
 * the container's own: they last as long as the run's container (a restart keeps them, as compose's do). A
 * service with `x-brownout: { kind, settings }` is run by that kind (one of the team's): its compose keys as the
 * generic node's settings, with the kind's own settings on top.
 */
export function nodesFromCompose(file: string): NodeDeclaration[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"), { merge: true });
  } catch (e) {
    throw new UserError(`cannot read compose file ${file}: ${e instanceof Error ? e.message.split("\n")[0] ?? "" : String(e)}`);
  }
  doc = interpolate(doc);
  if (!isObject(doc) || !isObject(doc.services)) throw new UserError(`${file}: a compose file needs a 'services' mapping`);
  const top = Object.keys(doc).filter((k) => !(TOP as readonly string[]).includes(k) && !k.startsWith("x-"));
  if (top.length > 0) throw new UserError(`${file}: unsupported top-level key ${top.map((k) => `'${k}'`).join(", ")}; Brownout reads: ${TOP.join(", ")} (and x- extensions)`);
  const dir = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  return Object.entries(doc.services).map(([name, svc]): NodeDeclaration => {
    if (!isObject(svc)) throw new UserError(`${file}: service '${name}' must be a mapping`);
    const unknown = Object.keys(svc).filter((k) => !(MAPPED as readonly string[]).includes(k) && !(REPLACED as readonly string[]).includes(k) && !k.startsWith("x-"));
    if (unknown.length > 0) {
      throw new UserError(`${file}: service '${name}': unsupported key ${unknown.map((k) => `'${k}'`).join(", ")}; mapped: ${MAPPED.join(", ")}; set aside by Brownout's rules: ${REPLACED.join(", ")}`);
    }
    const build = svc.build === undefined ? undefined : typeof svc.build === "string" ? { context: abs(svc.build) } : isObject(svc.build) && typeof svc.build.context === "string" ? { context: abs(svc.build.context), ...(svc.build.args ? { args: environmentOf(name, svc.build.args) } : {}) } : undefined;
    if (svc.build !== undefined && !build) throw new UserError(`${file}: service '${name}': build must be a path or { context, args }`);
    if (isObject(svc.build) && svc.build.dockerfile !== undefined && svc.build.dockerfile !== "Dockerfile") throw new UserError(`${file}: service '${name}': build.dockerfile must be the context's Dockerfile`);
    const ports = [...((svc.ports as unknown[] | undefined) ?? []), ...((svc.expose as unknown[] | undefined) ?? [])].map((p) => containerPort(name, p));
    const volumes = ((svc.volumes as unknown[] | undefined) ?? []).flatMap((v) => {
      const [source, target, mode] = typeof v === "string" ? v.split(":") : isObject(v) ? [String(v.source), String(v.target), v.read_only === true ? "ro" : "rw"] : [];
      if (!source || !target) throw new UserError(`${file}: service '${name}': cannot read volume ${JSON.stringify(v)}`);
      // A bind mount (a path) is mounted; a named volume is the container's own storage (see above).
      const bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
      return bind ? [{ source: abs(source), target, ...(mode === "ro" ? { readOnly: true } : {}) }] : [];
    });
    const tmpfs = svc.tmpfs === undefined ? {} : Object.fromEntries((typeof svc.tmpfs === "string" ? [svc.tmpfs] : (svc.tmpfs as string[])).map((t) => [t.split(":")[0] ?? t, t.split(":").slice(1).join(":")]));
    const dependsOn = dependsOnOf(file, name, svc.depends_on);
    const health = healthOf(name, svc.healthcheck);
    const command = commandOf(name, "command", svc.command);
    const entrypoint = commandOf(name, "entrypoint", svc.entrypoint);
    const settings = {
        ...(build ? { build } : typeof svc.image === "string" ? { image: svc.image } : {}),
        ...(ports.length > 0 ? { ports: [...new Set(ports)] } : {}),
        // Only what the service says: a kind not built on the generic node takes no compose key it was not given.
        ...(svc.environment !== undefined ? { environment: environmentOf(name, svc.environment) } : {}),
        ...(command ? { command } : {}),
        ...(entrypoint ? { entrypoint } : {}),
        ...(health ? { health } : {}),
        ...(svc.cap_add ? { capAdd: svc.cap_add } : {}),
        ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
        ...(volumes.length > 0 ? { volumes } : {}),
    };
    const after = { ...dependsOn, ...profilesOf(file, name, svc.profiles) };
    // A service run by a kind of the team's own (`x-brownout: { kind, settings }`): the kind gets what the
    // service's compose keys say and its own settings on top (a kind built with kindOnGeneric splits them).
    const own = svc["x-brownout"];
    if (own === undefined) return { name, kind: "generic", ...after, settings };
    if (!isObject(own) || typeof own.kind !== "string") throw new UserError(`${file}: service '${name}': x-brownout must be { kind, settings? }`);
    if (own.settings !== undefined && !isObject(own.settings)) throw new UserError(`${file}: service '${name}': x-brownout.settings must be a mapping`);
    return { name, kind: own.kind, ...after, settings: { ...settings, ...(own.settings ?? {}) } };
  });
}
