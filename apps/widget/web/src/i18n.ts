/**
 * The widget's texts in the five languages the desk answers in: plain French by default, the others chosen from the
 * browser's languages or by the citizen. Citizen-facing, so short and concrete.
 */
export const LANGUAGES = ['fr', 'en', 'de', 'it', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, for the language menu. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  fr: 'Français',
  en: 'English',
  de: 'Deutsch',
  it: 'Italiano',
  es: 'Español',
};

const fr = {
  launcher: 'Contacter un gendarme',
  title: 'Contacter un gendarme',
  subtitle: 'Brigade numérique, 24 h/24',
  close: 'Réduire la fenêtre de discussion',
  languageLabel: 'Langue',
  quickExit: 'Quitter et effacer',
  quickExitLabel: 'Quitter et effacer : quitte immédiatement ce site et efface la conversation de cet appareil',
  emergency: 'Urgence ? Appelez le 17 ou le 112. SMS au 114 pour les personnes sourdes ou malentendantes.',
  /** The one line left when the notices are folded. */
  emergencyShort: 'Urgence : 17 ou 112 (SMS 114)',
  noticeToggle: 'En savoir plus',
  noticeTitle: 'Avant de commencer',
  noticeEmergency:
    'Ce service ne traite pas les urgences. En cas de danger, appelez le 17 ou le 112. Si vous êtes sourd ou malentendant, ou si vous ne pouvez pas parler, envoyez un SMS au 114.',
  noticeData:
    'Vos messages sont lus par des gendarmes. Ils sont conservés par la gendarmerie le temps fixé par la loi, puis supprimés. Vous n’avez pas besoin de donner votre nom. Sur cet appareil, le bouton « Quitter et effacer » supprime la conversation.',
  privacyLink: 'En savoir plus sur vos données',
  conversation: 'Conversation',
  you: 'Vous',
  gendarme: 'Gendarme',
  system: 'Gendarmerie',
  messageLabel: 'Votre message',
  messageHint: 'Entrée pour envoyer, Maj + Entrée pour aller à la ligne.',
  send: 'Envoyer',
  counter: (used: number, max: number) => `${used} / ${max} caractères`,
  tooLong: (max: number) => `Votre message est trop long : ${max} caractères au maximum.`,
  empty: 'Écrivez votre message avant de l’envoyer.',
  rateLimited: 'Vous envoyez beaucoup de messages à la suite. Patientez quelques secondes.',
  sendFailed: 'Le message n’a pas pu être envoyé. Vérifiez votre connexion puis réessayez.',
  retry: 'Réessayer',
  sending: 'Envoi en cours',
  accepted: 'Envoyé',
  read: 'Lu',
  failed: 'Non envoyé',
  connecting: 'Connexion en cours…',
  offline: 'Connexion perdue. Nouvelle tentative en cours… Vos messages partiront dès le retour de la connexion.',
  refused: 'Le service de discussion n’est pas disponible sur ce site.',
  ready: 'Écrivez votre message. Un gendarme vous répondra.',
  waiting: 'Votre message est bien arrivé. Un gendarme va vous répondre.',
  queuePosition: (position: number) =>
    position <= 1 ? 'Vous êtes le prochain ou la prochaine.' : `Il y a ${position - 1} personne(s) avant vous.`,
  estimatedWait: (minutes: number) =>
    minutes <= 1 ? 'Attente estimée : moins d’une minute.' : `Attente estimée : environ ${minutes} minutes.`,
  assigned: (name?: string) => (name ? `${name} vous répond.` : 'Un gendarme vous répond.'),
  closed: 'La conversation est terminée.',
  closedByAgent: 'Le gendarme a terminé la conversation.',
  writeAgain: 'Pour reprendre contact, écrivez simplement un nouveau message.',
  closedByAgentHelp:
    'Si vous avez encore besoin d’aide, revenez à la conversation et écrivez un nouveau message : un gendarme vous répondra.',
  typing: 'Un gendarme écrit…',
  newMessageFrom: (name: string) => `Nouveau message de ${name} :`,
  end: 'Terminer la conversation',
  endTitle: 'Fin de la conversation',
  endIntro: 'Merci de nous avoir contactés. Vous pouvez garder une copie de la conversation et nous donner votre avis.',
  ratingLegend: 'Êtes-vous satisfait(e) de cette conversation ? (facultatif)',
  ratingValue: (value: number) =>
    ['', '1 sur 5 : pas du tout satisfait(e)', '2 sur 5', '3 sur 5', '4 sur 5', '5 sur 5 : très satisfait(e)'][value],
  rate: 'Envoyer mon avis',
  rated: 'Merci pour votre avis.',
  rateFailed: 'Votre avis n’a pas pu être envoyé.',
  ratingMissing: 'Choisissez une note de 1 à 5.',
  transcriptDownload: 'Télécharger la conversation',
  transcriptCopy: 'Copier la conversation',
  copied: 'La conversation est copiée.',
  copyFailed: 'La copie a échoué : utilisez le téléchargement.',
  backToChat: 'Revenir à la conversation',
  transcriptTitle: 'Conversation avec la gendarmerie (Brigade numérique)',
  transcriptExported: (when: string) => `Copie faite le ${when}`,
  transcriptFile: 'conversation-gendarmerie',
};

