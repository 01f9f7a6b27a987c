/**
 * The operator's command for webhook deliveries (docs/events.md#operating-webhooks):
 * list a consumer's dead letters, and replay them or a range of time. It works on
 * the same store as the running subgraphs (Redis with REDIS_URL, the files under
 * FEEDS_DIR otherwise), beside them, with the same environment:
 *
 *   npm run webhooks -- dead-letters [--consumer <name>] [--subgraph <name>]
 *   npm run webhooks -- replay --consumer <name> --dead-letters [--position <p> ...] [--subgraph <name>]
 *   npm run webhooks -- replay --consumer <name> --from <ISO time> [--to <ISO time>] [--subgraph <name>]
 *
 * A replay appends the events again at the tail of the consumer's queue, with
 * their own ids (so the same webhook-id); the running deliverer sends them.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, type RedisClientType } from 'redis';
import { loadFeedsDir } from '../lib/boot.js';
import { ConfigError, loadCommonConfig } from '../lib/config.js';
import { loadWebhooksConfig, webhookQueue } from '../lib/events/webhooks/index.js';
import { SUBGRAPHS } from '../lib/manifest.js';

const USAGE = `usage:
  webhooks dead-letters [--consumer <name>] [--subgraph <name>]
  webhooks replay --consumer <name> --dead-letters [--position <p> ...] [--subgraph <name>]
  webhooks replay --consumer <name> --from <ISO time> [--to <ISO time>] [--subgraph <name>]`;

export async function main(argv: readonly string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<void> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      consumer: { type: 'string' },
      subgraph: { type: 'string' },
      'dead-letters': { type: 'boolean', default: false },
      position: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command !== 'dead-letters' && command !== 'replay') throw new ConfigError(USAGE);
  const config = loadWebhooksConfig(env);
  if (!config) throw new ConfigError('EVENTS_WEBHOOKS_FILE is unset: no webhook consumers are configured');
  const consumers = config.consumers.filter((c) => !values.consumer || c.name === values.consumer);
  if (consumers.length === 0) throw new ConfigError(`no consumer named '${values.consumer}'; configured: ${config.consumers.map((c) => c.name).join(', ') || 'none'}`);
  const subgraphs = SUBGRAPHS.map((s) => s.name).filter((s) => !values.subgraph || s === values.subgraph);
  if (subgraphs.length === 0) throw new ConfigError(`no subgraph named '${values.subgraph}'; expected one of ${SUBGRAPHS.map((s) => s.name).join(', ')}`);
  const time = (name: 'from' | 'to', raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw new ConfigError(`--${name}: expected an ISO time such as 2026-12-07T03:00:00Z, got '${raw}'`);
    return ms;
  };
  let range: { from: number; to: number } | undefined;
  if (command === 'replay') {
    if (!values.consumer) throw new ConfigError('replay needs --consumer: say whose deliveries to send again');
    if (values['dead-letters'] === (values.from !== undefined)) throw new ConfigError('replay needs either --dead-letters or --from (and optionally --to)');
    if (values.from !== undefined) range = { from: time('from', values.from, 0), to: time('to', values.to, Date.now()) };
    if (range && range.from > range.to) throw new ConfigError('--from is after --to');
  }

  const common = loadCommonConfig(env);
  let redis: RedisClientType | undefined;
  if (common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  try {
    const dir = loadFeedsDir(env);
    for (const subgraph of subgraphs) {
      for (const consumer of consumers) {
        const queue = webhookQueue(config, consumer.name, { name: subgraph, namespace: common.namespace, dir, ...(redis ? { redis } : {}) });
        if (command === 'dead-letters') {
          for (const d of await queue.deadLetters())
            out(
              JSON.stringify({
                subgraph,
                consumer: consumer.name,
                position: d.position,
                eventId: d.event.id,
                type: d.event.type,
                subject: d.event.subject,
                attempts: d.attempts,
                lastError: d.lastError,
                deadAt: new Date(d.deadAt).toISOString(),
              }),
            );
        } else {
          const n = range ? await queue.replayRange(range.from, range.to) : await queue.replayDeadLetters(values.position);
          out(JSON.stringify({ subgraph, consumer: consumer.name, replayed: n }));
        }
      }
    }
  } finally {
    await redis?.quit();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
