import { InvalidInputError } from '@brigade/errors';

/**
 * Why a file was refused: the widget shows its own sentence for each reason in the citizen's language; the French
 * reason of the error is for logs and API clients.
 */
export type AttachmentRefusalReason = 'too-large' | 'too-many' | 'empty' | 'unsupported-type' | 'image-too-large' | 'damaged';

const REASONS: Record<AttachmentRefusalReason, string> = {
  'too-large': 'Ce fichier dépasse la taille autorisée',
  'too-many': 'Trop de fichiers dans un même message',
  empty: 'Ce fichier est vide',
  'unsupported-type': 'Seules les photos (JPEG, PNG) et les documents PDF sont acceptés',
  'image-too-large': "Cette image est trop grande pour être lue",
  damaged: 'Ce fichier est incomplet ou endommagé',
};

export class AttachmentRefusedError extends InvalidInputError {
  constructor(
    readonly refusal: AttachmentRefusalReason,
    readonly fileName?: string,
  ) {
    super(REASONS[refusal], { refusal, ...(fileName ? { fileName } : {}) });
  }
}
