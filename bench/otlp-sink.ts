/**
 * Where a traced gateway under test exports its spans: an OTLP/HTTP receiver in
 * the bench's own process that reads each export, counts it and its bytes, and
 * answers success without keeping anything. The gateway then pays everything
 * tracing costs it (spans, batching, encoding, the POSTs), while no collector
 * competes with it for the machine's cores.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSinkCounts {
  /** Export requests received (one per batch of spans). */
  exports: number;
  /** Their bodies' bytes, as sent (protobuf unless the exporter was told otherwise). */
  bytes: number;
}

export interface OtlpSink {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  url: string;
  counts(): OtlpSinkCounts;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const counts: OtlpSinkCounts = { exports: 0, bytes: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      counts.exports += 1;
      counts.bytes += bytes;
      // An empty ExportTraceServiceResponse: nothing rejected. Encoded as the request was.
      if (String(req.headers['content-type']).includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
