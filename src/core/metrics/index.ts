// Image quality metrics, docs/metrics.md. Plain-array versions (float64, any image size) for
// evaluation and the CLI; tensor versions (per image of a batch, float32) for training curves.
export * from './common';
export { mse, psnr, rgbToY, scoreImages, ssim } from './image-metrics';
export { mseTensor, psnrTensor, rgbToYTensor, scoreTensors, ssimTensor } from './tensor-metrics';
