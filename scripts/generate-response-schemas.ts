/**
 * Writes the JSON Schema of every REST route's answer, read from the TypeScript return type of its controller method
 * (the type the service returns), into apps/api/src/openapi/response-schemas.generated.json; the API document serves
 * them. One source of truth: a service that changes its answer changes its type, and `npm run openapi:check` (part of
 * `npm test`) fails until the file is generated again.
 *
 *   npm run openapi:generate    write the file
 *   npm run openapi:check       fail when the file is out of date (or a route's answer is `any` / `unknown`)
 *
 * Routes that answer a file (`@FileAnswer`), nothing (`@HttpCode(204)`) or a redirect (`@RedirectAnswer`) are left out:
 * their decorator describes them in the document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

type Schema = Record<string, unknown>;

const ROOT = join(__dirname, '..');
const CONTROLLER_FILE = /apps\/api\/src\/.*\.controller\.ts$/;
const OUTPUT = join(ROOT, 'apps', 'api', 'src', 'openapi', 'response-schemas.generated.json');
const HTTP_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);
/** Decorators that describe an answer that is not a JSON body. */
const NOT_JSON = new Set(['FileAnswer', 'TextAnswer', 'RedirectAnswer', 'EmptyAnswer']);

function program(): ts.Program {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const controllers = parsed.fileNames.filter((file) => CONTROLLER_FILE.test(file));
  return ts.createProgram(controllers, { ...parsed.options, noEmit: true });
}

function decoratorNames(node: ts.HasDecorators): Map<string, ts.Decorator> {
  const names = new Map<string, ts.Decorator>();
  for (const decorator of ts.getDecorators(node) ?? []) {
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    if (ts.isIdentifier(callee)) names.set(callee.text, decorator);
  }
  return names;
}

function httpCode(decorators: Map<string, ts.Decorator>): number | undefined {
  const decorator = decorators.get('HttpCode');
  if (!decorator || !ts.isCallExpression(decorator.expression)) return undefined;
  const argument = decorator.expression.arguments[0];
  return argument && ts.isNumericLiteral(argument) ? Number(argument.text) : undefined;
}

class SchemaWriter {
  readonly components: Record<string, Schema> = {};
  readonly problems: string[] = [];
  private readonly names = new Map<ts.Type, string>();

  constructor(private readonly checker: ts.TypeChecker) {}

  answer(type: ts.Type, where: string): Schema {
    const awaited = this.checker.getAwaitedType(type) ?? type;
    if (awaited.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      this.problems.push(`${where}: answer typed ${this.checker.typeToString(awaited)}; give the service a return type`);
    }
    return this.schema(awaited, where, 0);
  }

