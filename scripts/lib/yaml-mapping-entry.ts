import { isDeepStrictEqual } from 'node:util';
import { Node, isMap, parse, parseDocument } from 'yaml';

/**
 * Adds `key: <block>` as the last entry of the mapping at `path` of a YAML file, as text, so
 * that every comment and every line of the file stays as it was (a YAML library's round trip
 * would restyle flow collections and lines).
 *
 * `block` is the entry's value as YAML text indented for a key at column 0 (`"\n  kind: x"`,
 * or `" value"` for a scalar). The result is parsed again: it must hold the file's data plus
 * the block's under the key. Returns undefined, so the caller can ask for a manual step, when
 * the mapping is missing or empty, the key is taken, or the text did not come out as planned.
 *
 * @example
 * addMappingEntry(values, ['apps'], 'reviews', '\n  kind: service\n  port: 3004');
 */
export function addMappingEntry(
  content: string,
  path: readonly string[],
  key: string,
  block: string,
): string | undefined {
  const before = parseDocument(content);
  const mapping = before.getIn(path, true);
  if (before.errors.length > 0 || !isMap(mapping) || mapping.items.length === 0) return undefined;
  if (mapping.has(key) || !mapping.range) return undefined;

  const firstKey = mapping.items[0].key as Node;
  const keyStart = firstKey.range![0];
  const indent = keyStart - (content.lastIndexOf('\n', keyStart - 1) + 1);
  // Entries that are blocks separated by blank lines (values.yaml's apps) get one too.
  const second = mapping.items[1]?.key as Node | undefined;
  const gap = second ? content.slice(0, second.range![0]).match(/\n[ \t]*\n[ \t]*$/) : null;
  const end = content.slice(0, mapping.range[1]).trimEnd().length;
  const entry = `${key}:${block}`;
  const expected: unknown = parse(entry)[key];
  const indented = entry
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(indent) + line))
    .join('\n');
  const updated = `${content.slice(0, end)}\n${gap ? '\n' : ''}${indented}${content.slice(end)}`;

  const after = parseDocument(updated);
  if (after.errors.length > 0) return undefined;
  const added = valueAt(after.toJS(), [...path, key]);
  after.deleteIn([...path, key]);
  const isAsPlanned =
    isDeepStrictEqual(added, expected) && isDeepStrictEqual(after.toJS(), before.toJS());
  return isAsPlanned ? updated : undefined;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined,
    value,
  );
}
