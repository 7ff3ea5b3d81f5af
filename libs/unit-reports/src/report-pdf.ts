
/** Everything the PDF shows; citizen text is drawn as plain text, never interpreted. */
export interface ReportDocument {
  reference: string;
  createdAt: Date;
  author: string;
  unit: { name: string; code: string; phone: string; address: string };
  routing: string;
  overrideReason: string | null;
  nature: string;
  urgency: string;
  factsAt: Date | null;
  factsPlace: string;
  commune: string;
  persons: { role: string; name: string; details: string }[];
  summary: string;
  consentToContact: boolean;
  contactMeans: { phone: string | null; email: string | null; preference: string };
  citizen: { name: string; channel: string; language: string };
  messages: { at: Date; author: string; text: string; attachments: string[] }[];
}

const PARIS = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** The standard fonts encode WinAnsi only: characters outside it (emoji, other scripts) become "?". */
function printable(text: string): string {
  return text.replace(/[^\t\n\r\x20-\x7E\u00A0-\u00FF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u2013\u2014\u2018\u2019\u201C\u201D\u2022\u2026\u20AC]/gu, '?');
}

/**
 * Renders a report as an A4 PDF (pdfkit, standard Helvetica: no font files to ship). pdfkit is loaded on first use:
 * the API and the worker boot without it.
 */
export async function renderReportPdf(report: ReportDocument): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: `Signalement ${report.reference}`, Author: 'Brigade numérique', Subject: report.nature },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const heading = (text: string) => doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(text).moveDown(0.2);
    const field = (label: string, value: string) =>
      doc.font('Helvetica-Bold').fontSize(10).text(`${label} : `, { continued: true }).font('Helvetica').text(printable(value || '—'));

    doc.font('Helvetica-Bold').fontSize(16).text('Signalement à l’unité territoriale compétente');
    doc.font('Helvetica').fontSize(10).text(`Référence ${report.reference} — établi le ${PARIS.format(report.createdAt)} par ${printable(report.author)}`);
    doc.text('Document contenant des données personnelles : diffusion restreinte au service destinataire.');

    heading('Destinataire');
    field('Unité', `${report.unit.name} (${report.unit.code})`);
    field('Adresse', report.unit.address);
    field('Téléphone', report.unit.phone);
    field('Orientation', report.routing);
    if (report.overrideReason) field('Motif du choix de l’unité', report.overrideReason);

    heading('Faits');
    field('Nature', report.nature);
    field('Urgence', report.urgency);
    field('Date des faits', report.factsAt ? PARIS.format(report.factsAt) : '');
    field('Commune', report.commune);
    field('Lieu', report.factsPlace);

    heading('Personnes concernées');
    if (report.persons.length === 0) doc.font('Helvetica').fontSize(10).text('Aucune personne renseignée.');
    for (const person of report.persons) {
      doc.font('Helvetica').fontSize(10).text(printable(`• ${person.role} : ${person.name}${person.details ? ` — ${person.details}` : ''}`));
    }

    heading('Résumé');
    doc.font('Helvetica').fontSize(10).text(printable(report.summary));

    heading('Contact de la personne');
    field('Personne', `${report.citizen.name} (canal ${report.citizen.channel}, langue ${report.citizen.language})`);
    field('Accepte d’être recontactée', report.consentToContact ? 'oui' : 'non');
    if (report.consentToContact) {
      field('Téléphone', report.contactMeans.phone ?? '');
      field('E-mail', report.contactMeans.email ?? '');
      field('Modalités', report.contactMeans.preference);
    }

    if (report.messages.length > 0) {
      heading('Extraits de la conversation');
      for (const message of report.messages) {
        doc.font('Helvetica-Bold').fontSize(9).text(`${PARIS.format(message.at)} — ${message.author}`);
        doc.font('Helvetica').fontSize(9).text(printable(message.text || '(sans texte)'));
        for (const attachment of message.attachments) doc.text(printable(`Pièce jointe : ${attachment}`));
        doc.moveDown(0.3);
      }
    }
    doc.end();
  });
}
