// Builds the web UI into web/dist, which the service serves at `/`; `npx vite web` proxies /api to a running service.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // React Flow marks its module "use client" for server components, which a browser bundle has no use
      // for; plugin timings only say the machine was busy.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' || log.code === 'PLUGIN_TIMINGS') return;
        handler(level, log);
      },
    },
  },
  server: { proxy: { '/api': process.env.OSMO_URL ?? 'http://127.0.0.1:8000' } },
});