export type Texts = typeof fr;

const en: Texts = {
  launcher: 'Contact a gendarme',
  title: 'Contact a gendarme',
  subtitle: 'Online police desk, 24/7',
  close: 'Minimise the chat window',
  languageLabel: 'Language',
  quickExit: 'Leave and erase',
  quickExitLabel: 'Leave and erase: leaves this site at once and erases the conversation from this device',
  emergency: 'Emergency? Call 17 or 112. Text 114 if you are deaf or hard of hearing.',
  /** The one line left when the notices are folded. */
  emergencyShort: 'Emergency: 17 or 112 (text 114)',
  noticeToggle: 'More information',
  noticeTitle: 'Before you start',
  noticeEmergency:
    'This service does not handle emergencies. If you are in danger, call 17 or 112. If you are deaf or hard of hearing, or cannot speak, send a text message to 114.',
  noticeData:
    'Your messages are read by gendarmes. The gendarmerie keeps them for the time the law sets, then deletes them. You do not need to give your name. On this device, the "Leave and erase" button deletes the conversation.',
  privacyLink: 'More about your data',
  conversation: 'Conversation',
  you: 'You',
  gendarme: 'Gendarme',
  system: 'Gendarmerie',
  messageLabel: 'Your message',
  messageHint: 'Enter to send, Shift + Enter for a new line.',
  send: 'Send',
  counter: (used, max) => `${used} / ${max} characters`,
  tooLong: (max) => `Your message is too long: ${max} characters at most.`,
  empty: 'Write your message before sending it.',
  rateLimited: 'You are sending many messages in a row. Please wait a few seconds.',
  sendFailed: 'The message could not be sent. Check your connection and try again.',
  retry: 'Try again',
  sending: 'Sending',
  accepted: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  connecting: 'Connecting…',
  offline: 'Connection lost. Trying again… Your messages will be sent when the connection is back.',
  refused: 'The chat service is not available on this website.',
  ready: 'Write your message. A gendarme will answer you.',
  waiting: 'Your message has arrived. A gendarme will answer you.',
  queuePosition: (position) =>
    position <= 1 ? 'You are next in line.' : `${position - 1} person(s) ahead of you.`,
  estimatedWait: (minutes) =>
    minutes <= 1 ? 'Estimated wait: less than a minute.' : `Estimated wait: about ${minutes} minutes.`,
  assigned: (name) => (name ? `${name} is answering you.` : 'A gendarme is answering you.'),
  closed: 'The conversation has ended.',
  closedByAgent: 'The gendarme has ended the conversation.',
  writeAgain: 'To get in touch again, just write a new message.',
  closedByAgentHelp: 'If you still need help, go back to the conversation and write a new message: a gendarme will answer you.',
  typing: 'A gendarme is writing…',
  newMessageFrom: (name) => `New message from ${name}:`,
  end: 'End the conversation',
  endTitle: 'End of the conversation',
  endIntro: 'Thank you for contacting us. You can keep a copy of the conversation and tell us what you thought.',
  ratingLegend: 'Are you satisfied with this conversation? (optional)',
  ratingValue: (value) =>
    ['', '1 out of 5: not at all satisfied', '2 out of 5', '3 out of 5', '4 out of 5', '5 out of 5: very satisfied'][value],
  rate: 'Send my rating',
  rated: 'Thank you for your rating.',
  rateFailed: 'Your rating could not be sent.',
  ratingMissing: 'Choose a rating from 1 to 5.',
  transcriptDownload: 'Download the conversation',
  transcriptCopy: 'Copy the conversation',
  copied: 'The conversation has been copied.',
  copyFailed: 'Copying failed: use the download instead.',
  backToChat: 'Back to the conversation',
  transcriptTitle: 'Conversation with the gendarmerie (online police desk)',
  transcriptExported: (when) => `Copy made on ${when}`,
  transcriptFile: 'conversation-gendarmerie',
};

