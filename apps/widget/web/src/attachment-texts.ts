/**
 * The widget's texts about files (attach button, previews, refusals) in the five languages. The refusal reasons are
 * the server's (AttachmentRefusalReason): the citizen reads why a file was refused in their own language.
 */
import type { Language } from './i18n';

export type FileRefusal = 'too-large' | 'too-many' | 'empty' | 'unsupported-type' | 'image-too-large' | 'damaged' | 'failed';

export interface AttachmentTexts {
  /** The button's name for screen readers; `attachShort` is what it shows (a word of that name: WCAG 2.5.3). */
  attach: string;
  attachShort: string;
  /** What may be attached: read by screen readers with the button. */
  attachHint: (maxMegabytes: number, maxFiles: number) => string;
  chosenFiles: string;
  remove: (name: string) => string;
  /** The citizen's own message: the files it carried. */
  sentFiles: string;
  refusals: Record<FileRefusal, string>;
}

const fr: AttachmentTexts = {
  attach: 'Joindre une photo ou un PDF',
  attachShort: 'Joindre',
  attachHint: (mb, n) => `Photos JPEG ou PNG et documents PDF, ${n} fichiers de ${mb} Mo au plus.`,
  chosenFiles: 'Fichiers à envoyer',
  remove: (name) => `Retirer ${name}`,
  sentFiles: 'Fichiers envoyés',
  refusals: {
    'too-large': 'Ce fichier est trop lourd. Envoyez une photo ou un document plus léger.',
    'too-many': 'Trop de fichiers : envoyez-les en plusieurs messages.',
    empty: 'Ce fichier est vide.',
    'unsupported-type': 'Ce type de fichier n’est pas accepté : photos JPEG ou PNG et documents PDF seulement.',
    'image-too-large': 'Cette image est trop grande pour être lue. Envoyez une capture ou une photo plus petite.',
    damaged: 'Ce fichier est incomplet ou endommagé. Réessayez.',
    failed: 'L’envoi du fichier a échoué. Réessayez.',
  },
};

const en: AttachmentTexts = {
  attach: 'Attach a photo or a PDF',
  attachShort: 'Attach',
  attachHint: (mb, n) => `JPEG or PNG photos and PDF documents, up to ${n} files of ${mb} MB each.`,
  chosenFiles: 'Files to send',
  remove: (name) => `Remove ${name}`,
  sentFiles: 'Files sent',
  refusals: {
    'too-large': 'This file is too large. Send a smaller photo or document.',
    'too-many': 'Too many files: send them in several messages.',
    empty: 'This file is empty.',
    'unsupported-type': 'This type of file is not accepted: JPEG or PNG photos and PDF documents only.',
    'image-too-large': 'This image is too large to be read. Send a screenshot or a smaller photo.',
    damaged: 'This file is incomplete or damaged. Please try again.',
    failed: 'The file could not be sent. Please try again.',
  },
};

const de: AttachmentTexts = {
  attach: 'Foto oder PDF anhängen',
  attachShort: 'Anhängen',
  attachHint: (mb, n) => `JPEG- oder PNG-Fotos und PDF-Dokumente, bis zu ${n} Dateien mit je höchstens ${mb} MB.`,
  chosenFiles: 'Zu sendende Dateien',
  remove: (name) => `${name} entfernen`,
  sentFiles: 'Gesendete Dateien',
  refusals: {
    'too-large': 'Diese Datei ist zu groß. Senden Sie ein kleineres Foto oder Dokument.',
    'too-many': 'Zu viele Dateien: Senden Sie sie in mehreren Nachrichten.',
    empty: 'Diese Datei ist leer.',
    'unsupported-type': 'Dieser Dateityp wird nicht angenommen: nur JPEG- oder PNG-Fotos und PDF-Dokumente.',
    'image-too-large': 'Dieses Bild ist zu groß, um gelesen zu werden. Senden Sie einen Screenshot oder ein kleineres Foto.',
    damaged: 'Diese Datei ist unvollständig oder beschädigt. Bitte versuchen Sie es erneut.',
    failed: 'Die Datei konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
  },
};

const it: AttachmentTexts = {
  attach: 'Allega una foto o un PDF',
  attachShort: 'Allega',
  attachHint: (mb, n) => `Foto JPEG o PNG e documenti PDF, al massimo ${n} file da ${mb} MB.`,
  chosenFiles: 'File da inviare',
  remove: (name) => `Rimuovi ${name}`,
  sentFiles: 'File inviati',
  refusals: {
    'too-large': 'Questo file è troppo pesante. Invii una foto o un documento più leggero.',
    'too-many': 'Troppi file: li invii in più messaggi.',
    empty: 'Questo file è vuoto.',
    'unsupported-type': 'Questo tipo di file non è accettato: solo foto JPEG o PNG e documenti PDF.',
    'image-too-large': 'Questa immagine è troppo grande per essere letta. Invii uno screenshot o una foto più piccola.',
    damaged: 'Questo file è incompleto o danneggiato. Riprovi.',
    failed: 'Non è stato possibile inviare il file. Riprovi.',
  },
};

const es: AttachmentTexts = {
  attach: 'Adjuntar una foto o un PDF',
  attachShort: 'Adjuntar',
  attachHint: (mb, n) => `Fotos JPEG o PNG y documentos PDF, hasta ${n} archivos de ${mb} MB como máximo.`,
  chosenFiles: 'Archivos para enviar',
  remove: (name) => `Quitar ${name}`,
  sentFiles: 'Archivos enviados',
  refusals: {
    'too-large': 'Este archivo es demasiado pesado. Envíe una foto o un documento más ligero.',
    'too-many': 'Demasiados archivos: envíelos en varios mensajes.',
    empty: 'Este archivo está vacío.',
    'unsupported-type': 'Este tipo de archivo no se acepta: solo fotos JPEG o PNG y documentos PDF.',
    'image-too-large': 'Esta imagen es demasiado grande para leerla. Envíe una captura o una foto más pequeña.',
    damaged: 'Este archivo está incompleto o dañado. Inténtelo de nuevo.',
    failed: 'No se ha podido enviar el archivo. Inténtelo de nuevo.',
  },
};

export const ATTACHMENT_TEXTS: Record<Language, AttachmentTexts> = { fr, en, de, it, es };

export function isFileRefusal(value: unknown): value is FileRefusal {
  return typeof value === 'string' && value in fr.refusals;
}
