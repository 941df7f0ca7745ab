/**
 * Pure helpers of the environments panel (unit-tested with node's test runner).
 */

export interface IFormFields {
  name: string;
  python: string;
  /** conda packages, one per line (`numpy>=1.26`) */
  packages: string;
  /** pip packages, one per line (`xarray==2024.6.0`) */
  pip: string;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l.length > 0 && !l.startsWith('#'));
}

function quote(value: string): string {
  return /^[A-Za-z0-9_.=<>!~*,-]+$/.test(value) ? value : JSON.stringify(value);
}

/** An environment.yml text from the create form. */
export function specFromForm(fields: IFormFields): string {
  const deps: string[] = [];
  if (fields.python.trim()) {
    deps.push(`  - python=${fields.python.trim()}`);
  }
  for (const pkg of lines(fields.packages)) {
    deps.push(`  - ${quote(pkg)}`);
  }
  const pip = lines(fields.pip);
  if (pip.length > 0) {
    deps.push('  - pip:');
    for (const pkg of pip) {
      deps.push(`      - ${quote(pkg)}`);
    }
  }
  const head = [`name: ${fields.name.trim()}`, 'channels:', '  - conda-forge'];
  const body = deps.length > 0 ? ['dependencies:', ...deps] : ['dependencies: []'];
  return [...head, ...body, ''].join('\n');
}

/** The `name:` of an environment.yml text, if it has one (to prefill the name field). */
export function nameOfSpec(text: string): string | null {
  const match = /^name:\s*["']?([^"'\s#]+)["']?\s*(#.*)?$/m.exec(text);
  return match ? match[1] : null;
}

/** Environments grouped by namespace, namespaces and names sorted. */
export function groupByNamespace<T extends { namespace: string; name: string }>(items: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.namespace) ?? [];
    list.push(item);
    groups.set(item.namespace, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, list]) => [ns, [...list].sort((a, b) => a.name.localeCompare(b.name))]);
}

export function isRunning(status: string): boolean {
  return status === 'QUEUED' || status === 'BUILDING';
}

/** One line per change, for the rebuild confirmation: `+ pip scipy`, `- conda numpy>=1`, `~ pip a: 1 -> 2`. */
export function diffLines(diff: {
  added: { kind: string; spec?: string }[];
  removed: { kind: string; spec?: string }[];
  changed: { kind: string; name: string; old?: string; new?: string }[];
  channels: { old: string[]; new: string[] } | null;
  variables: unknown;
  unchanged: boolean;
}): string[] {
  if (diff.unchanged) {
    return ['no change: the rebuild resolves the same specification again'];
  }
  const out: string[] = [];
  for (const a of diff.added) {
    out.push(`+ ${a.kind} ${a.spec}`);
  }
  for (const r of diff.removed) {
    out.push(`- ${r.kind} ${r.spec}`);
  }
  for (const c of diff.changed) {
    out.push(`~ ${c.kind} ${c.old} → ${c.new}`);
  }
  if (diff.channels) {
    out.push(`~ channels ${diff.channels.old.join(', ') || '(none)'} → ${diff.channels.new.join(', ') || '(none)'}`);
  }
  if (diff.variables) {
    out.push('~ variables changed');
  }
  return out;
}