const de: Texts = {
  launcher: 'Einen Gendarm kontaktieren',
  title: 'Einen Gendarm kontaktieren',
  subtitle: 'Digitale Gendarmerie-Wache, rund um die Uhr',
  close: 'Chatfenster verkleinern',
  languageLabel: 'Sprache',
  quickExit: 'Verlassen und löschen',
  quickExitLabel: 'Verlassen und löschen: verlässt diese Seite sofort und löscht das Gespräch von diesem Gerät',
  emergency: 'Notfall? Rufen Sie die 17 oder die 112 an. SMS an die 114 für gehörlose und schwerhörige Menschen.',
  /** The one line left when the notices are folded. */
  emergencyShort: 'Notfall: 17 oder 112 (SMS 114)',
  noticeToggle: 'Mehr erfahren',
  noticeTitle: 'Bevor Sie beginnen',
  noticeEmergency:
    'Dieser Dienst bearbeitet keine Notfälle. Wenn Sie in Gefahr sind, rufen Sie die 17 oder die 112 an. Wenn Sie gehörlos oder schwerhörig sind oder nicht sprechen können, senden Sie eine SMS an die 114.',
  noticeData:
    'Ihre Nachrichten werden von Gendarmen gelesen. Die Gendarmerie bewahrt sie so lange auf, wie es das Gesetz vorsieht, und löscht sie dann. Sie müssen Ihren Namen nicht angeben. Auf diesem Gerät löscht die Schaltfläche „Verlassen und löschen“ das Gespräch.',
  privacyLink: 'Mehr über Ihre Daten',
  conversation: 'Gespräch',
  you: 'Sie',
  gendarme: 'Gendarm',
  system: 'Gendarmerie',
  messageLabel: 'Ihre Nachricht',
  messageHint: 'Eingabetaste zum Senden, Umschalt + Eingabe für eine neue Zeile.',
  send: 'Senden',
  counter: (used, max) => `${used} / ${max} Zeichen`,
  tooLong: (max) => `Ihre Nachricht ist zu lang: höchstens ${max} Zeichen.`,
  empty: 'Schreiben Sie Ihre Nachricht, bevor Sie sie senden.',
  rateLimited: 'Sie senden viele Nachrichten hintereinander. Bitte warten Sie einige Sekunden.',
  sendFailed: 'Die Nachricht konnte nicht gesendet werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  retry: 'Erneut versuchen',
  sending: 'Wird gesendet',
  accepted: 'Gesendet',
  read: 'Gelesen',
  failed: 'Nicht gesendet',
  connecting: 'Verbindung wird hergestellt…',
  offline: 'Verbindung verloren. Neuer Versuch läuft… Ihre Nachrichten werden gesendet, sobald die Verbindung zurück ist.',
  refused: 'Der Chat-Dienst ist auf dieser Website nicht verfügbar.',
  ready: 'Schreiben Sie Ihre Nachricht. Ein Gendarm wird Ihnen antworten.',
  waiting: 'Ihre Nachricht ist angekommen. Ein Gendarm wird Ihnen antworten.',
  queuePosition: (position) =>
    position <= 1 ? 'Sie sind als Nächste(r) an der Reihe.' : `Vor Ihnen: ${position - 1} Person(en).`,
  estimatedWait: (minutes) =>
    minutes <= 1 ? 'Geschätzte Wartezeit: weniger als eine Minute.' : `Geschätzte Wartezeit: etwa ${minutes} Minuten.`,
  assigned: (name) => (name ? `${name} antwortet Ihnen.` : 'Ein Gendarm antwortet Ihnen.'),
  closed: 'Das Gespräch ist beendet.',
  closedByAgent: 'Der Gendarm hat das Gespräch beendet.',
  writeAgain: 'Um erneut Kontakt aufzunehmen, schreiben Sie einfach eine neue Nachricht.',
  closedByAgentHelp:
    'Wenn Sie noch Hilfe brauchen, kehren Sie zum Gespräch zurück und schreiben Sie eine neue Nachricht: Ein Gendarm wird Ihnen antworten.',
  typing: 'Ein Gendarm schreibt…',
  newMessageFrom: (name) => `Neue Nachricht von ${name}:`,
  end: 'Gespräch beenden',
  endTitle: 'Ende des Gesprächs',
  endIntro: 'Danke für Ihre Kontaktaufnahme. Sie können eine Kopie des Gesprächs behalten und uns Ihre Meinung sagen.',
  ratingLegend: 'Sind Sie mit diesem Gespräch zufrieden? (freiwillig)',
  ratingValue: (value) =>
    ['', '1 von 5: überhaupt nicht zufrieden', '2 von 5', '3 von 5', '4 von 5', '5 von 5: sehr zufrieden'][value],
  rate: 'Meine Bewertung senden',
  rated: 'Danke für Ihre Bewertung.',
  rateFailed: 'Ihre Bewertung konnte nicht gesendet werden.',
  ratingMissing: 'Wählen Sie eine Bewertung von 1 bis 5.',
  transcriptDownload: 'Gespräch herunterladen',
  transcriptCopy: 'Gespräch kopieren',
  copied: 'Das Gespräch wurde kopiert.',
  copyFailed: 'Das Kopieren ist fehlgeschlagen: Nutzen Sie den Download.',
  backToChat: 'Zurück zum Gespräch',
  transcriptTitle: 'Gespräch mit der Gendarmerie (digitale Wache)',
  transcriptExported: (when) => `Kopie erstellt am ${when}`,
  transcriptFile: 'gespraech-gendarmerie',
};

