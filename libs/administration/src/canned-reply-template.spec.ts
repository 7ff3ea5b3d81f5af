import { renderCannedReply, unknownVariables } from './canned-reply-template';

describe('canned reply variables', () => {
  it('fills the known variables and leaves a missing one visible', () => {
    expect(
      renderCannedReply('Bonjour {contactName}, je suis {agentName}. Référence {reference}.', {
        agentName: 'Gendarme Martin',
        contactName: null,
        reference: 'BN-2026-0042',
      }),
    ).toBe('Bonjour {contactName}, je suis Gendarme Martin. Référence BN-2026-0042.');
  });

  it('names the placeholders that are not variables', () => {
    expect(unknownVariables('Bonjour {contactName}, {agentname} {x}, {agentName} {}')).toEqual(['{agentname}', '{x}', '{}']);
    expect(unknownVariables('Aucune variable')).toEqual([]);
  });
});