  private schema(type: ts.Type, where: string, depth: number): Schema {
    if (depth > 30) {
      this.problems.push(`${where}: type too deep`);
      return {};
    }
    const flags = type.flags;
    // Inside an answer, `unknown` is a free-form value (an audit event's details): any JSON.
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (flags & ts.TypeFlags.Null) return { nullable: true, enum: [null] };
    if (flags & ts.TypeFlags.StringLiteral) return { type: 'string', enum: [(type as ts.StringLiteralType).value] };
    if (flags & ts.TypeFlags.NumberLiteral) return { type: 'number', enum: [(type as ts.NumberLiteralType).value] };
    if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', enum: [this.checker.typeToString(type) === 'true'] };
    if (flags & ts.TypeFlags.String) return { type: 'string' };
    if (flags & ts.TypeFlags.Number) return { type: 'number' };
    if (flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) {
      this.problems.push(`${where}: answers nothing; declare @HttpCode(204) or @EmptyAnswer()`);
      return {};
    }
    if (type.isUnion()) return this.union(type, where, depth);
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'Date') return { type: 'string', format: 'date-time' };
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      const items = this.checker.getTypeArguments(type as ts.TypeReference).map((item) => this.schema(item, `${where}[]`, depth + 1));
      return { type: 'array', items: items.length === 1 ? items[0] : { anyOf: items } };
    }
    if (flags & ts.TypeFlags.Object || type.isIntersection()) return this.named(type, where, depth);
    this.problems.push(`${where}: unsupported type ${this.checker.typeToString(type)}`);
    return {};
  }

  private union(type: ts.UnionType, where: string, depth: number): Schema {
    const members = type.types.filter((member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const nullable = members.some((member) => member.flags & ts.TypeFlags.Null);
    const rest = members.filter((member) => !(member.flags & ts.TypeFlags.Null));
    let schema: Schema;
    const booleans = rest.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral);
    const others = rest.filter((member) => !(member.flags & ts.TypeFlags.BooleanLiteral));
    const parts: Schema[] = [];
    if (booleans.length === 2) parts.push({ type: 'boolean' });
    else parts.push(...booleans.map((member) => this.schema(member, where, depth + 1)));
    const stringLiterals = others.filter((member) => member.flags & ts.TypeFlags.StringLiteral);
    if (stringLiterals.length > 0 && stringLiterals.length === others.length) {
      parts.push({ type: 'string', enum: stringLiterals.map((member) => (member as ts.StringLiteralType).value) });
    } else {
      parts.push(...others.map((member) => this.schema(member, where, depth + 1)));
    }
    if (parts.length === 0) return { nullable: true, enum: [null] };
    schema = parts.length === 1 ? parts[0] : { anyOf: parts };
    if (nullable) {
      if (typeof schema.type === 'string') {
        schema = { ...schema, nullable: true };
        if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
      } else schema = { nullable: true, anyOf: parts.length === 1 ? [schema] : parts };
    }
    return schema;
  }

  /**
   * An interface, class or alias declared in this project becomes a component (named after it, "Answer" added so that
   * it never meets a request body's name); generic and library types, and anonymous object types, stay inline.
   */
  private named(type: ts.Type, where: string, depth: number): Schema {
    const known = this.names.get(type);
    if (known) return { $ref: `#/components/schemas/${known}` };
    const declared = this.declaration(type);
    if (!declared) return this.object(type, where, depth);
    let unique = `${declared.name}Answer`;
    if (unique in this.components) unique = `${declared.area}${unique}`;
    for (let index = 2; unique in this.components; index++) unique = `${declared.area}${declared.name}Answer${index}`;
    this.names.set(type, unique);
    this.components[unique] = {};
    this.components[unique] = this.object(type, `${where} (${unique})`, depth);
    return { $ref: `#/components/schemas/${unique}` };
  }

  private declaration(type: ts.Type): { name: string; area: string } | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const name = symbol?.getName();
    if (!symbol || !name || name.startsWith('__')) return undefined;
    if ((type.aliasTypeArguments ?? (type as ts.TypeReference).typeArguments ?? []).length > 0) return undefined;
    const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '';
    const area = /\/(?:libs|apps)\/([^/]+)\//.exec(relative(ROOT, file).replace(/^/, '/'))?.[1];
    if (!area || file.includes('node_modules')) return undefined;
    return { name, area: area.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase()) };
  }

  private object(type: ts.Type, where: string, depth: number): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      // A mapped type's properties (Partial<Record<Language, string>>) have no declaration of their own.
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration) {
        if (ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration)) continue;
        if (ts.isGetAccessorDeclaration(declaration)) continue;
        const modifiers = ts.getCombinedModifierFlags(declaration as ts.Declaration);
        if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      }
      const propertyType = declaration ? this.checker.getTypeOfSymbolAtLocation(property, declaration) : this.checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0) continue;
      const optional =
        (property.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propertyType.isUnion() && propertyType.types.some((member) => member.flags & ts.TypeFlags.Undefined));
      properties[property.getName()] = this.schema(propertyType, `${where}.${property.getName()}`, depth + 1);
      if (!optional) required.push(property.getName());
    }
    const schema: Schema = { type: 'object', properties };
    if (required.length > 0) schema.required = required;
    const index = this.checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & (ts.TypeFlags.String | ts.TypeFlags.Number));
    schema.additionalProperties = index ? this.schema(index.type, `${where}[key]`, depth + 1) : false;
    if (index && Object.keys(properties).length === 0) delete schema.properties;
    return schema;
  }
}

/** The answer schemas of the controllers in `built` (the files matching `controllerFile`) and their components. */
export function generate(built: ts.Program, controllerFile = CONTROLLER_FILE): { document: Schema; problems: string[] } {
  const checker = built.getTypeChecker();
  const writer = new SchemaWriter(checker);
  const operations: Record<string, Schema> = {};
  for (const file of built.getSourceFiles()) {
    if (!controllerFile.test(file.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name && decoratorNames(node).has('Controller')) {
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
          const decorators = decoratorNames(member);
          if (![...decorators.keys()].some((name) => HTTP_METHODS.has(name))) continue;
          if ([...decorators.keys()].some((name) => NOT_JSON.has(name)) || httpCode(decorators) === 204) continue;
          const operationId = `${node.name.text}_${member.name.text}`;
          const signature = checker.getSignatureFromDeclaration(member);
          if (!signature) continue;
          operations[operationId] = writer.answer(signature.getReturnType(), `${relative(ROOT, file.fileName)} ${operationId}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const sortKeys = (record: Record<string, Schema>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return { document: { operations: sortKeys(operations), components: sortKeys(writer.components) }, problems: writer.problems };
}

function main(): void {
  const { document, problems } = generate(program());
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (problems.length > 0) {
    console.error(`Answers without a schema:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error('apps/api/src/openapi/response-schemas.generated.json is out of date: run `npm run openapi:generate`.');
      process.exitCode = 1;
    } else console.log(`Response schemas up to date (${Object.keys(document.operations as object).length} routes).`);
    return;
  }
  writeFileSync(OUTPUT, text);
  console.log(`Wrote ${Object.keys(document.operations as object).length} route answers, ${Object.keys(document.components as object).length} components.`);
}

if (require.main === module) main();
