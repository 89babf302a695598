/* global URL */
// Prints `AppRouter` of @latchkey/api as a self-contained type: every procedure's kind, input and output, and
// the error shape, expanded down to primitives with the TypeScript compiler's own checker (no name of the
// server's is left in it). Used by generate-api-router.mjs and by the test that keeps the file current.
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const PROBE_FILE = `${packageDir}src/__api-router-probe.ts`;
const PROBE = `import type { AppRouter } from '@latchkey/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
export type Record_ = AppRouter['_def']['record'];
export type Inputs = inferRouterInputs<AppRouter>;
export type Outputs = inferRouterOutputs<AppRouter>;
export type ErrorShape = AppRouter['_def']['_config']['$types']['errorShape'];
`;

function createChecker() {
  const configPath = ts.findConfigFile(packageDir, ts.sys.fileExists, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (
    (exists) => (file) =>
      file === PROBE_FILE || exists(file)
  )(host.fileExists.bind(host));
  host.readFile = (file) => (file === PROBE_FILE ? PROBE : readFile(file));
  host.getSourceFile = (file, language) =>
    file === PROBE_FILE ? ts.createSourceFile(file, PROBE, language) : getSourceFile(file, language);
  const program = ts.createProgram([PROBE_FILE], config.options, host);
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(PROBE_FILE);
  const exported = new Map(
    checker
      .getExportsOfModule(checker.getSymbolAtLocation(probe))
      .map((symbol) => [symbol.name, checker.getDeclaredTypeOfSymbol(symbol)]),
  );
  return { checker, probe, exported };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Spells a type out structurally: primitives and literals as the checker prints them, objects key by key. */
function spell(checker, type, indent) {
  const inner = `${indent}  `;
  if (type.isUnion()) {
    const members = type.types;
    if (members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral) && members.length === 2)
      return 'boolean';
    const spelled = [];
    let sawBoolean = false;
    for (const member of members) {
      if (
        member.flags & ts.TypeFlags.BooleanLiteral &&
        members.filter((m) => m.flags & ts.TypeFlags.BooleanLiteral).length === 2
      ) {
        if (!sawBoolean) spelled.push('boolean');
        sawBoolean = true;
        continue;
      }
      spelled.push(spell(checker, member, indent));
    }
    return spelled.join(' | ');
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type);
    const spelled = spell(checker, element, indent);
    return /^[\w"'$]+$/.test(spelled) ? `${spelled}[]` : `(${spelled})[]`;
  }
  if (type.flags & ts.TypeFlags.Object) {
    const lines = [];
    for (const info of checker.getIndexInfosOfType(type))
      lines.push(
        `${inner}[key: ${checker.typeToString(info.keyType)}]: ${spell(checker, info.type, inner)};`,
      );
    for (const property of checker.getPropertiesOfType(type)) {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      let propertyType = checker.getTypeOfSymbol(property);
      if (optional)
        propertyType =
          checker.getNonNullableType(propertyType) === propertyType
            ? propertyType
            : removeUndefined(checker, propertyType);
      const name = IDENTIFIER.test(property.name) ? property.name : JSON.stringify(property.name);
      lines.push(`${inner}${name}${optional ? '?' : ''}: ${spell(checker, propertyType, inner)};`);
    }
    return lines.length === 0 ? 'object' : `{\n${lines.join('\n')}\n${indent}}`;
  }
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
}

function removeUndefined(checker, type) {
  if (!type.isUnion()) return type;
  const kept = type.types.filter((member) => !(member.flags & ts.TypeFlags.Undefined));
  return kept.length === 1 ? kept[0] : checker.getUnionType(kept);
}

function propertyType(checker, type, name) {
  const property = checker.getPropertyOfType(type, name);
  if (property === undefined) throw new Error(`no property ${name}`);
  return checker.getTypeOfSymbol(property);
}

/** The formatted source of src/api-router.ts. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- plain JavaScript; the .d.mts types it
export async function generateApiRouterSource() {
  const { checker, exported } = createChecker();
  const record = exported.get('Record_');
  const inputs = exported.get('Inputs');
  const outputs = exported.get('Outputs');
  const routers = [];
  for (const routerSymbol of checker.getPropertiesOfType(record)) {
    const routerType = checker.getTypeOfSymbol(routerSymbol);
    const procedures = [];
    for (const procedureSymbol of checker.getPropertiesOfType(routerType)) {
      const procedureType = checker.getTypeOfSymbol(procedureSymbol);
      const kind = checker.typeToString(
        propertyType(checker, propertyType(checker, procedureType, '_def'), 'type'),
      );
      const generic =
        kind === '"query"' ? 'TRPCQueryProcedure' : kind === '"mutation"' ? 'TRPCMutationProcedure' : null;
      if (generic === null)
        throw new Error(`${routerSymbol.name}.${procedureSymbol.name}: unsupported kind ${kind}`);
      const input = propertyType(
        checker,
        propertyType(checker, inputs, routerSymbol.name),
        procedureSymbol.name,
      );
      const output = propertyType(
        checker,
        propertyType(checker, outputs, routerSymbol.name),
        procedureSymbol.name,
      );
      const indent = '      ';
      procedures.push(
        `    ${procedureSymbol.name}: ${generic}<{\n${indent}input: ${spell(checker, input, indent)};\n${indent}output: ${spell(checker, output, indent)};\n${indent}meta: object;\n    }>;`,
      );
    }
    routers.push(`  ${routerSymbol.name}: {\n${procedures.join('\n')}\n  };`);
  }
  const errorShape = spell(checker, exported.get('ErrorShape'), '  ');
  const source = `// Generated by \`pnpm --filter @latchkey/client generate:router\` (scripts/generate-api-router.mjs) from
// @latchkey/api's AppRouter; do not edit. src/api-router.test.ts fails while it differs from the router.
/* eslint-disable @typescript-eslint/consistent-type-definitions, @typescript-eslint/no-invalid-void-type,
   @typescript-eslint/consistent-indexed-object-style -- tRPC's spelling: a router record is a type alias (an
   interface has no index signature), and a procedure without input takes \`void\`. */
import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure } from '@trpc/server';

/** Every procedure of the Latchkey API: its kind, input and output. */
export type ApiProcedures = {
${routers.join('\n')}
};

/** \`error\` in every failed answer (apps/api/README.md, Errors). */
export type ApiErrorShape = ${errorShape};

/** The API's router type as the client sees it: the procedures, and the error shape; nothing of the server. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ApiErrorShape; transformer: false },
  ApiProcedures
>;
`;
  const options = await prettier.resolveConfig(`${packageDir}src/api-router.ts`);
  return prettier.format(source, { ...options, parser: 'typescript' });
}
