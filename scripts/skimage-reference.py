#!/usr/bin/env python3
"""Reference PSNR/SSIM values from scikit-image for src/core/metrics (docs/metrics.md).

Run offline, by hand, whenever the cases below change; the tests only read the JSON it writes:

    apt-get install -y python3-skimage      # Debian's scikit-image, numpy, scipy and Pillow
    /usr/bin/python3 scripts/skimage-reference.py [--data ../shared/data] [--out FILE]

It records, with scikit-image's own functions:
  (i)   synthetic pairs built by integer formulas that src/core/metrics/fixtures/synthetic.ts
        reproduces exactly (keep the two in step), so those tests run on every clone;
  (ii)  the paired real sets in ../shared/data (restored = input, reference = target), per image;
  (iii) the SHA-256 of the RGB bytes Pillow decodes from each JPEG and BMP there, so the TypeScript
        reader can be checked against Pillow (no image is ever copied into the project).
Images are read as uint8 / 255 in float64. Y is BT.601 as BasicSR: (16 + 65.481 R + 128.553 G +
24.966 B) / 255, computed here in numpy.
"""

import argparse
import hashlib
import json
import os
import re

import numpy as np
import PIL
import scipy
import skimage
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAIRED_SETS = [('rain12', None), ('rain100l-10', None), ('sots-outdoor-2', None), ('raindrop-4', None),
               ('rain100h', 10)]

SYNTHETIC_CASES = [
    dict(name='gradient-noise-64x48', width=64, height=48,
         reference=dict(kind='gradient', seed=0), restored=dict(op='noise', amplitude=20, seed=7)),
    dict(name='rings-blur-37x29', width=37, height=29,
         reference=dict(kind='rings', seed=3), restored=dict(op='blur')),
    dict(name='noise-vs-noise-40x40', width=40, height=40,
         reference=dict(kind='noise', seed=42), restored=dict(op='pattern', pattern=dict(kind='noise', seed=43))),
    dict(name='gradient-offset-11x11', width=11, height=11,
         reference=dict(kind='gradient', seed=5), restored=dict(op='offset', delta=30)),
    dict(name='rings-light-noise-96x64', width=96, height=64,
         reference=dict(kind='rings', seed=0), restored=dict(op='noise', amplitude=4, seed=1)),
    dict(name='noise-blur-50x23', width=50, height=23,
         reference=dict(kind='noise', seed=9), restored=dict(op='blur')),
    dict(name='constant-16x16', width=16, height=16,
         reference=dict(kind='constant', value=[100, 150, 200]),
         restored=dict(op='pattern', pattern=dict(kind='constant', value=[120, 140, 255]))),
    dict(name='gradient-darker-33x12', width=33, height=12,
         reference=dict(kind='gradient', seed=77), restored=dict(op='offset', delta=-60)),
]


def lcg_bytes(seed):
    s = seed % 2**32
    while True:
        s = (1664525 * s + 1013904223) % 2**32
        yield s >> 24


