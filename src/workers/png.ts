// PNG encoding off the main thread (OffscreenCanvas), for artifact zips and generated sample photos.
import { toRgba, type RGBImage } from '../core/data/image';

export async function pngBlob(img: RGBImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img), img.width, img.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
