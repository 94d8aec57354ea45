import { defineConfig } from 'vite';

// The build lands straight in the backend's classpath, where ApiServer serves it at "/".
// `npm run dev` proxies the API to a backend started with `./peregrine backend --port 8080`.
export default defineConfig({
  base: '/',
  build: {
    outDir: '../../../target/classes/dev/peregrine/backend/ui',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': process.env.PEREGRINE_BACKEND ?? 'http://127.0.0.1:8080' },
  },
});