const it: Texts = {
  launcher: 'Contattare un gendarme',
  title: 'Contattare un gendarme',
  subtitle: 'Brigata digitale della Gendarmeria, 24 ore su 24',
  close: 'Riduci la finestra della chat',
  languageLabel: 'Lingua',
  quickExit: 'Esci e cancella',
  quickExitLabel: 'Esci e cancella: lascia subito questo sito e cancella la conversazione da questo dispositivo',
  emergency: 'Emergenza? Chiami il 17 o il 112. SMS al 114 per le persone sorde o con problemi di udito.',
  /** The one line left when the notices are folded. */
  emergencyShort: 'Emergenza: 17 o 112 (SMS 114)',
  noticeToggle: 'Maggiori informazioni',
  noticeTitle: 'Prima di iniziare',
  noticeEmergency:
    'Questo servizio non tratta le emergenze. In caso di pericolo, chiami il 17 o il 112. Se è sordo o ha problemi di udito, o se non può parlare, invii un SMS al 114.',
  noticeData:
    'I suoi messaggi sono letti da gendarmi. La Gendarmeria li conserva per il tempo stabilito dalla legge, poi li cancella. Non è necessario dare il suo nome. Su questo dispositivo, il pulsante «Esci e cancella» cancella la conversazione.',
  privacyLink: 'Maggiori informazioni sui suoi dati',
  conversation: 'Conversazione',
  you: 'Lei',
  gendarme: 'Gendarme',
  system: 'Gendarmeria',
  messageLabel: 'Il suo messaggio',
  messageHint: 'Invio per inviare, Maiusc + Invio per andare a capo.',
  send: 'Invia',
  counter: (used, max) => `${used} / ${max} caratteri`,
  tooLong: (max) => `Il suo messaggio è troppo lungo: ${max} caratteri al massimo.`,
  empty: 'Scriva il suo messaggio prima di inviarlo.',
  rateLimited: 'Sta inviando molti messaggi di seguito. Attenda qualche secondo.',
  sendFailed: 'Il messaggio non è stato inviato. Controlli la connessione e riprovi.',
  retry: 'Riprova',
  sending: 'Invio in corso',
  accepted: 'Inviato',
  read: 'Letto',
  failed: 'Non inviato',
  connecting: 'Connessione in corso…',
  offline: 'Connessione persa. Nuovo tentativo in corso… I suoi messaggi partiranno al ritorno della connessione.',
  refused: 'Il servizio di chat non è disponibile su questo sito.',
  ready: 'Scriva il suo messaggio. Un gendarme le risponderà.',
  waiting: 'Il suo messaggio è arrivato. Un gendarme le risponderà.',
  queuePosition: (position) =>
    position <= 1 ? 'È il prossimo o la prossima.' : `Ci sono ${position - 1} persona/e prima di lei.`,
  estimatedWait: (minutes) =>
    minutes <= 1 ? 'Attesa stimata: meno di un minuto.' : `Attesa stimata: circa ${minutes} minuti.`,
  assigned: (name) => (name ? `${name} le risponde.` : 'Un gendarme le risponde.'),
  closed: 'La conversazione è terminata.',
  closedByAgent: 'Il gendarme ha terminato la conversazione.',
  writeAgain: 'Per riprendere contatto, scriva semplicemente un nuovo messaggio.',
  closedByAgentHelp:
    'Se ha ancora bisogno di aiuto, torni alla conversazione e scriva un nuovo messaggio: un gendarme le risponderà.',
  typing: 'Un gendarme sta scrivendo…',
  newMessageFrom: (name) => `Nuovo messaggio da ${name}:`,
  end: 'Termina la conversazione',
  endTitle: 'Fine della conversazione',
  endIntro: 'Grazie per averci contattato. Può conservare una copia della conversazione e darci il suo parere.',
  ratingLegend: 'È soddisfatto/a di questa conversazione? (facoltativo)',
  ratingValue: (value) =>
    ['', '1 su 5: per niente soddisfatto/a', '2 su 5', '3 su 5', '4 su 5', '5 su 5: molto soddisfatto/a'][value],
  rate: 'Invia il mio parere',
  rated: 'Grazie per il suo parere.',
  rateFailed: 'Il suo parere non è stato inviato.',
  ratingMissing: 'Scelga un voto da 1 a 5.',
  transcriptDownload: 'Scarica la conversazione',
  transcriptCopy: 'Copia la conversazione',
  copied: 'La conversazione è stata copiata.',
  copyFailed: 'La copia non è riuscita: usi il download.',
  backToChat: 'Torna alla conversazione',
  transcriptTitle: 'Conversazione con la Gendarmeria (brigata digitale)',
  transcriptExported: (when) => `Copia fatta il ${when}`,
  transcriptFile: 'conversazione-gendarmeria',
};

