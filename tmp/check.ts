import fixture from '../src/core/metrics/fixtures/skimage-reference.json';
import { buildCase, type SyntheticCase } from '../src/core/metrics/fixtures/synthetic';
import { scoreImages } from '../src/core/metrics/image-metrics';
import { readImage, toBytes } from '../src/cli/image-io';
import { createHash } from 'node:crypto';
const keys = ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const;
const maxDev = { psnr: 0, ssim: 0, psnr_y: 0, ssim_y: 0 };
for (const c of fixture.synthetic) {
  const { reference, restored } = buildCase(c as SyntheticCase);
  const sha = createHash('sha256').update(toBytes(reference)).digest('hex');
  const s = scoreImages(restored, reference);
  console.log(c.name, sha === c.reference_sha256, keys.map((k) => (s[k] - c[k]).toExponential(2)).join(' '));
}
for (const r of fixture.real) {
  const inp = await readImage(`../shared/data/${r.input}`); const tgt = await readImage(`../shared/data/${r.target}`);
  const ok = createHash('sha256').update(toBytes(inp)).digest('hex') === r.input_sha256;
  const s = scoreImages(inp, tgt);
  for (const k of keys) maxDev[k] = Math.max(maxDev[k], Math.abs(s[k] - r[k]));
  console.log(r.input, ok, keys.map((k) => (s[k] - r[k]).toExponential(2)).join(' '));
}
console.log(maxDev);
for (const d of fixture.decode) {
  const img = await readImage(`../shared/data/${d.file}`);
  console.log(d.file, createHash('sha256').update(toBytes(img)).digest('hex') === d.sha256);
}
