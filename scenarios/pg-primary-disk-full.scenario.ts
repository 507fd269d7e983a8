import {
  bound,
  control,
  defineScenario,
  failsFastAndClearly,
  haproxySeesUp,
  lostWrites,
  noFailures,
  OBSERVE_MS,
  PG_RESTART_DELAY_MS,
  PG_WAL_SEGMENT_MB,
  PG_WAL_VOLUME,
  productInsert,
  productRead,
  productsOnPrimary,
  recoveredInTime,
  recoveryBound,
  type RunContext,
  seedProducts,
  slowest,
  targets,
  withPg,
} from "../src/index.js";
import { failFastBound, haproxyDetection } from "./bounds.js";
import { MUTANTS } from "./mutants.js";

/** pg-primary's WAL volume: a few segments beyond what the cluster starts with. */
const WAL_VOLUME_MB = 4 * PG_WAL_SEGMENT_MB;

/** Where pg_wal lives and how big its volume is, read on the node. */
async function walVolume(ctx: RunContext): Promise<string> {
  const r = await ctx.topology.node("pg-primary").exec(["sh", "-c", `readlink "$PGDATA/pg_wal"; df -m --output=size ${PG_WAL_VOLUME} | tail -1`]);
  return r.output.trim().split(/\s+/).join(" ");
}

/**
 * Writes and switches WAL segment until the primary cannot: wal_keep_size keeps every old segment, so each switch
 * needs a new file, which a full volume cannot hold (ENOSPC in a critical section: PANIC). What an archive_timeout
 * or a bulk load does to a full disk, in a bounded number of rounds. Returns the error that ended it.
 */
async function exhaustWal(ctx: RunContext): Promise<string | null> {
  const rounds = WAL_VOLUME_MB / PG_WAL_SEGMENT_MB + 2;
  for (let i = 0; i < rounds; i++) {
    try {
      await withPg(ctx.topology.node("pg-primary"), (c) => c.query("CREATE TABLE IF NOT EXISTS brownout_wal_fill (n int); INSERT INTO brownout_wal_fill VALUES (1); SELECT pg_switch_wal()"));
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  return null;
}

/**
 * pg-primary's WAL volume fills up (a file takes its last block), and WAL needs a new segment: the primary
 * PANICs and cannot start again while the volume is full. Writes must fail fast with a clear 5xx, reads go on
 * from the replica, and once space is freed the supervised primary starts again by itself: no acknowledged write
 * lost. Origin: seed 004's primary/replica pair and the full disk; a postmaster restarted by its service
 * manager as seed 002's Patroni does.
 */
export default defineScenario({
  name: "pg-primary-disk-full",
  fault: `fill pg-primary's ${String(WAL_VOLUME_MB)} MB WAL volume and let WAL need a new segment; free the space`,
  expected: "writes fail fast with a 5xx naming pg-write; reads served by the replica; once space is freed the primary starts again and takes writes; no acknowledged write lost",
  topology: { slices: ["postgres", "web"], postgres: { walVolumeMb: WAL_VOLUME_MB } },
  mechanisms: ["pg-streaming", "haproxy-checks", "app-settings"],
  mutants: [MUTANTS.pgReadToPrimary, MUTANTS.healthRequiresAllDeps, MUTANTS.dependencyErrorsAs500],
  // Held past HAProxy's view of the dead primary and a write that met it, then watched.
  phases: (spec) => ({ faultMs: haproxyDetection(spec).ms + spec.timings.app.depTimeoutMs + OBSERVE_MS, afterMs: 2000,
    // The supervisor's attempt under way at the heal fails; it starts postgres again after its delay; then HAProxy
    // and the replica see it back.
    recovery: recoveryBound(
      spec,
      ["server start", spec.margins.serverStartMs, "attempts", 2],
      ["supervisor restart delay", PG_RESTART_DELAY_MS],
      slowest({ "HAProxy sees pg-primary up": haproxySeesUp(spec), "the WAL receiver's reconnect": bound(["wal_retrieve_retry_interval", spec.timings.postgres.walRetrieveRetryMs]) }),
    ),
  }),
  timeline: [
    { atMs: 0, action: "fill pg-primary's disk", target: "pg-primary" },
    { atMs: 0, action: "write and switch WAL segments until the primary fails", target: "pg-primary" },
    { atMs: "end", action: "heal: free the space (the supervisor starts postgres again)", target: "pg-primary" },
  ],
  async workload(ctx) {
    const t = targets(ctx.topology);
    const keys = await seedProducts(ctx, t.caddy, 6);
    const prefix = `${ctx.tag}-ins`;
    ctx.observed.walVolume = await walVolume(ctx);
    return {
      probes: [productRead(ctx.http, t.caddy, keys), productInsert(ctx.http, t.caddy, prefix)],
      finalRead: async () => ({ "product-insert": await productsOnPrimary(ctx.topology, prefix) }),
    };
  },
  async inject(ctx, observed) {
    const full = await ctx.topology.fillDisk("pg-primary");
    observed.fullError = await exhaustWal(ctx);
    observed.fullAt = ctx.history.now();
    await ctx.hold(ctx.phases.faultMs);
    observed.noSpaceLogged = /No space left on device/.test(await ctx.topology.logs("pg-primary").catch(() => ""));
    return [full];
  },
  checks(e) {
    const fullAt = Number(e.observed.fullAt);
    const limit = failFastBound(e.spec);
    const writes = e.ops.filter((o) => o.f === "product-insert" && o.start >= fullAt && o.end <= e.at.heal);
    const failed = writes.filter((o) => o.type !== "ok");
    const reads = e.ops.filter((o) => o.f === "product-read" && o.type === "ok" && o.start >= fullAt && o.end <= e.at.heal);
    const fromReplica = reads.filter((o) => o.value?.source === "replica").length;
    return [
      control("pg_wal on a volume of its own", String(e.observed.walVolume).endsWith(` ${String(WAL_VOLUME_MB)}`) && String(e.observed.walVolume).startsWith(PG_WAL_VOLUME), `pg_wal → ${String(e.observed.walVolume)} MB (spec: ${String(WAL_VOLUME_MB)} MB under ${PG_WAL_VOLUME})`),
      control(
        "the volume filled and the primary could not write WAL",
        typeof e.observed.fullError === "string" && e.observed.noSpaceLogged === true && failed.length > 0,
        `the filler took the volume's last block; WAL writes then ended with: ${String(e.observed.fullError)}; pg-primary's log ${e.observed.noSpaceLogged === true ? "says" : "does not say"} "No space left on device"; ${String(failed.length)} of ${String(writes.length)} writes failed while it was full`,
        { failedWrites: failed.length },
      ),
      // A clear failure: the app's 503/504 naming the dependency, not a hang, a 500 or a dropped connection.
      failsFastAndClearly(e.ops, { f: "product-insert", span: { from: fullAt, to: e.at.heal }, limit, naming: "pg-write", name: "writes failed fast with a 503/504 naming pg-write" }),
      noFailures(e.ops, "product-read", { from: fullAt, to: e.at.heal }, "while the primary's disk was full"),
      control("reads were served by the replica", fromReplica > 0, `${String(fromReplica)} of ${String(reads.length)} reads while the disk was full came from the replica`),
      lostWrites(e.ops, { f: "product-insert", present: e.finalRead["product-insert"] ?? null }),
      recoveredInTime(e),
    ];
  },
});
