import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

// The API reference is the contract users code against: every name an entry point exports must
// be listed there, so an export cannot be added (or kept) without a line saying what it is for.
const root = join(__dirname, '..');

/** The names an entry exports; the entries only re-export (`export { … } from`), nothing else. */
function exportsOf(entry: string): string[] {
  const file = join(root, entry);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (!clause || !ts.isNamedExports(clause)) throw new Error(`${entry}: \`export *\` hides what is exported`);
    names.push(...clause.elements.map((element) => element.name.text));
  }
  return names;
}

/** The names the reference lists: every `code span` in the first column of its tables. */
function documented(section: string): Set<string> {
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1];
    for (const [, name] of first?.matchAll(/`([A-Za-z_$][\w$]*)`/g) ?? []) names.add(name);
  }
  return names;
}

describe('public API reference (docs/api.md)', () => {
  const reference = readFileSync(join(root, 'docs', 'api.md'), 'utf8');
  const [main, testing] = reference.split('## `@txmsg/nestjs/testing`');

  it.each([
    ['src/index.ts', () => main],
    ['src/testing/index.ts', () => testing],
  ])('lists every export of %s', (entry, section) => {
    const names = exportsOf(entry);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !documented(section()).has(name))).toEqual([]);
  });

  it('lists nothing the entries do not export', () => {
    const exported = new Set([...exportsOf('src/index.ts'), ...exportsOf('src/testing/index.ts')]);
    const listed = [...documented(main), ...documented(testing)];
    expect(listed.filter((name) => !exported.has(name))).toEqual([]);
  });
});
