import type { CitizenLanguage } from '@brigade/conversations';

/** The words around a gendarme's answer in a mail, in the citizen's language. */
export interface EmailTexts {
  subject: string;
  from: (name: string) => string;
  continueLabel: string;
  continueHint: (hours: number) => string;
  replyHint: string;
  emergency: string;
  /** Everything under this line in a citizen's reply is our own quoted text: cut when the reply comes back. */
  marker: string;
}

export const EMAIL_TEXTS: Record<CitizenLanguage, EmailTexts> = {
  fr: {
    subject: 'Réponse à votre message – Brigade numérique',
    from: (name) => `Message de ${name} :`,
    continueLabel: 'Continuer la conversation en ligne',
    continueHint: (hours) => `Ce lien personnel est valable ${Math.round(hours / 24)} jours. Ne le transmettez à personne.`,
    replyHint: 'Vous pouvez aussi répondre directement à ce courriel.',
    emergency: 'En cas d’urgence, appelez le 17 ou le 112 (114 par SMS).',
    marker: '--- Écrivez votre réponse au-dessus de cette ligne ---',
  },
  en: {
    subject: 'Answer to your message – Brigade numérique',
    from: (name) => `Message from ${name}:`,
    continueLabel: 'Continue the conversation online',
    continueHint: (hours) => `This personal link is valid for ${Math.round(hours / 24)} days. Do not pass it on.`,
    replyHint: 'You can also answer this e-mail directly.',
    emergency: 'In an emergency, call 17 or 112 (text 114).',
    marker: '--- Write your answer above this line ---',
  },
  de: {
    subject: 'Antwort auf Ihre Nachricht – Brigade numérique',
    from: (name) => `Nachricht von ${name}:`,
    continueLabel: 'Das Gespräch online fortsetzen',
    continueHint: (hours) => `Dieser persönliche Link ist ${Math.round(hours / 24)} Tage gültig. Geben Sie ihn nicht weiter.`,
    replyHint: 'Sie können auch direkt auf diese E-Mail antworten.',
    emergency: 'Im Notfall rufen Sie die 17 oder die 112 an (SMS an die 114).',
    marker: '--- Schreiben Sie Ihre Antwort über dieser Zeile ---',
  },
  it: {
    subject: 'Risposta al suo messaggio – Brigade numérique',
    from: (name) => `Messaggio di ${name}:`,
    continueLabel: 'Continuare la conversazione online',
    continueHint: (hours) => `Questo link personale è valido ${Math.round(hours / 24)} giorni. Non lo inoltri a nessuno.`,
    replyHint: 'Può anche rispondere direttamente a questa e-mail.',
    emergency: 'In caso di emergenza, chiami il 17 o il 112 (SMS al 114).',
    marker: '--- Scriva la sua risposta sopra questa riga ---',
  },
  es: {
    subject: 'Respuesta a su mensaje – Brigade numérique',
    from: (name) => `Mensaje de ${name}:`,
    continueLabel: 'Continuar la conversación en línea',
    continueHint: (hours) => `Este enlace personal es válido durante ${Math.round(hours / 24)} días. No lo comparta.`,
    replyHint: 'También puede responder directamente a este correo.',
    emergency: 'En caso de emergencia, llame al 17 o al 112 (SMS al 114).',
    marker: '--- Escriba su respuesta encima de esta línea ---',
  },
};

export const ALL_MARKERS = Object.values(EMAIL_TEXTS).map((texts) => texts.marker);
