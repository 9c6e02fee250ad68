// Builds the Fastify application without listening: the composition root listens, tests use port 0.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installAuthentication } from './auth/authenticate.js';
import type { ApiDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { installFormParser } from './form-body.js';
import type { RouteList } from './route-table.js';
import { registerRoutes } from './route-table.js';
import { appReadRoutes } from './routes/app-read.js';
import { appWriteRoutes } from './routes/app-write.js';
import { identityRoutes } from './routes/identity-routes.js';
import { configRoutes } from './routes/configs.js';
import { datasetInfoRoutes } from './routes/dataset-info.js';
import { datasetRoutes } from './routes/datasets.js';
import { poolRoutes } from './routes/pools.js';
import { profileRoutes } from './routes/profile.js';
import { systemRoutes } from './routes/system.js';
import { taskRoutes } from './routes/tasks.js';
import { taskOutputRoutes } from './routes/task-outputs.js';
import { workflowLogRoutes } from './routes/workflow-logs.js';
import { workflowChangeRoutes } from './routes/workflow-changes.js';
import { errorLogRoute } from './routes/error-logs.js';
import { usageRoutes } from './routes/usage.js';
import { workflowReadRoutes } from './routes/workflow-read.js';
import { MAX_SPEC_BYTES, workflowSubmitRoutes } from './routes/workflow-submit.js';
import { DEFAULT_WEB_ROOT, installWebUi } from './web-ui.js';
import { installHttpMetrics } from './metrics/http-metrics.js';
import { createServiceMetrics } from './metrics/service-metrics.js';
import { operationRoutes } from './routes/operations.js';
import { MCP_PATH, mcpRoutes } from './mcp/mcp-routes.js';
import { installMcpChallenge } from './mcp/mcp-challenge.js';
import { oauthUrls } from './auth/oauth-urls.js';
import { openStorage } from '../storage/index.js';
import { createActionPath } from './actions/index.js';

export function buildApp(deps: ApiDeps, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 2 * MAX_SPEC_BYTES,
    rewriteUrl: (req) => collapseLeadingSlashes(req.url ?? '/'),
  }) as unknown as FastifyInstance;
  const routes: RouteList = [];
  const actions = createActionPath(deps);
  const metrics = createServiceMetrics(deps, deps.storageTransfers ?? null, actions.bytes);
  installHttpMetrics(app, metrics.registry);
  routes.push(
    ...systemRoutes(() => routes),
    ...operationRoutes(deps, metrics, openStorage(deps.ctx.storage)),
    ...identityRoutes(deps),
    ...workflowSubmitRoutes(deps),
    ...workflowReadRoutes(deps),
    ...workflowLogRoutes(deps),
    ...workflowChangeRoutes(deps, app),
    errorLogRoute(deps),
    ...usageRoutes(deps),
    ...taskRoutes(deps),
    ...taskOutputRoutes(deps, openStorage(deps.ctx.storage)),
    ...poolRoutes(deps),
    ...profileRoutes(deps),
    ...configRoutes(deps),
    ...appReadRoutes(deps),
    ...appWriteRoutes(deps),
    ...datasetRoutes(deps),
    ...datasetInfoRoutes(deps),
    ...mcpRoutes(deps, app),
    ...actions.routes,
  );
  // The CLI sends Content-Type: application/json on every request, GETs included, with no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '' || body === undefined) return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  installFormParser(app);
  installErrorHandler(app);
  installMcpChallenge(app, MCP_PATH, () => oauthUrls(deps.baseUrl, MCP_PATH).resourceMetadata);
  actions.installWebProxy(app);
  installAuthentication(app, { key: deps.key, store: deps.store, now: () => deps.ctx.now() });
  registerRoutes(app, routes);
  actions.install(app);
  installWebUi(app, { root: deps.webRoot ?? DEFAULT_WEB_ROOT });
  return app;
}

/** Upstream's own CLI asks for `//api/pool`; a run of leading slashes before `api` means `/api`. */
export function collapseLeadingSlashes(url: string): string {
  return url.replace(/^\/{2,}(?=api(?:[/?#]|$))/, '/');
}
