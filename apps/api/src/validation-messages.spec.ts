import { ValidationError } from '@nestjs/common';
import { fieldErrors, frenchValidationException } from './validation-messages';

const error = (property: string, constraints: Record<string, string>, children: ValidationError[] = []): ValidationError => ({
  property,
  constraints,
  children,
});

describe('French validation messages', () => {
  it('says in French what is wrong with each field, keeping class-validator’s wording as the detail', () => {
    const fields = fieldErrors([
      error('q', { minLength: 'q must be longer than or equal to 2 characters' }),
      error('capacity', { isInt: 'capacity must be an integer number', max: 'capacity must not be greater than 50' }),
      error('role', { isIn: 'role must be one of the following values: agent, supervisor, admin' }),
      error('isRoot', { whitelistValidation: 'property isRoot should not exist' }),
    ]);
    expect(fields).toEqual([
      { field: 'q', message: 'au moins 2 caractère(s)', detail: 'q must be longer than or equal to 2 characters' },
      { field: 'capacity', message: 'doit être un nombre entier', detail: 'capacity must be an integer number' },
      { field: 'capacity', message: 'doit valoir au plus 50', detail: 'capacity must not be greater than 50' },
      { field: 'role', message: 'valeur non autorisée (valeurs possibles : agent, supervisor, admin)', detail: expect.stringContaining('role must be one of') },
      { field: 'isRoot', message: 'ce champ n’est pas accepté', detail: 'property isRoot should not exist' },
    ]);
  });

  it('names a nested field by its path and falls back to a neutral French sentence for an unknown rule', () => {
    const fields = fieldErrors([error('agents', {}, [error('0', {}, [error('login', { customRule: 'login must be 3-50 letters' })])])]);
    expect(fields).toEqual([{ field: 'agents.0.login', message: 'valeur invalide', detail: 'login must be 3-50 letters' }]);
  });

  it('keeps class-validator’s list for API clients, prefixed with the path of a nested field', () => {
    const exception = frenchValidationException([
      error('slots', {}, [error('0', {}, [error('agentIds', { isUuid: 'each value in agentIds must be a UUID' })])]),
    ]);
    expect((exception.getResponse() as { message: string[] }).message).toEqual(['slots.0.each value in agentIds must be a UUID']);
  });

  it('answers 400 with one French sentence and the fields', () => {
    const exception = frenchValidationException([error('q', { minLength: 'q must be longer than or equal to 2 characters' })]);
    expect(exception.getStatus()).toBe(400);
    expect(exception.getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['q must be longer than or equal to 2 characters'],
      messageFr: 'Champ « q » : au moins 2 caractère(s)',
      fields: [expect.objectContaining({ field: 'q' })],
    });
  });
});
