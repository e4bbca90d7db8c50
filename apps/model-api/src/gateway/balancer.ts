import { createHash } from 'node:crypto';
import type { Endpoint } from './endpoint.js';

export const ROUTING_STRATEGIES = ['least-outstanding', 'session', 'prefix'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** 64-bit score of (key, endpoint) for rendezvous hashing: each key ranks every endpoint the same way everywhere. */
const score = (key: string, endpoint: Endpoint): bigint =>
  createHash('sha1').update(key).update('\u0000').update(endpoint.url).digest().readBigUInt64BE(0);

/** Endpoints ordered by their rendezvous score for the key: removing one moves only its own keys. */
export const rendezvousOrder = (key: string, endpoints: Endpoint[]): Endpoint[] =>
  endpoints
    .map((endpoint) => ({ endpoint, score: score(key, endpoint) }))
    .sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0))
    .map((entry) => entry.endpoint);

/** Power of two choices: two random candidates, the one with fewer requests outstanding. */
export function leastOutstanding(candidates: Endpoint[]): Endpoint | undefined {
  if (candidates.length <= 1) return candidates[0];
  const first = Math.floor(Math.random() * candidates.length);
  let second = Math.floor(Math.random() * (candidates.length - 1));
  if (second >= first) second++;
  const a = candidates[first] as Endpoint;
  const b = candidates[second] as Endpoint;
  return b.outstanding < a.outstanding ? b : a;
}

/** The session's home endpoint while it is available, else the next in its rendezvous order. */
export function sessionAffinity(key: string, candidates: Endpoint[]): Endpoint | undefined {
  return rendezvousOrder(key, candidates)[0];
}

/**
 * Consistent hashing with bounded load: the prefix's preferred endpoint unless it already carries
 * more than `loadFactor` times the average load, in which case the next in order that does not.
 */
export function prefixAffinity(key: string, candidates: Endpoint[], loadFactor: number): Endpoint | undefined {
  if (candidates.length === 0) return undefined;
  const total = candidates.reduce((sum, endpoint) => sum + endpoint.outstanding, 0);
  const bound = Math.ceil((loadFactor * (total + 1)) / candidates.length);
  const ordered = rendezvousOrder(key, candidates);
  return ordered.find((endpoint) => endpoint.outstanding < bound) ?? ordered[0];
}
