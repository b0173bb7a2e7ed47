import { scoreImages, ssim } from '../src/core/metrics/image-metrics';
const w = 4000, h = 3000; const a = { width: w, height: h, data: new Float32Array(w*h*3) }; const b = { width: w, height: h, data: new Float32Array(w*h*3) };
for (let i = 0; i < a.data.length; i++) { a.data[i] = Math.random(); b.data[i] = Math.min(1, a.data[i] + 0.1*Math.random()); }
for (let r = 0; r < 2; r++) { let t = performance.now(); ssim(a, b); console.log('ssim rgb ms', performance.now() - t);
t = performance.now(); console.log(scoreImages(a, b)); console.log('score ms', performance.now() - t); }
