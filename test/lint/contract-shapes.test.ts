// The web app, the patient client and the CLI read the API through src/contract's types, never through
// shapes written again by hand (issue 11 "One contract"). A hand copy compiles today and drifts tomorrow,
// when a route's schema changes and the copy does not. Two rules, checked with the TypeScript checker
// over web/src, src/client and src/cli:
//   1. An answer is named by a type from outside those folders: the type argument of `request<T>(…)`
//      and the type an API call's result (`request`, the client's `call`, fetch's `json()`, and in the
//      web app JSON.parse of event data) is cast to with `as` may hold no object type literal and no
//      type declared in web/src, src/client or src/cli.
//   2. No interface or object type literal there has two or more fields that are all fields of one
//      exported contract type (or of an object type inside one): that is a copy of the contract's shape.
// The last tests plant such copies and watch each rule report them.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const REPO = resolve(import.meta.dirname, '../..');
const CONTRACT = join(REPO, 'src/contract');
/** Where the API's shapes may only be imported, never written. */
const HAND_WRITTEN = [join(REPO, 'web/src'), join(REPO, 'src/client'), join(REPO, 'src/cli')];
/** Calls whose answer is the API's: web/src/lib/http.ts request, the client's call, fetch's json(). */
const ANSWER_CALLS = new Set(['request', 'call', 'json']);
/** The web app's JSON.parse reads event data from the API; the CLI's reads its own files. */
const WEB = join(REPO, 'web/src');
/** A union of more members than this is a catalogue (every FHIR resource type), not one shape. */
const UNION_MEMBERS_MAX = 4;
/** Fields of shapes nested deeper than this in a contract type are not compared. */
const NESTING_MAX = 3;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** The web app's compiler options (browser conditions, JSX), which the client's files compile under too. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(REPO, 'web/tsconfig.json'), (p) => ts.sys.readFile(p));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, join(REPO, 'web')).options;
}

/** A program over the contract and the given files; `planted` adds files that exist only in memory. */
function programOf(files: string[], planted: Record<string, string> = {}): ts.Program {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => planted[path] ?? readFile(path);
  host.fileExists = (path) => path in planted || fileExists(path);
  host.getSourceFile = (path, language, ...rest) =>
    path in planted
      ? ts.createSourceFile(path, planted[path]!, language, true)
      : getSourceFile(path, language, ...rest);
  const roots = [...sourcesUnder(CONTRACT), ...files, ...Object.keys(planted)];
  return ts.createProgram(roots, options, host);
}

