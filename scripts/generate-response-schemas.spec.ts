import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { generate } from './generate-response-schemas';

/** A controller and the views it answers, as the API's controllers and libs write them (decorators by name only). */
const SOURCE = `
const decorator = (..._args: unknown[]) => (..._target: unknown[]) => undefined;
const Controller = decorator, Get = decorator, Post = decorator, HttpCode = decorator, FileAnswer = decorator;

type Language = 'fr' | 'en' | 'de';
export interface MessageView { id: string; text: string | null; sentAt: Date; kind: 'citizen' | 'agent'; read?: boolean }
export interface ConversationView {
  id: string;
  messages: MessageView[];
  last: MessageView | null;
  labels: Partial<Record<Language, string>>;
  counts: Record<string, number>;
  details: Record<string, unknown>;
  format(): string;
}
class Entity { id = 'x'; private secret = 'y'; get label() { return 'z'; } }

@Controller('api')
export class SampleController {
  @Get('conversation')
  async conversation(): Promise<ConversationView> { return undefined as never; }
  @Get('entity')
  entity() { return new Entity(); }
  @Post('inline')
  @HttpCode(200)
  inline() { return { done: true as const, total: 3, tags: ['a'] }; }
  @Post('nothing')
  @HttpCode(204)
  async nothing(): Promise<void> {}
  @Get('file')
  @FileAnswer('text/csv', 'A file')
  file(): string { return ''; }
  @Get('untyped')
  untyped(): unknown { return null; }
  @Get('forgotten')
  async forgotten(): Promise<void> {}
}
`;

describe("response schemas generated from the controllers' return types", () => {
  let folder: string;
  let result: ReturnType<typeof generate>;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'brigade-answers-'));
    const file = join(folder, 'apps', 'sample', 'sample.controller.ts');
    mkdirSync(join(folder, 'apps', 'sample'), { recursive: true });
    writeFileSync(file, SOURCE);
    const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, strict: true, experimentalDecorators: true, lib: ['lib.es2023.d.ts'], types: [] });
    result = generate(program, /sample\.controller\.ts$/);
  }, 60_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const operations = () => result.document.operations as Record<string, Record<string, unknown>>;
  const components = () => result.document.components as Record<string, Record<string, unknown>>;

  it('names the declared views as components, strict: required fields, no others, null and optional told apart', () => {
    expect(operations().SampleController_conversation).toEqual({ $ref: '#/components/schemas/ConversationViewAnswer' });
    expect(components().MessageViewAnswer).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        text: { type: 'string', nullable: true },
        sentAt: { type: 'string', format: 'date-time' },
        kind: { type: 'string', enum: ['citizen', 'agent'] },
        read: { type: 'boolean' },
      },
      required: ['id', 'text', 'sentAt', 'kind'],
      additionalProperties: false,
    });
    const conversation = components().ConversationViewAnswer;
    expect(conversation.required).toEqual(['id', 'messages', 'last', 'labels', 'counts', 'details']);
    expect(conversation.properties).toEqual({
      id: { type: 'string' },
      messages: { type: 'array', items: { $ref: '#/components/schemas/MessageViewAnswer' } },
      last: { nullable: true, anyOf: [{ $ref: '#/components/schemas/MessageViewAnswer' }] },
      // A mapped type keeps its keys, each optional.
      labels: {
        type: 'object',
        properties: { fr: { type: 'string' }, en: { type: 'string' }, de: { type: 'string' } },
        additionalProperties: false,
      },
      counts: { type: 'object', additionalProperties: { type: 'number' } },
      details: { type: 'object', additionalProperties: {} },
    });
  });

  it('leaves out methods, getters and private members, and describes inline answers in place', () => {
    expect(components().EntityAnswer).toEqual({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false });
    expect(operations().SampleController_inline).toEqual({
      type: 'object',
      properties: { done: { type: 'boolean', enum: [true] }, total: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['done', 'total', 'tags'],
      additionalProperties: false,
    });
  });

  it('skips 204 and file routes, and refuses an untyped answer or a void one without 204', () => {
    expect(Object.keys(operations())).not.toEqual(expect.arrayContaining(['SampleController_nothing']));
    expect(operations().SampleController_file).toBeUndefined();
    expect(result.problems).toEqual([
      expect.stringContaining('SampleController_untyped: answer typed unknown'),
      expect.stringContaining('SampleController_forgotten: answers nothing; declare @HttpCode(204)'),
    ]);
  });
});
