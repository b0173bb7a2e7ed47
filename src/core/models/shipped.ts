// The models shipped with the project: each in public/models/<id>/ (model.json, weights.bin and a
// card), served by the page as models/<id>/ and read by the CLI from the repository. Adding one
// is a line here and its folder.

export interface ShippedModel {
  id: string;
  label: string;
  /** The preset it was built from (restorer-config.ts). */
  preset: string;
  /** The command that trains it, for the "not shipped yet" message. */
  trainedBy: string;
}

export const SHIPPED_MODELS: readonly ShippedModel[] = [
  { id: 'teacher', label: 'Teacher (shipped)', preset: 'teacher', trainedBy: 'weatherkd train-teacher' },
  { id: 'autoencoder', label: 'Clean autoencoder (shipped)', preset: 'autoencoder', trainedBy: 'weatherkd train-autoencoder' },
];

export const shippedModel = (id: string): ShippedModel | undefined => SHIPPED_MODELS.find((m) => m.id === id);

/** Its folder, relative to the site's base (page) or to public/ (repository). */
export const shippedModelPath = (id: string): string => `models/${id}/`;
