/**
 * `npm run sandbox`: the three sandbox systems of record alone, over one seeded
 * dataset (SANDBOX_SEED, SANDBOX_CUSTOMERS, SANDBOX_AS_OF). Ports: SANDBOX_SALESFORCE_PORT
 * (4101), SANDBOX_NETSUITE_PORT (4102), SANDBOX_ZENDESK_PORT (4103), each moved with the rest of
 * the layout by PORT_BASE (base + 101 … 103, as the product's lib/config.ts layoutPort counts);
 * host SANDBOX_HOST (127.0.0.1).
 */
import { pathToFileURL } from 'node:url';
import { datasetOptionsFromEnv, generateDataset } from './dataset/generate.js';
import { createSalesforceSandbox } from './salesforce/index.js';
import { createNetSuiteSandbox } from './netsuite/index.js';
import { createZendeskSandbox } from './zendesk/index.js';

export interface RunningSandbox {
  urls: { salesforce: string; netsuite: string; zendesk: string };
  close(): Promise<void>;
}

/** `name` when set, else the default-layout port `fallback` moved by PORT_BASE (4000 unless set). */
function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    const base = env.PORT_BASE === undefined || env.PORT_BASE === '' ? 4000 : Number(env.PORT_BASE);
    if (!Number.isInteger(base) || base < 1 || base + fallback - 4000 > 65535) throw new Error(`PORT_BASE must be a port number such as 5000, got '${env.PORT_BASE}'`);
    return base + fallback - 4000;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got '${raw}'`);
  return n;
}

/** A Zendesk plan's requests per minute: 200 (Team) to 2,500 (High Volume add-on). */
function planLimit(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of requests per minute, got '${raw}'`);
  return n;
}

export async function startSandbox(env: NodeJS.ProcessEnv = process.env): Promise<RunningSandbox> {
  const started = Date.now();
  const options = datasetOptionsFromEnv(env);
  const dataset = generateDataset(options);
  const host = env.SANDBOX_HOST ?? '127.0.0.1';
  // Behind a container network, the instance_url it advertises must be the name other containers reach it by.
  const salesforcePublicUrl = env.SANDBOX_SALESFORCE_PUBLIC_URL;
  const salesforce = await createSalesforceSandbox({ dataset, ...(salesforcePublicUrl ? { publicUrl: salesforcePublicUrl } : {}) });
  const netsuite = await createNetSuiteSandbox({ dataset });
  const zendesk = await createZendeskSandbox({ dataset, rateLimitPerMinute: planLimit(env, 'SANDBOX_ZENDESK_RATE_PER_MINUTE', 700) });
  const urls = {
    salesforce: await salesforce.listen(port(env, 'SANDBOX_SALESFORCE_PORT', 4101), host),
    netsuite: await netsuite.listen(port(env, 'SANDBOX_NETSUITE_PORT', 4102), host),
    zendesk: await zendesk.listen(port(env, 'SANDBOX_ZENDESK_PORT', 4103), host),
  };
  console.log(
    `sandbox ready in ${Date.now() - started} ms: ${options.customers} customers, seed ${options.seed}, as of ${options.asOf.toISOString().slice(0, 10)}`,
  );
  return {
    urls,
    async close() {
      await Promise.allSettled([salesforce.close(), netsuite.close(), zendesk.close()]);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startSandbox()
    .then((s) => {
      console.log(`  Salesforce  ${s.urls.salesforce}\n  NetSuite    ${s.urls.netsuite}/services/rest\n  Zendesk     ${s.urls.zendesk}/api/v2`);
      const stop = (): void => {
        void s.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
