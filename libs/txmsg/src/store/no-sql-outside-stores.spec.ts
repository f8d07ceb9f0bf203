import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

// The stores own every statement of the library's tables (and the migrations their DDL), so that a
// column or a dialect is a change to one store. This keeps SQL from creeping back into the
// mechanisms: any string or template literal outside store/ and schema/ that names a library
// table together with an SQL keyword is reported with its file and line.

const SRC = join(__dirname, '..');
const OWNERS = ['store', 'schema'];
const KEYWORD = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The library's tables, as its migrations create them: a new table is covered without editing this. */
function libraryTables(): string[] {
  const tables = new Set<string>();
  for (const file of sourceFiles(join(SRC, 'schema'))) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/CREATE TABLE IF NOT EXISTS (txmsg_\w+)/g)) {
      tables.add(name);
    }
  }
  return [...tables];
}

/** The text of every string and template literal in a file, with the line it starts on. */
function literalsOf(file: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) {
      text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ${…} ');
    }
    if (text !== undefined) {
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('SQL against the library tables', () => {
  const tables = libraryTables();
  const mentionsTable = new RegExp(`\\b(${tables.join('|')})\\b`);

  it('knows the tables from the migrations', () => {
    expect(tables).toEqual(expect.arrayContaining(['txmsg_outbox', 'txmsg_dedup', 'txmsg_inbox_failure']));
  });

  it('is written only in store/ (statements) and schema/ (migrations)', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const path = relative(SRC, file);
      if (OWNERS.some((owner) => path.startsWith(owner + '/'))) continue;
      for (const { line, text } of literalsOf(file)) {
        if (mentionsTable.test(text) && KEYWORD.test(text)) {
          offenders.push(`libs/txmsg/src/${path}:${line}: ${text.replace(/\s+/g, ' ').trim().slice(0, 100)}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
