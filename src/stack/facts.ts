import { type NodeAddress, addressOf, nodeOf } from "../cluster/address.js";
import { type PostgresFacts, type PostgresPair, postgresFacts, postgresProblems } from "../kinds/postgres/pair.js";

export interface SteadyStateFacts {
  readonly postgres?: PostgresFacts;
}

/** The parts of a topology the facts come from. */
export interface FactParts {
  readonly postgres?: PostgresPair | undefined;
}

/** Steady-state facts once, with what is off. */
export async function gatherFacts(parts: FactParts): Promise<{ facts: SteadyStateFacts; problems: string[] }> {
  const pg = parts.postgres ? await postgresFacts(parts.postgres).catch((e: unknown) => e as Error) : undefined;
  const problems: string[] = [];
  const facts: { -readonly [K in keyof SteadyStateFacts]: SteadyStateFacts[K] } = {};
  if (pg instanceof Error) problems.push(`postgres: ${pg.message}`);
  else if (pg) {
    facts.postgres = pg;
    problems.push(...postgresProblems(pg));
  }
  return { facts, problems };
}

/** A topology's nodes as plain data, so its facts can be gathered in a worker thread. */
export interface FactsSnapshot {
  readonly postgres?: { readonly primary: NodeAddress; readonly replica: NodeAddress; readonly db2?: NodeAddress };
}

export function snapshotOf(parts: FactParts): FactsSnapshot {
  return {
    ...(parts.postgres
      ? { postgres: { primary: addressOf(parts.postgres.primary), replica: addressOf(parts.postgres.replica), ...(parts.postgres.db2 ? { db2: addressOf(parts.postgres.db2) } : {}) } }
      : {}),
  };
}

export function partsFromSnapshot(s: FactsSnapshot): FactParts {
  return {
    ...(s.postgres ? { postgres: { primary: nodeOf(s.postgres.primary), replica: nodeOf(s.postgres.replica), ...(s.postgres.db2 ? { db2: nodeOf(s.postgres.db2) } : {}) } } : {}),
  };
}
