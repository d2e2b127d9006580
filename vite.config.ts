import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const require = createRequire(import.meta.url);
// @embedpdf/fonts-tc hides its subpaths behind "exports": go through the entry file (see STACK-NOTES).
const TC_FONT = path.join(path.dirname(require.resolve('@embedpdf/fonts-tc')), '..', 'fonts', 'NotoSansHant-Regular.otf');
const FONT_URL = '/fonts/NotoSansHant-Regular.otf';

/**
 * Debian's Chromium has no CJK font by default, so the pages ship Noto Sans TC (OFL-1.1) as a web
 * font. The stylesheet asks for a local Noto CJK first; the file is fetched only where none is installed.
 */
function tcFont(): Plugin {
  return {
    name: 'ccheck-tc-font',
    configureServer(server) {
      server.middlewares.use(FONT_URL, (_req, res) => {
        res.setHeader('content-type', 'font/otf');
        res.end(readFileSync(TC_FONT));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: FONT_URL.slice(1), source: readFileSync(TC_FONT) });
    },
  };
}

// The pages live in web/ and build into dist/web, which `ccheck serve` serves beside the API.
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react(), tcFont()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8417' } },
});