const isHandWritten = (fileName: string) => HAND_WRITTEN.some((dir) => fileName.startsWith(dir + sep));
const where = (node: ts.Node) => {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(REPO, file.fileName)}:${line + 1}`;
};

interface Shape {
  readonly name: string;
  readonly fields: ReadonlySet<string>;
}

/** Every object shape the contract exports: its types, and the object types inside them (our own). */
function contractShapes(program: ts.Program): Shape[] {
  const checker = program.getTypeChecker();
  const shapes: Shape[] = [];
  const seen = new Set<ts.Type>();
  const ours = (type: ts.Type) =>
    (type.getSymbol()?.declarations ?? []).every((d) => d.getSourceFile().fileName.startsWith(REPO + sep));
  const visit = (type: ts.Type, name: string, depth: number): void => {
    if (seen.has(type) || depth > NESTING_MAX) return;
    seen.add(type);
    if (type.isUnion()) {
      if (type.types.length <= UNION_MEMBERS_MAX) for (const member of type.types) visit(member, name, depth);
      return;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference)) visit(element, name, depth);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return;
    const properties = checker.getPropertiesOfType(type);
    if (properties.length >= 2) shapes.push({ name, fields: new Set(properties.map((p) => p.name)) });
    if (depth > 0 && !ours(type)) return;
    for (const property of properties) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration === undefined) continue;
      const propertyType = checker.getNonNullableType(
        checker.getTypeOfSymbolAtLocation(property, declaration),
      );
      visit(propertyType, `${name}.${property.name}`, depth + 1);
    }
  };
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(CONTRACT + sep)) continue;
    const module = checker.getSymbolAtLocation(file);
    for (const symbol of module === undefined ? [] : checker.getExportsOfModule(module)) {
      if (!(symbol.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface))) continue;
      visit(checker.getDeclaredTypeOfSymbol(symbol), `${relative(REPO, file.fileName)} ${symbol.name}`, 0);
    }
  }
  // The smallest shape a copy matches is the one it copies (a { hash, height } copies CommittedTx).
  return shapes.sort((x, y) => x.fields.size - y.fields.size);
}

/** The fields a hand-written object type names. */
function fieldsOf(node: ts.InterfaceDeclaration | ts.TypeLiteralNode): string[] {
  return node.members.flatMap((m) =>
    ts.isPropertySignature(m) && m.name !== undefined && !ts.isComputedPropertyName(m.name)
      ? [m.name.text]
      : [],
  );
}

/** The call an expression is, under parentheses and await. */
function callOf(expression: ts.Expression): ts.CallExpression | undefined {
  let e = expression;
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
  return ts.isCallExpression(e) ? e : undefined;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/** What the two rules find in the hand-written files of a program. */
function handCopies(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const shapes = contractShapes(program);
  const found: string[] = [];
  const answerType = (type: ts.TypeNode) => {
    const visit = (node: ts.Node): void => {
      if (ts.isTypeLiteralNode(node)) {
        found.push(`${where(node)} names an API answer with an object type literal, not a contract type`);
        return;
      }
      if (ts.isTypeReferenceNode(node)) {
        let symbol = checker.getSymbolAtLocation(node.typeName);
        if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias)
          symbol = checker.getAliasedSymbol(symbol);
        const declared = symbol?.declarations?.[0]?.getSourceFile().fileName;
        if (declared !== undefined && isHandWritten(declared)) {
          found.push(
            `${where(node)} names an API answer with ${node.typeName.getText()}, declared in ${relative(REPO, declared)}`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(type);
  };
  for (const file of program.getSourceFiles()) {
    if (!isHandWritten(file.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && calleeName(node) === 'request') {
        for (const type of node.typeArguments ?? []) answerType(type);
      }
      if (ts.isAsExpression(node)) {
        const call = callOf(node.expression);
        const name = call === undefined ? undefined : calleeName(call);
        const eventData = name === 'parse' && file.fileName.startsWith(WEB + sep);
        if (name !== undefined && (ANSWER_CALLS.has(name) || eventData)) answerType(node.type);
      }
      if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) {
        const fields = fieldsOf(node);
        const copied =
          fields.length >= 2 ? shapes.find((s) => fields.every((f) => s.fields.has(f))) : undefined;
        if (copied !== undefined) {
          found.push(`${where(node)} { ${fields.join(', ')} } copies the fields of ${copied.name}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

test('the web app, the client and the CLI name the API’s shapes by contract types, with no hand copies', () => {
  const files = HAND_WRITTEN.flatMap(sourcesUnder);
  assert.ok(files.length > 50, `only ${files.length} files found in web/src, src/client and src/cli`);
  const program = programOf(files);
  const read = program.getSourceFiles().filter((f) => isHandWritten(f.fileName));
  assert.equal(read.length, files.length, 'every file of web/src, src/client and src/cli is read');
  assert.deepEqual(handCopies(program), []);
});

test('the rules report a planted copy of a contract shape and an answer named by hand', () => {
  const planted = join(REPO, 'web/src/lib/planted-copy.ts');
  const program = programOf([], {
    [planted]: [
      "import { request } from './http.ts';",
      'interface Verdict { resourceType: string; decision: string; reason: string }',
      'interface Consents { consents: unknown[] }',
      'export const verdicts = () => request<Verdict[]>("/api/v1/consents/allowed");',
      'export const mine = () => request<Consents>("/api/v1/patients/me/consents");',
      'export const status = async () => (await request<unknown>("/api/v1/status")) as { chainId: string };',
      'export const account = (a: unknown) => JSON.parse(String(a)) as { publicKey: string; nonce: number };',
      'export const nonce = async (r: Response) => (await r.json()) as { nonce: number };',
    ].join('\n'),
    // The CLI's JSON.parse reads its own files (a key file here): not an API answer.
    [join(REPO, 'src/cli/planted-file.ts')]:
      'export const key = (t: string) => JSON.parse(t) as { seed: string };',
  });
  const prefix = 'web/src/lib/planted-copy.ts:';
  const found = handCopies(program)
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
  assert.deepEqual(found, [
    '2 { resourceType, decision, reason } copies the fields of src/contract/consents.ts AllowedAnswer.decisions',
    '4 names an API answer with Verdict, declared in web/src/lib/planted-copy.ts',
    '5 names an API answer with Consents, declared in web/src/lib/planted-copy.ts',
    '6 names an API answer with an object type literal, not a contract type',
    '7 names an API answer with an object type literal, not a contract type',
    '7 { publicKey, nonce } copies the fields of src/contract/ledger.ts AccountAnswer',
    '8 names an API answer with an object type literal, not a contract type',
  ]);
  assert.deepEqual(
    handCopies(program).filter((line) => line.startsWith('src/cli/planted-file.ts')),
    [],
  );
});
