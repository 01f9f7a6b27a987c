/**
 * Counts the Redis round trips this process makes, per connection name
 * (CLIENT SETNAME: `rsg-gateway-cache`, `rsg-<subgraph>-cache`), by wrapping
 * node-redis's way out: a command sent on its own is one round trip, and so is
 * a pipeline or a MULTI block, however many commands it holds. Commands that
 * several callers issue in the same tick share a socket write but still count
 * one each: each is waited for on its own.
 */
import { createClient } from 'redis';

export interface Trips {
  /** Requests the caller waited for: single commands, pipelines and MULTI blocks. */
  roundTrips: number;
  /** Redis commands those carried (a pipeline of three SETs is three). */
  commands: number;
}

export interface TripCounter {
  /** Counts since the last reset, by connection name (`unnamed` for a connection without one). */
  byName(): Map<string, Trips>;
  reset(): void;
  /** Puts node-redis back as it was. */
  stop(): void;
}

type Send = (this: { options?: { name?: string } }, ...args: unknown[]) => unknown;

/** The prototype that holds node-redis's sendCommand, _executePipeline and _executeMulti. */
function clientPrototype(): Record<string, Send> {
  let proto: object | null = Object.getPrototypeOf(createClient());
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'sendCommand')) proto = Object.getPrototypeOf(proto);
  if (!proto) throw new Error('node-redis client has no sendCommand: its internals changed');
  return proto as Record<string, Send>;
}

/** Starts counting; every client of this process, existing or new, is counted until `stop`. */
export function countRedisTrips(): TripCounter {
  const proto = clientPrototype();
  const counts = new Map<string, Trips>();
  const note = (name: string | undefined, commands: number): void => {
    const key = name ?? 'unnamed';
    const t = counts.get(key) ?? { roundTrips: 0, commands: 0 };
    t.roundTrips += 1;
    t.commands += commands;
    counts.set(key, t);
  };
  const originals = new Map<string, Send>();
  const wrap = (method: string, size: (args: unknown[]) => number): void => {
    const original = proto[method];
    if (typeof original !== 'function') throw new Error(`node-redis client has no ${method}: its internals changed`);
    originals.set(method, original);
    proto[method] = function (this: { options?: { name?: string } }, ...args: unknown[]) {
      note(this.options?.name, size(args));
      return original.apply(this, args);
    };
  };
  wrap('sendCommand', () => 1);
  wrap('_executePipeline', (args) => (Array.isArray(args[0]) ? args[0].length : 1));
  // MULTI and EXEC around the block's commands.
  wrap('_executeMulti', (args) => (Array.isArray(args[0]) ? args[0].length + 2 : 1));
  return {
    byName: () => new Map([...counts].map(([k, v]) => [k, { ...v }])),
    reset: () => counts.clear(),
    stop() {
      for (const [method, original] of originals) proto[method] = original;
    },
  };
}
