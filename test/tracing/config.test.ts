/**
 * When a process traces, from the standard OTEL_* variables (off unless they
 * ask, so the SDK never exports to localhost:4318 by default), and the route
 * templates that stand in span names for URLs with ids in them.
 */
import { describe, expect, it } from 'vitest';
import { routeTemplate, startTracing, tracingConfig, tracingOn } from '../../lib/tracing.js';

describe('tracingConfig', () => {
  it('is off with no OTEL_* variable, and startTracing then starts nothing', async () => {
    expect(tracingConfig({}, 'gateway')).toMatchObject({ phase: 'off' });
    expect(await startTracing({ serviceName: 'gateway', env: {} })).toBeUndefined();
    expect(tracingOn()).toBe(false);
  });

  it('is on with an OTLP endpoint or a named exporter, under the process default name unless OTEL_SERVICE_NAME is set', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'gateway')).toEqual({ phase: 'on', serviceName: 'gateway', exporters: ['otlp'] });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'subgraph-order')).toMatchObject({ phase: 'on', serviceName: 'subgraph-order' });
    expect(tracingConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'edge-gw' }, 'gateway')).toEqual({ phase: 'on', serviceName: 'edge-gw', exporters: ['console'] });
  });

  it('is off when told so, whatever else is set', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, 'gateway')).toMatchObject({ phase: 'off' });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, 'gateway')).toMatchObject({ phase: 'off' });
  });
});

describe('routeTemplate', () => {
  it.each([
    ['https://x.my.salesforce.com/services/data/v60.0/query?q=SELECT+Id+FROM+Account', '/services/data/{version}/query'],
    ['/services/data/v60.0/query/01gxx0000000001-2000', '/services/data/{version}/query/{id}'],
    ['/services/data/v60.0/sobjects/Account/001xx000003DGb2AAG', '/services/data/{version}/sobjects/Account/{id}'],
    ['https://acct.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=1000&offset=0', '/services/rest/query/v1/suiteql'],
    ['https://acct.suitetalk.api.netsuite.com/services/rest/record/v1/customer/eid:C-000042', '/services/rest/record/v1/customer/{id}'],
    ['https://x.zendesk.com/api/v2/tickets/123/comments.json', '/api/v2/tickets/{id}/comments.json'],
    ['https://x.zendesk.com/api/v2/tickets/4567.json', '/api/v2/tickets/{id}.json'],
    ['https://x.zendesk.com/api/v2/organizations/show_many.json?external_ids=C-000001', '/api/v2/organizations/show_many.json'],
  ])('%s is %s', (url, template) => {
    expect(routeTemplate(url)).toBe(template);
  });
});
