import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web UI (SPEC §12): static assets only, served by the local runtime at / and from S3 through
// CloudFront in AWS. No inline script or style is emitted, so the strict CSP holds.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0, // a data: URL would need a laxer CSP
    modulePreload: { polyfill: false }, // the polyfill is an inline-free script, but not needed by Chromium or any evergreen browser
    reportCompressedSize: false, // bin/build-ui.ts prints the gzip budget itself
  },
});
