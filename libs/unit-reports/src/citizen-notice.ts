/** What the citizen is told when a report leaves for a unit, in the conversation's language (French otherwise). */
const NOTICES: Record<string, { withConsent: string; withoutConsent: string }> = {
  fr: {
    withConsent: 'Votre signalement a été transmis à l’unité « {unit} », qui prendra contact avec vous. Téléphone de l’unité : {phone}.',
    withoutConsent: 'Votre signalement a été transmis à l’unité « {unit} ». Vous pouvez la joindre au {phone}.',
  },
  en: {
    withConsent: 'Your report has been passed to the local gendarmerie unit "{unit}", which will contact you. Unit phone: {phone}.',
    withoutConsent: 'Your report has been passed to the local gendarmerie unit "{unit}". You can reach it on {phone}.',
  },
  de: {
    withConsent: 'Ihre Meldung wurde an die Gendarmerie-Einheit „{unit}“ weitergeleitet, die sich mit Ihnen in Verbindung setzen wird. Telefon der Einheit: {phone}.',
    withoutConsent: 'Ihre Meldung wurde an die Gendarmerie-Einheit „{unit}“ weitergeleitet. Sie erreichen sie unter {phone}.',
  },
  it: {
    withConsent: 'La sua segnalazione è stata trasmessa all’unità della gendarmeria «{unit}», che la contatterà. Telefono dell’unità: {phone}.',
    withoutConsent: 'La sua segnalazione è stata trasmessa all’unità della gendarmeria «{unit}». Può contattarla al {phone}.',
  },
  es: {
    withConsent: 'Su denuncia se ha transmitido a la unidad de la gendarmería «{unit}», que se pondrá en contacto con usted. Teléfono de la unidad: {phone}.',
    withoutConsent: 'Su denuncia se ha transmitido a la unidad de la gendarmería «{unit}». Puede contactarla en el {phone}.',
  },
};

export function citizenReportNotice(language: string, unit: { name: string; phone: string }, consentToContact: boolean): string {
  const texts = NOTICES[language] ?? NOTICES.fr;
  const template = consentToContact ? texts.withConsent : texts.withoutConsent;
  const phone = unit.phone || '17';
  return template.replace('{unit}', unit.name).replace('{phone}', phone);
}
