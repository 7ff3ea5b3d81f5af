// What the triage assistant says to citizens, in the five languages the desk answers in (French first).
import type { CitizenLanguage } from '@brigade/conversations';
import { TALK_TO_A_GENDARME, TALK_TO_A_GENDARME_EN } from './knowledge-base';

export type Translated = Readonly<Record<CitizenLanguage, string>>;

export const EMERGENCY_MESSAGE: Translated = {
  fr:
    'Si vous ou quelqu’un êtes en danger maintenant, appelez le 17 ou le 112. Personnes sourdes ou malentendantes : ' +
    'SMS au 114. Un gendarme prend votre conversation en priorité ; restez en ligne si vous le pouvez.',
  en:
    'If you or someone else is in danger now, call 17 or 112. Deaf or hard-of-hearing people: text 114. ' +
    'A gendarme is taking your conversation first; stay online if you can.',
  de:
    'Wenn Sie oder eine andere Person jetzt in Gefahr sind, rufen Sie die 17 oder die 112 an. Gehörlose und ' +
    'schwerhörige Menschen: SMS an die 114. Ein Gendarm übernimmt Ihr Gespräch vorrangig; bleiben Sie wenn möglich online.',
  it:
    'Se lei o un’altra persona siete in pericolo adesso, chiami il 17 o il 112. Persone sorde o con problemi di udito: ' +
    'SMS al 114. Un gendarme prende in carico la sua conversazione con priorità; resti in linea se può.',
  es:
    'Si usted u otra persona está en peligro ahora, llame al 17 o al 112. Personas sordas o con problemas de audición: ' +
    'SMS al 114. Un gendarme atiende su conversación con prioridad; permanezca en línea si puede.',
};

export const SURGE_MESSAGE: Translated = {
  fr:
    'Nous recevons actuellement beaucoup de demandes : l’attente peut être plus longue que d’habitude. Votre message ' +
    'est bien enregistré et un gendarme vous répondra. Les réponses aux questions les plus fréquentes suivent.',
  en:
    'We are receiving many requests right now: the wait may be longer than usual. Your message is recorded and a ' +
    'gendarme will answer. Answers to the most frequent questions follow.',
  de:
    'Wir erhalten gerade sehr viele Anfragen: Die Wartezeit kann länger sein als üblich. Ihre Nachricht ist ' +
    'gespeichert und ein Gendarm wird Ihnen antworten. Es folgen Antworten auf die häufigsten Fragen.',
  it:
    'Stiamo ricevendo molte richieste: l’attesa può essere più lunga del solito. Il suo messaggio è registrato e un ' +
    'gendarme le risponderà. Seguono le risposte alle domande più frequenti.',
  es:
    'Estamos recibiendo muchas solicitudes: la espera puede ser más larga de lo habitual. Su mensaje está registrado ' +
    'y un gendarme le responderá. A continuación, las respuestas a las preguntas más frecuentes.',
};

/**
 * Surge mode: instead of waiting, the citizen may leave a message (the contact form answered within the day); {url}
 * is the form's address in the citizen's language. Also sent once to the citizens already waiting when surge mode is
 * applied.
 */
export const LEAVE_A_MESSAGE_OFFER: Translated = {
  fr: 'Vous préférez ne pas attendre ? Laissez-nous un message avec vos coordonnées : un gendarme vous répondra dans la journée. {url}',
  en: 'Would you rather not wait? Leave us a message with your contact details: a gendarme will answer you within the day. {url}',
  de: 'Sie möchten nicht warten? Hinterlassen Sie uns eine Nachricht mit Ihren Kontaktdaten: Ein Gendarm antwortet Ihnen im Laufe des Tages. {url}',
  it: 'Preferisce non attendere? Ci lasci un messaggio con i suoi recapiti: un gendarme le risponderà in giornata. {url}',
  es: '¿Prefiere no esperar? Déjenos un mensaje con sus datos de contacto: un gendarme le responderá en el día. {url}',
};

/** The offer with the form's address, which carries the citizen's language. */
export function leaveAMessageOffer(language: CitizenLanguage, url: string): string {
  const separator = url.includes('?') ? '&' : '?';
  return LEAVE_A_MESSAGE_OFFER[language].replace('{url}', `${url}${separator}lang=${language}`);
}

/** After an automatic answer: the citizen keeps their place for a gendarme. */
export const TALK_TO_A_GENDARME_TEXTS: Translated = {
  fr: TALK_TO_A_GENDARME,
  en: TALK_TO_A_GENDARME_EN,
  de: 'Um mit einem Gendarm zu sprechen, antworten Sie „gendarme“: Ihre Nachricht erreicht ihn in jedem Fall.',
  it: 'Per parlare con un gendarme, risponda «gendarme»: il suo messaggio gli arriva comunque.',
  es: 'Para hablar con un gendarme, responda «gendarme»: su mensaje le llega de todos modos.',
};

/** The citizen asked for a human rather than a topic. */
export const NOTED_MESSAGE: Translated = {
  fr: 'C’est noté : un gendarme va vous répondre.',
  en: 'Noted: a gendarme will answer you.',
  de: 'Verstanden: Ein Gendarm wird Ihnen antworten.',
  it: 'Preso nota: un gendarme le risponderà.',
  es: 'Entendido: un gendarme le responderá.',
};

/** The chosen topic, confirmed; {topic} is its label in the citizen's language. */
export const TOPIC_CONFIRMED: Translated = {
  fr: 'Merci. Votre demande « {topic} » est transmise : un gendarme va vous répondre.',
  en: 'Thank you. Your request "{topic}" is passed on: a gendarme will answer you.',
  de: 'Danke. Ihre Anfrage „{topic}“ wurde weitergeleitet: Ein Gendarm wird Ihnen antworten.',
  it: 'Grazie. La sua richiesta «{topic}» è stata inoltrata: un gendarme le risponderà.',
  es: 'Gracias. Su solicitud «{topic}» ha sido transmitida: un gendarme le responderá.',
};

/** The numbered topic menu: its heading and the emergency choice (always 0). */
export const TOPIC_MENU: Readonly<Record<CitizenLanguage, { heading: string; emergency: string }>> = {
  fr: { heading: 'Pour mieux vous orienter, répondez par un chiffre :', emergency: 'C’est une urgence' },
  en: { heading: 'To direct you, reply with a number:', emergency: 'It is an emergency' },
  de: { heading: 'Damit wir Sie richtig weiterleiten, antworten Sie mit einer Zahl:', emergency: 'Es ist ein Notfall' },
  it: { heading: 'Per indirizzarla meglio, risponda con un numero:', emergency: 'È un’emergenza' },
  es: { heading: 'Para orientarle mejor, responda con un número:', emergency: 'Es una emergencia' },
};
