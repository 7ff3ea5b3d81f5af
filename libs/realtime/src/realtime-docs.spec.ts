import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ASSIGNMENT_REASONS, REMOVAL_REASONS, RESYNC_REASONS } from './events';

const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'realtime.md'), 'utf8');

/** The event names of one interface of events.ts, read with the TypeScript parser. */
function eventsOf(interfaceName: string): string[] {
  const file = join(__dirname, 'events.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === interfaceName,
  );
  if (!found) throw new Error(`${interfaceName} not in events.ts`);
  return found.members.map((member) => {
    const name = member.name!;
    return ts.isStringLiteral(name) || ts.isIdentifier(name) ? name.text : name.getText(source);
  });
}

/** The events a section's table lists for one direction ("server →" or "→ server"). */
function documentedEvents(section: string, direction: 'from server' | 'to server'): string[] {
  const start = doc.indexOf(`## \`${section}\``);
  if (start < 0) throw new Error(`no section ${section}`);
  const end = doc.indexOf('\n## ', start + 1);
  const rows = doc.slice(start, end < 0 ? undefined : end).split('\n').filter((line) => line.startsWith('| '));
  return rows
    .map((row) => row.split('|').map((cell) => cell.trim()))
    .filter(([, who]) => (direction === 'from server' ? who.startsWith('server →') : who.endsWith('→ server')))
    .map(([, , event]) => event.replace(/`/g, ''));
}

/** The values listed under the "`event`" paragraph of the Reasons section. */
function documentedReasons(event: string): string[] {
  const reasons = doc.slice(doc.indexOf('## Reasons'));
  const start = reasons.indexOf(`\`${event}\` (`);
  if (start < 0) throw new Error(`no reasons for ${event}`);
  const end = reasons.indexOf('\n\n`', start + 1);
  return reasons
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .flatMap((line) => line.slice(2).split(':')[0].split(',').map((value) => value.trim().replace(/`/g, '')));
}

const sorted = (values: readonly string[]) => [...new Set(values)].sort();

describe('docs/realtime.md matches libs/realtime/src/events.ts', () => {
  it.each([
    ['/desk', 'DeskServerToClientEvents', 'from server'],
    ['/desk', 'DeskClientToServerEvents', 'to server'],
    ['/webchat', 'WebchatServerToClientEvents', 'from server'],
    ['/webchat', 'WebchatClientToServerEvents', 'to server'],
  ] as const)('lists every event of %s %s and no other', (section, interfaceName, direction) => {
    const declared = sorted(eventsOf(interfaceName));
    expect(declared.length).toBeGreaterThan(2);
    expect(sorted(documentedEvents(section, direction))).toEqual(declared);
  });

  it.each([
    ['conversation:assigned', ASSIGNMENT_REASONS],
    ['conversation:removed', REMOVAL_REASONS],
    ['resync', RESYNC_REASONS],
  ] as const)('lists every reason of %s and no other', (event, declared) => {
    expect(sorted(documentedReasons(event))).toEqual(sorted(declared));
  });
});
