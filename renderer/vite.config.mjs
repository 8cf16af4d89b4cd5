// The renderer's Vite build (used by `voxwatch serve`, `npm start` and the e2e tests, which pass this file and
// `root: renderer/`). Relative asset paths so the same dist loads over http:// and from file:// in Electron; no
// modulepreload polyfill, which would otherwise be an inline script the CSP forbids.
export default {
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
};
