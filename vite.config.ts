import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation gives SharedArrayBuffer, which the threaded WASM backend needs.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // The dev server's dependency scan starts from index.html and does not follow `new Worker(new URL(...))`;
  // without the workers as entries it finds tfjs only when a worker first loads it, and then reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/workers/*.worker.ts'] },
  build: {
    target: 'es2022',
    // The default minifier breaks tfjs's threaded WASM worker ("e is not defined"); terser
    // without typeof folding keeps it intact.
    minify: 'terser',
    terserOptions: { compress: { typeofs: false } },
    chunkSizeWarningLimit: 4096,
  },
});
