// Request validation errors in French, field by field: the screens show them beside the field they concern.
import { BadRequestException, ValidationError } from '@nestjs/common';

export interface FieldError {
  /** The field's path in the request (`agents.0.login` for a nested one). */
  field: string;
  /** French, for the person filling the form. */
  message: string;
  /** class-validator's own wording, for API clients and logs. */
  detail: string;
}

/** The first number of class-validator's English message ("must be longer than or equal to 2 characters" -> 2). */
const numberIn = (text: string) => /(-?\d+(?:\.\d+)?)/.exec(text)?.[1] ?? '';
const listIn = (text: string) => /one of the following values: (.*)$/.exec(text)?.[1] ?? '';

const FRENCH: Record<string, (detail: string) => string> = {
  whitelistValidation: () => 'ce champ n’est pas accepté',
  isDefined: () => 'ce champ est obligatoire',
  isNotEmpty: () => 'ce champ est obligatoire',
  isString: () => 'doit être un texte',
  isInt: () => 'doit être un nombre entier',
  isNumber: () => 'doit être un nombre',
  isBoolean: () => 'doit être vrai ou faux',
  isBooleanString: () => 'doit être vrai ou faux',
  isArray: () => 'doit être une liste',
  isUuid: () => 'identifiant invalide',
  isUUID: () => 'identifiant invalide',
  isEmail: () => 'adresse électronique invalide',
  isUrl: () => 'adresse web invalide',
  isDateString: () => 'date invalide (AAAA-MM-JJ)',
  isISO8601: () => 'date invalide (AAAA-MM-JJ)',
  isDate: () => 'date invalide',
  isIn: (detail) => `valeur non autorisée${listIn(detail) ? ` (valeurs possibles : ${listIn(detail)})` : ''}`,
  isEnum: (detail) => `valeur non autorisée${listIn(detail) ? ` (valeurs possibles : ${listIn(detail)})` : ''}`,
  minLength: (detail) => `au moins ${numberIn(detail)} caractère(s)`,
  maxLength: (detail) => `au plus ${numberIn(detail)} caractère(s)`,
  length: () => 'longueur invalide',
  min: (detail) => `doit valoir au moins ${numberIn(detail)}`,
  max: (detail) => `doit valoir au plus ${numberIn(detail)}`,
  arrayMinSize: (detail) => `au moins ${numberIn(detail)} élément(s)`,
  arrayMaxSize: (detail) => `au plus ${numberIn(detail)} élément(s)`,
  arrayNotEmpty: () => 'au moins un élément',
  matches: () => 'format invalide',
  isHexadecimal: () => 'format invalide',
  isTimeZone: () => 'fuseau horaire inconnu',
  isMilitaryTime: () => 'heure invalide (HH:MM)',
};

/** Flattens nested errors (arrays of objects) into one entry per field and constraint. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, detail] of Object.entries(error.constraints ?? {})) {
      const french = FRENCH[constraint]?.(detail) ?? 'valeur invalide';
      out.push({ field, message: french, detail });
    }
    if (error.children?.length) out.push(...fieldErrors(error.children, field));
  }
  return out;
}

/**
 * The ValidationPipe's error. `message` stays class-validator's list (what API clients already read); `messageFr` is
 * one French sentence naming the fields ("Champ « q » : au moins 2 caractère(s)"), which the screens show; `fields`
 * lists them one by one for the forms.
 */
export function frenchValidationException(errors: ValidationError[]): BadRequestException {
  const fields = fieldErrors(errors);
  const messageFr = fields.map((error) => `Champ « ${error.field} » : ${error.message}`).join(' ; ') || 'Requête invalide';
  const message = fields.map((error) => (error.detail.startsWith(error.field) || !error.field.includes('.') ? error.detail : `${error.field.slice(0, error.field.lastIndexOf('.') + 1)}${error.detail}`));
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, messageFr, fields });
}