const es: Texts = {
  launcher: 'Contactar con un gendarme',
  title: 'Contactar con un gendarme',
  subtitle: 'Brigada digital de la Gendarmería, 24 h',
  close: 'Reducir la ventana de chat',
  languageLabel: 'Idioma',
  quickExit: 'Salir y borrar',
  quickExitLabel: 'Salir y borrar: sale de inmediato de este sitio y borra la conversación de este dispositivo',
  emergency: '¿Emergencia? Llame al 17 o al 112. SMS al 114 para personas sordas o con problemas de audición.',
  /** The one line left when the notices are folded. */
  emergencyShort: 'Emergencia: 17 o 112 (SMS 114)',
  noticeToggle: 'Más información',
  noticeTitle: 'Antes de empezar',
  noticeEmergency:
    'Este servicio no atiende emergencias. Si está en peligro, llame al 17 o al 112. Si es sordo o tiene problemas de audición, o no puede hablar, envíe un SMS al 114.',
  noticeData:
    'Sus mensajes los leen gendarmes. La Gendarmería los conserva el tiempo que fija la ley y después los borra. No necesita dar su nombre. En este dispositivo, el botón «Salir y borrar» borra la conversación.',
  privacyLink: 'Más información sobre sus datos',
  conversation: 'Conversación',
  you: 'Usted',
  gendarme: 'Gendarme',
  system: 'Gendarmería',
  messageLabel: 'Su mensaje',
  messageHint: 'Intro para enviar, Mayús + Intro para una nueva línea.',
  send: 'Enviar',
  counter: (used, max) => `${used} / ${max} caracteres`,
  tooLong: (max) => `Su mensaje es demasiado largo: ${max} caracteres como máximo.`,
  empty: 'Escriba su mensaje antes de enviarlo.',
  rateLimited: 'Está enviando muchos mensajes seguidos. Espere unos segundos.',
  sendFailed: 'No se ha podido enviar el mensaje. Compruebe su conexión y vuelva a intentarlo.',
  retry: 'Reintentar',
  sending: 'Enviando',
  accepted: 'Enviado',
  read: 'Leído',
  failed: 'No enviado',
  connecting: 'Conectando…',
  offline: 'Conexión perdida. Nuevo intento en curso… Sus mensajes se enviarán cuando vuelva la conexión.',
  refused: 'El servicio de chat no está disponible en este sitio.',
  ready: 'Escriba su mensaje. Un gendarme le responderá.',
  waiting: 'Su mensaje ha llegado. Un gendarme le responderá.',
  queuePosition: (position) =>
    position <= 1 ? 'Es usted el siguiente o la siguiente.' : `Hay ${position - 1} persona(s) delante de usted.`,
  estimatedWait: (minutes) =>
    minutes <= 1 ? 'Espera estimada: menos de un minuto.' : `Espera estimada: unos ${minutes} minutos.`,
  assigned: (name) => (name ? `${name} le responde.` : 'Un gendarme le responde.'),
  closed: 'La conversación ha terminado.',
  closedByAgent: 'El gendarme ha terminado la conversación.',
  writeAgain: 'Para volver a contactar, simplemente escriba un nuevo mensaje.',
  closedByAgentHelp:
    'Si todavía necesita ayuda, vuelva a la conversación y escriba un nuevo mensaje: un gendarme le responderá.',
  typing: 'Un gendarme está escribiendo…',
  newMessageFrom: (name) => `Nuevo mensaje de ${name}:`,
  end: 'Terminar la conversación',
  endTitle: 'Fin de la conversación',
  endIntro: 'Gracias por contactarnos. Puede guardar una copia de la conversación y darnos su opinión.',
  ratingLegend: '¿Está satisfecho/a con esta conversación? (opcional)',
  ratingValue: (value) =>
    ['', '1 de 5: nada satisfecho/a', '2 de 5', '3 de 5', '4 de 5', '5 de 5: muy satisfecho/a'][value],
  rate: 'Enviar mi opinión',
  rated: 'Gracias por su opinión.',
  rateFailed: 'No se ha podido enviar su opinión.',
  ratingMissing: 'Elija una nota del 1 al 5.',
  transcriptDownload: 'Descargar la conversación',
  transcriptCopy: 'Copiar la conversación',
  copied: 'La conversación se ha copiado.',
  copyFailed: 'No se ha podido copiar: utilice la descarga.',
  backToChat: 'Volver a la conversación',
  transcriptTitle: 'Conversación con la Gendarmería (brigada digital)',
  transcriptExported: (when) => `Copia hecha el ${when}`,
  transcriptFile: 'conversacion-gendarmeria',
};

export const TEXTS: Record<Language, Texts> = { fr, en, de, it, es };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The first of the browser's languages that the widget speaks ("de-AT" reads German), else French. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return 'fr';
}

/** The locale dates and times are written in for a language. */
export const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB', de: 'de-DE', it: 'it-IT', es: 'es-ES' };
