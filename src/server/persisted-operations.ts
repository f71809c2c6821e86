import { createHash } from 'node:crypto';

/** PERSISTED_OPERATIONS_FILE: id → document, each document also under its SHA-256. */
export function parsePersistedOperations(fileText: string): ReadonlyMap<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(fileText);
  } catch {
    throw new Error('is not JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('must be a JSON object of id → document');
  }
  const operations = new Map<string, string>();
  for (const [id, document] of Object.entries(json)) {
    if (typeof document !== 'string' || document.trim() === '' || id === '') {
      throw new Error(`entry ${JSON.stringify(id.slice(0, 80))} must map an id to a document`);
    }
    operations.set(id, document);
    operations.set(sha256(document), document);
  }
  if (operations.size === 0) throw new Error('lists no operation');
  return operations;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
