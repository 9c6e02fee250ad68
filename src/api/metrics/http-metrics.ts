// Request latency by route: one histogram observed when each response is sent.
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Labels use the route's pattern (`/api/workflow/:name`), never the raw URL, so the number of series
 * stays that of the routes; requests that matched none share `route="unmatched"`.
 */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const latency = new Histogram({
    name: 'osmo_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
