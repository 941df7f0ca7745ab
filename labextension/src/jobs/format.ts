/** Pure helpers of the jobs panel (unit-tested with node). */

export type ParamType = 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object' | 'null' | 'any';

/** Text shown in a form field for a parameter's default. */
export function fieldText(type: ParamType, value: unknown): string {
  if (type === 'string' || type === 'any') {
    return String(value ?? '');
  }
  return JSON.stringify(value);
}

/** Parse a form field back to a value of the parameter's type; throws with a readable message. */
export function parseField(name: string, type: ParamType, text: string): unknown {
  const fail = (): never => {
    throw new Error(`${name}: expected ${type}, got ${JSON.stringify(text)}`);
  };
  switch (type) {
    case 'string':
      return text;
    case 'integer': {
      if (!/^[-+]?\d+$/.test(text.trim())) {
        fail();
      }
      return parseInt(text, 10);
    }
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) {
        fail();
      }
      return value;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') {
        fail();
      }
      return text === 'true';
    default:
      try {
        return JSON.parse(text);
      } catch {
        if (type === 'any') {
          return text;
        }
        return fail();
      }
  }
}

/** "3/5 cells" or "" before the job has started. */
export function progressText(done: number, total: number): string {
  return total > 0 ? `${done}/${total} cells` : '';
}

/** Seconds as "4 s", "2 min 5 s", "1 h 3 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const STATUS_LABEL: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timed_out: 'Timed out'
};

/** A process id from a notebook's name: letters, digits, `_.-`, at most 64 characters. */
export function processId(path: string): string {
  const stem = (path.split('/').pop() ?? path).replace(/\.ipynb$/, '');
  const id = stem
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return id || 'notebook';
}
