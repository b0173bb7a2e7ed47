// Facts about model files that code without tfjs needs too (the page's file pickers, the ZIP
// packer): io.ts re-exports them.

/** The weight file's name in a saved model folder. */
export const DEFAULT_WEIGHTS_PATH = 'weights.bin';

/** A model file that cannot be loaded; the message says why, for the user. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}