def make_pattern(spec, w, h):
    out = np.zeros((h, w, 3), dtype=np.int64)
    kind = spec['kind']
    gen = lcg_bytes(spec['seed']) if kind == 'noise' else None
    cx, cy = w // 3, h // 2
    for y in range(h):
        for x in range(w):
            for c in range(3):
                if kind == 'gradient':
                    v = (3 * x + 5 * y + 40 * c + spec['seed']) % 256
                elif kind == 'rings':
                    v = (((x - cx) ** 2 + (y - cy) ** 2) * (c + 1) // 4 + spec['seed']) % 256
                elif kind == 'noise':
                    v = next(gen)
                else:
                    v = spec['value'][c]
                out[y, x, c] = v
    return out.astype(np.uint8)


def apply_edit(ref, spec, w, h):
    op = spec['op']
    r = ref.astype(np.int64)
    if op == 'noise':
        gen = lcg_bytes(spec['seed'])
        a = spec['amplitude']
        flat = r.reshape(-1).copy()
        for i in range(flat.size):
            flat[i] = min(255, max(0, flat[i] + next(gen) % (2 * a + 1) - a))
        return flat.reshape(r.shape).astype(np.uint8)
    if op == 'offset':
        return np.clip(r + spec['delta'], 0, 255).astype(np.uint8)
    if op == 'pattern':
        return make_pattern(spec['pattern'], w, h)
    if op == 'blur':
        out = np.zeros_like(r)
        for y in range(h):
            for x in range(w):
                for c in range(3):
                    s = 0
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            s += r[min(h - 1, max(0, y + dy)), min(w - 1, max(0, x + dx)), c]
                    out[y, x, c] = (s + 4) // 9
        return out.astype(np.uint8)
    raise ValueError(op)


def luma(img):
    """BT.601 Y in [16/255, 235/255] from float64 RGB in [0, 1] (BasicSR rgb2ycbcr, y_only)."""
    return (16.0 + 65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255.0


def scores(restored_u8, reference_u8):
    x = restored_u8.astype(np.float64) / 255.0
    y = reference_u8.astype(np.float64) / 255.0
    ssim_args = dict(data_range=1, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
    xy, yy = luma(x), luma(y)
    return dict(
        psnr=float(peak_signal_noise_ratio(y, x, data_range=1)),
        ssim=float(structural_similarity(x, y, channel_axis=2, **ssim_args)),
        psnr_y=float(peak_signal_noise_ratio(yy, xy, data_range=1)),
        ssim_y=float(structural_similarity(xy, yy, **ssim_args)),
    )


def read_rgb(path):
    # Pillow applies no colour management and no EXIF rotation: the raw decoded samples.
    with Image.open(path) as im:
        return np.asarray(im.convert('RGB'), dtype=np.uint8)


def sha256(arr):
    return hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()


def stem_key(name):
    stem = os.path.splitext(name)[0]
    return (0, int(stem), stem) if re.fullmatch(r'\d+', stem) else (1, 0, stem)


def real_pairs(data):
    out = []
    for set_name, limit in PAIRED_SETS:
        in_dir, tgt_dir = os.path.join(data, set_name, 'input'), os.path.join(data, set_name, 'target')
        targets = {os.path.splitext(f)[0]: f for f in os.listdir(tgt_dir)}
        inputs = sorted(os.listdir(in_dir), key=stem_key)
        for f in inputs[:limit]:
            stem = os.path.splitext(f)[0]
            inp = read_rgb(os.path.join(in_dir, f))
            tgt = read_rgb(os.path.join(tgt_dir, targets[stem]))
            entry = dict(set=set_name, stem=stem, input=f'{set_name}/input/{f}',
                         target=f'{set_name}/target/{targets[stem]}',
                         width=int(inp.shape[1]), height=int(inp.shape[0]),
                         input_sha256=sha256(inp), target_sha256=sha256(tgt))
            entry.update(scores(inp, tgt))
            out.append(entry)
            print(f"{entry['input']}: {entry['psnr']:.4f} dB {entry['ssim']:.5f} | Y {entry['psnr_y']:.4f} dB {entry['ssim_y']:.5f}")
    return out


def decode_checks(data):
    out = []
    for root, _, files in sorted(os.walk(data)):
        for f in sorted(files):
            if os.path.splitext(f)[1].lower() in ('.jpg', '.jpeg', '.bmp'):
                arr = read_rgb(os.path.join(root, f))
                out.append(dict(file=os.path.relpath(os.path.join(root, f), data), width=int(arr.shape[1]),
                                height=int(arr.shape[0]), sha256=sha256(arr)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default=os.path.join(REPO, '..', 'shared', 'data'))
    ap.add_argument('--out', default=os.path.join(REPO, 'src', 'core', 'metrics', 'fixtures', 'skimage-reference.json'))
    args = ap.parse_args()

    synthetic = []
    for case in SYNTHETIC_CASES:
        ref = make_pattern(case['reference'], case['width'], case['height'])
        restored = apply_edit(ref, case['restored'], case['width'], case['height'])
        synthetic.append(dict(case, reference_sha256=sha256(ref), restored_sha256=sha256(restored),
                              **scores(restored, ref)))

    fixture = dict(
        generator='scripts/skimage-reference.py',
        versions=dict(skimage=skimage.__version__, numpy=np.__version__, scipy=scipy.__version__,
                      pillow=PIL.__version__),
        ssim_call='structural_similarity(x, y, data_range=1, gaussian_weights=True, sigma=1.5, '
                  'use_sample_covariance=False[, channel_axis=2])',
        synthetic=synthetic,
        real=real_pairs(args.data) if os.path.isdir(args.data) else [],
        decode=decode_checks(args.data) if os.path.isdir(args.data) else [],
    )
    with open(args.out, 'w') as fh:
        json.dump(fixture, fh, indent=1, allow_nan=False)
        fh.write('\n')
    print(f'wrote {args.out}: {len(synthetic)} synthetic, {len(fixture["real"])} real pairs, '
          f'{len(fixture["decode"])} decode checks')


if __name__ == '__main__':
    main()
